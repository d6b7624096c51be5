"""StorePipeline: hands extracted articles to the archive, marks removed ones, records failed
extractions, the run, and what sitemaps said of pages.

Writes go through the crawl's one archive.writer.BatchWriter (shared with the WARC capture
middleware) and are committed together: once 200 are queued, or once the oldest has waited half
a second (checked every quarter second). Outcomes (new, updated, unchanged...) are counted in the
stats as each batch commits.

Settings read: ARCHIVE_DB_PATH; the portal is the spider's. A write the archive refuses (disk
full, read-only file) stops the crawl cleanly: what was committed stays, and the run is marked
failed.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.utils.asyncio import create_looping_call
from scrapy.utils.defer import deferred_from_coro

from archive.store import StoreError
from archive.writer import BatchWriter, close_writer, open_writer
from crawler.items import GonePage, ListedLastmod, UnchangedPage
from crawler.portals import Portal
from pipelines.extract import ExtractedArticle, FailedExtraction

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

FLUSH_INTERVAL = 0.25  # seconds between checks for queued writes that have waited long enough


class StorePipeline:
    def __init__(self, crawler: Crawler, db_path: str) -> None:
        self.crawler = crawler
        self.db_path = db_path
        self.writer: BatchWriter | None = None
        self.run_id: int | None = None
        self.failure: str | None = None
        self.flusher: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        pipeline = cls(crawler, crawler.settings["ARCHIVE_DB_PATH"])
        # The run is closed on spider_closed, not close_spider: only then is the reason known.
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        portal: Portal = self.crawler.spider.portal  # type: ignore[union-attr]
        self.writer = open_writer(self.db_path)
        self.writer.store.save_source(portal)
        self.run_id = self.writer.store.start_run(portal.id, "crawl")
        assert self.crawler.stats is not None
        self.crawler.stats.set_value("archive/run_id", self.run_id)
        self.flusher = create_looping_call(self._commit, due_only=True)
        self.flusher.start(FLUSH_INTERVAL, now=False)

    def process_item(self, item: Any) -> Any:
        writer = self.writer
        if writer is None or self.failure:
            return item
        if isinstance(item, ExtractedArticle):
            writer.save_article(item.record, self.run_id, item.capture, self._count)
        elif isinstance(item, UnchangedPage):
            writer.touch(item.portal, item.url, item.fetched_at, self._count_seen)
        elif isinstance(item, GonePage):
            gone = (item.portal, item.url, item.status, item.fetched_at)
            writer.mark_removed(*gone, done=self._count_removed)
        elif isinstance(item, ListedLastmod):
            writer.record_lastmod(item.portal, item.identity, item.lastmod)
        elif isinstance(item, FailedExtraction):
            writer.record_failure(item.portal, item.url, item.reason, item.capture, self.run_id)
        else:
            return item
        self._commit(due_only=True)
        return item

    def _commit(self, due_only: bool) -> None:
        """Commit the queued writes (only if they are due); a refused write stops the crawl."""
        if self.writer is None or self.failure:
            return
        try:
            if due_only:
                self.writer.flush_if_due()
            else:
                self.writer.flush()
        except StoreError as error:
            self.failure = str(error)
            logger.error("%s; stopping the crawl", error)
            assert self.crawler.engine is not None
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="store_error"))

    def _count(self, outcome: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"archive/articles/{outcome}")

    def _count_seen(self, seen: bool) -> None:
        self._count("not_modified" if seen else "not_modified_not_stored")

    def _count_removed(self, marked: bool) -> None:
        self._count("removed" if marked else "gone_not_stored")

    def spider_closed(self, reason: str) -> None:
        if self.writer is None or self.run_id is None:
            return
        if self.flusher is not None and self.flusher.running:
            self.flusher.stop()
        self._commit(due_only=False)
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        status = "failed" if self.failure else reason
        if status == "finished" and not stats.get("response_received_count"):
            status = "no_response"  # the site is down or gone: not a successful run
        try:
            self.writer.store.finish_run(self.run_id, status, stats)
        except StoreError as error:
            logger.error("could not record the run: %s", error)
        finally:
            try:
                close_writer(self.writer)
            except StoreError as error:
                logger.error("%s", error)
