"""ExtractPipeline: RawPage in, ExtractedArticle out (or the page is dropped, reason counted).

Extraction itself is pipelines.extraction.extract_article, a pure function, run on worker
processes (pipelines.pool) so the reactor thread keeps fetching and storing while both cores
extract. At most ``IN_FLIGHT_PER_WORKER`` pages per worker are handed over at a time; the
others wait here, and while they wait Scrapy holds back new downloads (its scraper slot stops
the engine once SCRAPER_SLOT_MAX_ACTIVE_SIZE bytes of responses are being processed), so memory
stays bounded however fast the site answers. Pages come out in the order their extraction ends.

A page the extractor cannot handle (it raises, runs past ARCHIVE_EXTRACT_TIMEOUT, or kills its
worker) becomes a FailedExtraction, which the store records with the reason; the crawl goes on.

Options read (crawler.options): ARCHIVE_EXTRACT_WORKERS (0: one per core),
ARCHIVE_EXTRACT_TIMEOUT, ARCHIVE_EXTRACT_FUNCTION, and the portal. Stats:
archive/not_article[/<reason>], archive/extract/failed, archive/extract/max_in_flight.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro

from crawler.items import Capture, RawPage
from crawler.options import CrawlOptions
from pipelines.extraction import NotAnArticle
from pipelines.pool import Aborted, ExtractionPool, PoolBroken, WorkerFailure
from pipelines.record import ArticleRecord

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

IN_FLIGHT_PER_WORKER = 2  # enough to keep every worker busy, few enough to hold little memory


@dataclass(frozen=True)
class ExtractedArticle:
    """An article, as its ``articles`` row, and the capture it was read from."""

    record: ArticleRecord
    capture: Capture


@dataclass(frozen=True)
class FailedExtraction:
    """A page whose extraction raised, hung or killed its worker, and why."""

    portal: str
    url: str
    reason: str
    capture: Capture


class ExtractPipeline:
    def __init__(self, crawler: Crawler, options: CrawlOptions) -> None:
        self.crawler = crawler
        self.portal = options.portal
        self.workers = options.extract_workers or None
        self.timeout = options.extract_timeout
        self.function = options.extract_function
        self.pool: ExtractionPool | None = None
        self.slots: asyncio.Semaphore | None = None
        self.in_flight = 0
        self.broken = False
        # A recovery keeps articles published in --since/--until, by the page's own date (no
        # listing tells it before the fetch); a crawl or backfill chooses by its listings.
        self.published_window = (
            (options.since, options.until) if options.recover_from else (None, None)
        )

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractPipeline:
        return cls(crawler, CrawlOptions.of(crawler))

    def open_spider(self) -> None:
        self.pool = ExtractionPool(self.portal, self.workers, self.timeout, self.function)
        self.slots = asyncio.Semaphore(IN_FLIGHT_PER_WORKER * self.pool.workers)

    def close_spider(self) -> None:
        if self.pool is not None:
            self.pool.close()

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, RawPage):
            return item
        stats = self.crawler.stats
        assert stats is not None
        try:
            outcome = await self._extract(item)
        except PoolBroken as error:
            self._stop(str(error))
            raise DropItem(f"not extracted ({error}): {item.url}", "INFO") from None
        if isinstance(outcome, NotAnArticle):
            stats.inc_value("archive/not_article")
            stats.inc_value(f"archive/not_article/{outcome.reason}")
            raise DropItem(f"not an article ({outcome.reason}): {item.url}", "INFO")
        if isinstance(outcome, WorkerFailure):
            stats.inc_value("archive/extract/failed")
            logger.error("extraction failed for %s: %s", item.url, outcome.reason)
            return FailedExtraction(item.portal, item.url, outcome.reason, item.capture)
        outcome["source"] = item.source
        if not self._in_window(outcome.get("published")):
            stats.inc_value("archive/outside_published_window")
            raise DropItem(f"published outside --since/--until: {item.url}", "INFO")
        return ExtractedArticle(outcome, item.capture)

    def _in_window(self, published: str | None) -> bool:
        since, until = self.published_window
        if since is None and until is None:
            return True
        if not published:
            return False
        day = published[:10]
        return (since is None or day >= since.isoformat()) and (
            until is None or day <= until.isoformat()
        )

    async def _extract(self, item: RawPage) -> Any:
        """The page's outcome; a page dropped by a breaking pool is submitted once more."""
        outcome = await self._extract_once(item)
        if isinstance(outcome, Aborted):
            outcome = await self._extract_once(item)
        return outcome

    async def _extract_once(self, item: RawPage) -> Any:
        assert self.pool is not None and self.slots is not None and self.crawler.stats
        async with self.slots:
            self.in_flight += 1
            self.crawler.stats.max_value("archive/extract/max_in_flight", self.in_flight)
            future = self.pool.submit(item.url, item.body, item.headers, item.fetched_at)
            try:
                with contextlib.suppress(Exception):  # outcome() reads it, whatever it was
                    await asyncio.wrap_future(future)
            finally:
                self.in_flight -= 1
        return self.pool.outcome(future)

    def _stop(self, reason: str) -> None:
        """No page can be extracted: end the crawl (once) rather than fetch for nothing."""
        if self.broken:
            return
        self.broken = True
        logger.error("%s; stopping the crawl", reason)
        assert self.crawler.engine is not None
        deferred_from_coro(self.crawler.engine.close_spider_async(reason="extraction_failed"))
