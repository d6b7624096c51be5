"""One crawl per (archive, portal) at a time, so cron runs that overlap do not crawl twice.

The lock is an ``flock`` on ``<database name>-locks/<portal>.lock``: the kernel drops it when the
process ends, however it ends (kill -9 included), so a crash never leaves a stale lock behind.
The file holds the owner's pid, for the message the second run prints.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from crawler.errors import ArchiveError


class LockedError(ArchiveError):
    """Another process is crawling this portal into this archive."""


def lock_path(db_path: str | Path, portal: str) -> Path:
    db = Path(db_path)
    return db.with_name(f"{db.stem}-locks") / f"{portal}.lock"


def is_held(db_path: str | Path, portal: str) -> bool:
    """Whether a live process holds the crawl lock of ``portal`` in this archive now."""
    path = lock_path(db_path, portal)
    if not path.exists():
        return False
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


@contextmanager
def portal_lock(db_path: str | Path, portal: str) -> Iterator[None]:
    path = lock_path(db_path, portal)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            owner = handle.read().strip() or "another process"
            raise LockedError(
                f"a crawl of {portal} into {db_path} is already running (pid {owner}); "
                "not starting a second one"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
