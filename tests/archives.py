"""Copying an archive in tests: the database through SQLite's backup API, the WARC folder too.

A plain file copy of a WAL-mode database misses what still sits in the ``-wal`` file (any open
connection keeps it there), and gives an older, even inconsistent, archive.
"""

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

from archive.warc import warc_dir_for


def copy_archive(source: Path, target: Path, with_warc: bool = True) -> Path:
    with closing(sqlite3.connect(source)) as original, closing(sqlite3.connect(target)) as copy:
        original.backup(copy)
    if with_warc:
        shutil.copytree(warc_dir_for(source), warc_dir_for(target))
    return target
