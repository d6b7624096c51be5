"""ArchiveSession: the one owner of a crawl's archive side, one per Scrapy crawler.

Everything a crawl writes or reads from the archive goes through it: the portal lock, the
database, the batched writer, the WARC files, the ``runs`` row, and what the archive knew when
the crawl started (stored articles, sitemap stamps, articles due a revisit). It is a Scrapy
extension, named in EXTENSIONS, and the capture middleware and the store pipeline reach it with
``ArchiveSession.of(crawler)``, as components reach ``crawler.stats``; the spider is handed its
index and revisit list when the spider opens, and knows nothing else of the archive.

On ``spider_opened`` it takes the lock (a second crawl of the same portal into the same archive
closes with reason ``locked`` before fetching anything), opens the store, saves the source,
starts the run and loads the index. On ``spider_closed`` it commits what is queued, finishes the
run (``failed`` after a refused write, ``no_response`` when the site never answered) and lets go
of the lock. A write the archive refuses (disk full) closes the crawl: what was committed stays.
"""

from __future__ import annotations

import logging
import sqlite3
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from scrapy import signals
from scrapy.exceptions import CloseSpider
from scrapy.utils.asyncio import create_looping_call
from scrapy.utils.defer import deferred_from_coro

from archive.db import Store, StoreError
from archive.locks import LockedError, portal_lock
from archive.warc import Exchange, WarcFiles, payload_digest, warc_dir_for
from archive.writer import BatchWriter
from crawler.clock import iso_seconds, now_iso
from crawler.index import MemoryIndex, RecheckTarget, ResumePoint, UsesArchive
from crawler.items import CaptureRef, WalkProgress
from crawler.options import CrawlOptions
from crawler.outcome import crawl_problem
from crawler.spiders.portal import PortalSpider
from pipelines.record import ArticleRecord

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

INTERRUPTED = {"shutdown": "interrupted"}  # a run stopped by a signal, in the runs table
FLUSH_INTERVAL = 0.25  # seconds between checks for queued writes that have waited long enough
_SESSIONS: WeakKeyDictionary[Crawler, ArchiveSession] = WeakKeyDictionary()


