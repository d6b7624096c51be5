"""The Python API: ``Archive(path)`` and what one does with an archive. The CLI is a thin layer
over it; tests and benchmarks call it directly.

    from archive import Archive

    news = Archive("news.db")
    result = news.crawl("honglinh", fetch_base="http://127.0.0.1:18100", limit=100)
    news.backfill("baohatinh", since="2020-01-01")
    for row in news.search("chuyển đổi số", limit=5):
        print(row["published"], row["title"])
    news.export("dataset", format="parquet", dedupe="near")

Every mistake is an ``ArchiveError`` (or a subclass) whose message is meant for a person: an
unknown portal, a bad setting, a database that cannot be opened, a missing mirror, a crawl of
the same portal already running.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from archive.db import Store, StoreError
from archive.locks import LockedError
from archive.runner import CrawlResult, check_crawl, run_crawl
from archive.search import fts_query, passage, starred
from crawler.errors import ArchiveError
from crawler.options import (
    RecoverOptions,
    check_setting_names,
    parse_setting_pairs,
    project_settings,
)
from crawler.portals import Portal, get_portal

if TYPE_CHECKING:
    from archive.importing import ImportReport

__all__ = ["Archive", "ArchiveError", "CrawlResult"]


class Archive:
    """The archive at ``path`` (a SQLite file, created on first use, WARC files beside it)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"Archive({str(self.path)!r})"

    def open(self) -> Store:
        """The store, opened (and its schema brought up to date); close it when done."""
        return Store(self.path)

    # crawling ------------------------------------------------------------------------------

    def crawl(
        self,
        portal: str | Portal,
        *,
        fetch_base: str | None = None,
        limit: int = 0,
        recheck: bool = False,
        settings: dict[str, Any] | list[str] | None = None,
        log_level: str = "WARNING",
        progress: bool = True,
    ) -> CrawlResult:
        """Crawl ``portal`` for what is new. ``settings``: Scrapy or ARCHIVE_* settings, as a
        dict or as ``NAME=VALUE`` strings (``-s``). Raises LockedError when a crawl of the
        portal into this archive is running already."""
        overrides: dict[str, Any] = {"ARCHIVE_ARTICLE_LIMIT": limit}
        if recheck:
            overrides["ARCHIVE_RECHECK"] = "all"
        return self._run(portal, fetch_base, overrides, settings, log_level, progress)

    def backfill(
        self,
        portal: str | Portal,
        since: str | date,
        until: str | date | None = None,
        *,
        fetch_base: str | None = None,
        limit: int = 0,
        settings: dict[str, Any] | list[str] | None = None,
        log_level: str = "WARNING",
        progress: bool = True,
    ) -> CrawlResult:
        """Walk ``portal``'s listings back to ``since`` (and leave out what they date after
        ``until``). Resumable: run it again after an interruption."""
        overrides: dict[str, Any] = {
            "ARCHIVE_ARTICLE_LIMIT": limit,
            "ARCHIVE_BACKFILL_SINCE": str(since),
            "ARCHIVE_BACKFILL_UNTIL": str(until) if until else None,
        }
        return self._run(portal, fetch_base, overrides, settings, log_level, progress)

    def recover(
        self,
        portal: str | Portal,
        source: str = "wayback",
        *,
        since: str | date | None = None,
        until: str | date | None = None,
        captured_since: str | date | None = None,
        captured_until: str | date | None = None,
        all_versions: bool = False,
        limit: int = 0,
        settings: dict[str, Any] | list[str] | None = None,
        log_level: str = "WARNING",
        progress: bool = True,
    ) -> CrawlResult:
        """Recover ``portal``'s articles from a web archive: ``source`` is ``wayback``,
        ``commoncrawl`` or a pywb-style CDX endpoint (``http://host:port/<collection>/cdx``).
        ``since``/``until`` choose articles by publication day, ``captured_since``/``_until``
        the captures asked for. Resumable: run it again after an interruption."""
        overrides: dict[str, Any] = {
            "ARCHIVE_RECOVER_FROM": source,
            "ARCHIVE_ARTICLE_LIMIT": limit,
            "ARCHIVE_BACKFILL_SINCE": str(since) if since else None,
            "ARCHIVE_BACKFILL_UNTIL": str(until) if until else None,
            "ARCHIVE_RECOVER_CAPTURED_SINCE": str(captured_since) if captured_since else None,
            "ARCHIVE_RECOVER_CAPTURED_UNTIL": str(captured_until) if captured_until else None,
            "ARCHIVE_RECOVER_ALL_VERSIONS": all_versions,
        }
        return self._run(portal, None, overrides, settings, log_level, progress, "recover")

    def import_files(
        self,
        files: list[str | Path],
        portal: str | None = None,
        *,
        settings: dict[str, Any] | list[str] | None = None,
        log_level: str = "WARNING",
        progress: bool = True,
    ) -> ImportReport:
        """Import WARC, ARC and WACZ ``files``: their records are matched to the declared
        portals by host (or only ``portal``'s are taken), copied into the archive's WARC files,
        and their articles extracted and stored, marked ``import``. Records of hosts no portal
        declares are counted and left out. Importing a file twice stores it once."""
        from archive.importing import scan_hosts

        paths = [str(Path(name)) for name in files]
        report = scan_hosts(paths, [get_portal(portal)] if portal else None)
        for portal_id in report.portals:
            overrides = {"ARCHIVE_IMPORT_FILES": paths}
            report.results.append(
                self._run(portal_id, None, overrides, settings, log_level, progress, "import")
            )
        return report

    def _run(
        self,
        portal: str | Portal,
        fetch_base: str | None,
        overrides: dict[str, Any],
        settings: dict[str, Any] | list[str] | None,
        log_level: str,
        progress: bool,
        spider: str = "portal",
    ) -> CrawlResult:
        declared = portal if isinstance(portal, Portal) else get_portal(portal)
        if isinstance(settings, list | tuple):
            settings = parse_setting_pairs(settings)  # names checked there
        else:
            check_setting_names(settings or {})
        overrides = {**overrides, **(settings or {})}
        if spider == "recover":  # fetched from the web archive, not from the portal
            fetch_base = RecoverOptions.from_settings(project_settings(overrides)).archive.base
        elif spider == "import":  # nothing is fetched (and no mirror is needed)
            fetch_base = declared.origin
        check_crawl(declared, str(self.path), fetch_base, overrides)
        self.open().close()  # an unusable path fails here, before any fetching
        started = time.monotonic()
        result = run_crawl(
            declared, str(self.path), fetch_base, overrides, log_level, progress, spider
        )
        result.stats["elapsed_seconds"] = round(time.monotonic() - started, 1)
        if result.locked:
            raise LockedError(result.failure or f"a crawl of {declared.id} is running already")
        return result

    # reading -------------------------------------------------------------------------------

    def articles(
        self, portal: str | None = None, since: str | None = None, limit: int | None = None
    ) -> Iterator[dict[str, Any]]:
        """Stored articles, newest first; ``since`` is a day (published on or after)."""
        with self.open() as store:
            yield from store.articles(portal, since, limit)

    def search(
        self,
        query: str,
        limit: int = 10,
        portal: str | None = None,
        since: str | date | None = None,
        until: str | date | None = None,
        raw: bool = False,
    ) -> list[dict[str, Any]]:
        """Articles holding every word of ``query`` (accents and đ optional), best first: url,
        title, published, portal, lead, and a ``snippet`` of the text with the words in
        ``**...**``. ``raw``: ``query`` is an FTS5 expression (phrases, OR, NEAR, column:)."""
        match = query if raw else fts_query(query)
        if not match.strip():
            return []
        chosen = {"portal": portal} if portal else {}
        days = (str(since) if since else None, str(until) if until else None)
        with self.open() as store:
            try:
                rows = store.matching(match, chosen, limit, 0, *days)
            except StoreError as error:
                raise StoreError(f"cannot search for {query!r}: {error}") from None
        return [
            {
                **{key: row[key] for key in ("url", "title", "published", "portal", "lead", "id")},
                "snippet": starred(passage(row["lead"], row["text"], query)),
            }
            for row in rows
        ]

    def count(self, portal: str | None = None) -> int:
        with self.open() as store:
            return store.count_articles(portal)

    # datasets ------------------------------------------------------------------------------

    def export(
        self,
        out: str | Path,
        progress: Callable[[int], None] | None = None,
        on_total: Callable[[int], None] | None = None,
        **options: Any,
    ) -> Any:
        """Write a dataset folder (see archive.export.ExportOptions for ``options``);
        ``on_total`` is told how many rows there are, ``progress`` how many more are written."""
        from archive.db.schema import needs_migration
        from archive.export import ExportOptions, export_dataset

        chosen = ExportOptions(out=Path(out), **options)
        if self.path.exists() and needs_migration(str(self.path)):
            self.open().close()  # bring an older archive's schema up to date first
        return export_dataset(self.path, chosen, progress=progress, on_total=on_total)

    def dedupe(self, threshold: float | None = None) -> Any:
        """Group exact and near-duplicate articles into clusters (see archive.dedupe)."""
        from archive.dedupe import dedupe

        with self.open() as store:
            return dedupe(store, threshold)
