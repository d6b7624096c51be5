"""Where the offline data lives: the Hanoi mirror and the seed captures in ../shared beside the
repository, or wherever $PORTAL_ARCHIVE_DATA points."""

from __future__ import annotations

import os
from pathlib import Path

from crawler.errors import ArchiveError

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_ENV = "PORTAL_ARCHIVE_DATA"


class MissingDataError(ArchiveError, FileNotFoundError):
    """An offline mirror a portal needs is not where it should be."""


def data_root() -> Path:
    """Where offline mirrors live: $PORTAL_ARCHIVE_DATA, else ../shared/data beside the repo."""
    configured = os.environ.get(DATA_ENV)
    return Path(configured) if configured else REPO_ROOT.parent / "shared" / "data"


def mirror_root(portal_id: str, replay: str) -> Path:
    """The folder of a portal's offline mirror (``replay`` is its path under the data root)."""
    root = data_root() / replay
    if not root.is_dir():
        raise MissingDataError(
            f"offline mirror for portal {portal_id!r} not found at {root} "
            f"(set {DATA_ENV} to the folder holding {replay.split('/')[0]}/)"
        )
    return root
