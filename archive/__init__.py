"""The archive: owns the database and the WARC files, runs crawls (the session, the runner), and
is used through ``Archive`` (the Python API) or the ``portal-archive`` command built on it."""

from __future__ import annotations

from typing import Any

__all__ = ["Archive", "ArchiveError"]


def __getattr__(name: str) -> Any:
    # Lazily, so that importing one module of the package (the store, say) does not import
    # Scrapy and the crawl machinery.
    if name in __all__:
        from archive import api

        return getattr(api, name)
    raise AttributeError(name)