class ArchiveSession:
    def __init__(self, crawler: Crawler, options: CrawlOptions) -> None:
        self.crawler = crawler
        self.options = options
        self.portal = options.portal
        self.store: Store | None = None
        self.writer: BatchWriter | None = None
        self.warc: WarcFiles | None = None
        self.run_id: int | None = None
        self.index = MemoryIndex()
        self.recheck: list[RecheckTarget] = []
        self.resume: list[ResumePoint] = []
        self.failure: str | None = None  # why the crawl was stopped from here, if it was
        self.store_failed = False  # the database refused a write: nothing more is sent to it
        self._held = ExitStack()
        self._flusher: Any = None
        self.closed = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveSession:
        session = cls(crawler, CrawlOptions.of(crawler))
        _SESSIONS[crawler] = session
        crawler.signals.connect(session.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(session.spider_closed, signal=signals.spider_closed)
        return session

    @classmethod
    def of(cls, crawler: Crawler) -> ArchiveSession:
        """The session of ``crawler`` (ArchiveSession must be in its EXTENSIONS)."""
        try:
            return _SESSIONS[crawler]
        except KeyError:
            raise RuntimeError(
                "no ArchiveSession for this crawler: add archive.session.ArchiveSession to "
                "EXTENSIONS"
            ) from None

    # opening and closing -------------------------------------------------------------------

    def spider_opened(self) -> None:
        options = self.options
        try:
            self._held.enter_context(portal_lock(options.db_path, self.portal.id))
        except LockedError as error:
            self.failure = str(error)
            raise CloseSpider("locked") from None
        try:
            self.store = self._held.enter_context(Store(options.db_path))
            self.store.save_source(self.portal)
            self.store.mark_interrupted(self.portal.id)  # we hold the lock: no run is alive
            self.run_id = self.store.start_run(self.portal.id, options.command)
            known = self.store.known_articles(self.portal.id)
            if options.recover_from or options.import_files:
                known |= self.store.recovered_mementos(self.portal.id)
            self.index = MemoryIndex(known, self.store.listed_lastmods(self.portal.id))
            self.recheck = self._recheck_targets(self.store)
            self.resume = self.store.walk_resumes(self.portal.id)
        except StoreError as error:
            self.failure = str(error)
            raise CloseSpider("store_error") from None
        except sqlite3.DatabaseError as error:  # a damaged page, met while loading the index
            self.failure = f"the archive database is damaged ({error})"
            raise CloseSpider("store_error") from None
        self.writer = BatchWriter(self.store)
        if options.warc_enabled:
            folder = options.warc_dir or warc_dir_for(options.db_path)
            self.warc = WarcFiles(folder, "portal-archive", options.warc_max_bytes)
        spider = self.crawler.spider
        if isinstance(spider, UsesArchive):
            spider.use_archive(self.index, self.recheck, self.resume)
        self._flusher = create_looping_call(self.commit, due_only=True)
        self._flusher.start(FLUSH_INTERVAL, now=False)

    def _recheck_targets(self, store: Store) -> list[RecheckTarget]:
        """Every stored article (ARCHIVE_RECHECK=all, ``--recheck``), else the recent ones the
        portal's revisit policy says are due."""
        if self.options.recheck == "all":
            return store.recheck_targets(self.portal.id)
        now = datetime.now(UTC)
        revisit = self.portal.revisit
        return store.recheck_targets(
            self.portal.id,
            first_seen_after=iso_seconds(now - timedelta(days=revisit.recent_days)),
            last_seen_before=iso_seconds(now - timedelta(hours=revisit.every_hours)),
        )

    def interrupt(self) -> None:
        """Close the archive side now, the crawl being stopped without waiting for it to close
        (archive.runner: a signal, and a graceful stop that took too long)."""
        if self.closed:
            return
        logger.warning("stopping now: the crawl was still waiting to close")
        if self.crawler.stats is not None:
            self.crawler.stats.set_value("finish_reason", "shutdown")
        self.spider_closed("shutdown")

    def spider_closed(self, reason: str) -> None:
        if self.closed:
            return
        self.closed = True
        try:
            if self._flusher is not None and self._flusher.running:
                self._flusher.stop()
            if self.warc is not None:
                try:
                    self.warc.close()
                except OSError as error:
                    self.stop(f"cannot finish the WARC files: {error.strerror}")
            spider = self.crawler.spider
            if isinstance(spider, PortalSpider) and not self.failure:
                for stamp in spider.sitemap_stamps_to_keep(reason):
                    self.record_lastmod(stamp.identity, stamp.lastmod)
            self.commit(due_only=False)
            if self.store is not None and self.run_id is not None:
                self._finish_run(self.store, self.run_id, reason)
        finally:
            self._held.close()

    def _finish_run(self, store: Store, run_id: int, reason: str) -> None:
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        status = "failed" if self.failure else INTERRUPTED.get(reason, reason)
        if (
            status == "finished"
            and not stats.get("response_received_count")
            and not self.options.import_files
        ):
            status = "no_response"  # the site is down or gone: not a successful run
        elif status == "finished" and crawl_problem(stats):
            status = "failed"
        try:
            store.finish_run(run_id, status, stats)
        except StoreError as error:
            logger.error("could not record the run: %s", error)

    # writing -------------------------------------------------------------------------------

    def capture(self, exchange: Exchange, record: dict[str, Any]) -> CaptureRef | None:
        """Write one response to the WARC files (a revisit record when an earlier capture of the
        URL has the same payload) and queue its ``captures`` row; ``record`` holds the row's
        other columns. None when WARC capture is off or the session is not open."""
        if self.warc is None or self.writer is None:
            return None
        earlier = self.writer.earlier_capture(exchange.target_uri, record["payload_digest"])
        try:
            written = self.warc.write(
                exchange,
                revisit_of=(earlier[0], earlier[1].replace("+00:00", "Z")) if earlier else None,
            )
        except OSError as error:  # a full disk, most often: the WARC files fill first
            self._count("archive/warc/write_failed")
            self.stop(f"cannot write the WARC files in {self.warc.directory}: {error.strerror}")
            return None
        row = {
            **record,
            "record_type": written.record_type,
            "warc_file": written.warc_file,
            "offset": written.offset,
            "length": written.length,
        }
        self._count(f"archive/warc/{written.record_type}")
        return self._add_capture(row)

    def capture_copy(
        self,
        target_uri: str,
        captured_at: str,
        response: tuple[int, str, list[tuple[str, str]], bytes],
        source: str,
        read_from: str,
    ) -> CaptureRef | None:
        """A response another archive captured (a memento, a record of an imported file),
        copied under its original URI and capture time (``WARC-Date``), with where it was read
        (``WARC-Source-URI``), from what and when; ``response`` is (status, reason, headers,
        body). Its captures row carries ``source`` and the capture time as ``fetched_at``."""
        status, reason, headers, body = response
        named = {name.lower(): value for name, value in reversed(headers)}  # first value wins
        exchange = Exchange(
            target_uri=target_uri,
            method="GET",
            request_headers=[],
            status=status,
            reason=reason,
            response_headers=headers,
            body=body,
            fetched_at=datetime.fromisoformat(captured_at),
            provenance=(
                ("WARC-Source-URI", read_from),
                ("WARC-Recovered-From", source),
                ("WARC-Recovered-Date", now_iso()),
            ),
        )
        return self.capture(
            exchange,
            {
                "url": target_uri,
                "fetched_from": read_from,
                "status": status,
                "content_type": named.get("content-type", ""),
                "payload_digest": payload_digest(body),
                "fetched_at": captured_at,
                "redirect_url": named.get("location"),
                "etag": named.get("etag"),
                "last_modified": named.get("last-modified"),
                "source": source,
            },
        )

    def capture_failure(self, record: dict[str, Any]) -> None:
        """Index a fetch that got no response (refused, reset, timed out), with its error."""
        if self.warc is not None:
            self._add_capture({**record, "record_type": "failure"})
            self._count("archive/warc/failure")

    def _add_capture(self, row: dict[str, Any]) -> CaptureRef | None:
        if self.writer is None:
            return None
        return self.writer.add_capture({**row, "run_id": self.run_id, "portal": self.portal.id})

    def save_article(self, record: ArticleRecord, capture: CaptureRef | None) -> None:
        if capture is None and self.warc is not None:
            # Its response could not be written to the WARC files (a full disk): an article is
            # stored only with its capture, so the next crawl fetches it again.
            self._count("archive/articles/not_stored_without_capture")
            return
        self._queue(lambda writer: writer.save_article(record, self.run_id, capture, self._outcome))

    def record_failure(self, url: str, reason: str, capture: CaptureRef | None) -> None:
        self._queue(
            lambda writer: writer.record_failure(self.portal.id, url, reason, capture, self.run_id)
        )

    def touch(self, url: str, fetched_at: str) -> None:
        def seen(touched: bool) -> None:
            self._outcome("not_modified" if touched else "not_modified_not_stored")

        self._queue(lambda writer: writer.touch(self.portal.id, url, fetched_at, seen))

    def mark_removed(self, url: str, status: int, fetched_at: str) -> None:
        def removed(marked: bool) -> None:
            self._outcome("removed" if marked else "gone_not_stored")

        self._queue(
            lambda writer: writer.mark_removed(self.portal.id, url, status, fetched_at, removed)
        )

    def record_lastmod(self, identity: str, lastmod: str) -> None:
        self._queue(lambda writer: writer.record_lastmod(self.portal.id, identity, lastmod))

    def record_walk(self, step: WalkProgress) -> None:
        self._queue(lambda writer: writer.record_walk(step))

    def _queue(self, write: Any) -> None:
        if self.writer is None or self.store_failed:
            return
        write(self.writer)
        self.commit(due_only=True)

    def commit(self, due_only: bool) -> None:
        """Commit the queued writes (only if due); a refused write stops the crawl."""
        if self.writer is None or self.store_failed:
            return
        try:
            if due_only:
                self.writer.flush_if_due()
            else:
                self.writer.flush()
        except StoreError as error:
            self.store_failed = True
            self.stop(str(error))

    def stop(self, why: str) -> None:
        """Stop the crawl (once) because the archive cannot take what it fetches: what is
        queued is still committed if the database can take it, and the run is failed."""
        if self.failure:
            return
        self.failure = why
        logger.error("%s; stopping the crawl", why)
        if self.crawler.engine is not None and self.crawler.engine.spider is not None:
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="store_error"))

    def _outcome(self, outcome: str) -> None:
        self._count(f"archive/articles/{outcome}")

    def _count(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)
