"""StorePipeline: hands extracted articles to the archive, marks removed ones, records the run
and what sitemaps said of pages.

Settings read: ARCHIVE_DB_PATH; the portal is the spider's. A write the archive refuses (disk
full, read-only file) stops the crawl cleanly: what was stored stays stored, and the run is marked
failed.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.utils.defer import deferred_from_coro

from archive.store import Store, StoreError
from crawler.items import GonePage, ListedLastmod, UnchangedPage
from crawler.portals import Portal
from pipelines.extract import ExtractedArticle

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, crawler: Crawler, db_path: str) -> None:
        self.crawler = crawler
        self.db_path = db_path
        self.store: Store | None = None
        self.run_id: int | None = None
        self.failure: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        pipeline = cls(crawler, crawler.settings["ARCHIVE_DB_PATH"])
        # The run is closed on spider_closed, not close_spider: only then is the reason known.
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        portal: Portal = self.crawler.spider.portal  # type: ignore[union-attr]
        self.store = Store(self.db_path)
        self.store.save_source(portal)
        self.run_id = self.store.start_run(portal.id, "crawl")
        assert self.crawler.stats is not None
        self.crawler.stats.set_value("archive/run_id", self.run_id)

    def process_item(self, item: Any) -> Any:
        if self.store is None or self.failure:
            return item
        try:
            if isinstance(item, ExtractedArticle):
                outcome = self.store.save_article(item.article, self.run_id, item.capture_id)
            elif isinstance(item, UnchangedPage):
                seen = self.store.touch(item.portal, item.url, item.fetched_at)
                outcome = "not_modified" if seen else "not_modified_not_stored"
            elif isinstance(item, GonePage):
                gone = (item.portal, item.url, item.status, item.fetched_at)
                outcome = "removed" if self.store.mark_removed(*gone) else "gone_not_stored"
            elif isinstance(item, ListedLastmod):
                self.store.record_lastmod(item.portal, item.identity, item.lastmod)
                return item
            else:
                return item
        except StoreError as error:
            self.failure = str(error)
            logger.error("%s; stopping the crawl", error)
            assert self.crawler.engine is not None
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="store_error"))
            return item
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"archive/articles/{outcome}")
        return item

    def spider_closed(self, reason: str) -> None:
        if self.store is None or self.run_id is None:
            return
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        status = "failed" if self.failure else reason
        if status == "finished" and not stats.get("response_received_count"):
            status = "no_response"  # the site is down or gone: not a successful run
        try:
            self.store.finish_run(self.run_id, status, stats)
        except StoreError as error:
            logger.error("could not record the run: %s", error)
        finally:
            self.store.close()
