"""Progress lines on stderr while a crawl runs, so long crawls show they are alive.

Reads ARCHIVE_PROGRESS_INTERVAL (seconds; 0 disables).
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class Progress:
    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        interval = crawler.settings.getfloat("ARCHIVE_PROGRESS_INTERVAL")
        if interval <= 0:
            raise NotConfigured
        extension = cls(crawler, interval)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self) -> None:
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.report)
        self.loop.start(self.interval, now=False)

    def spider_closed(self) -> None:
        if self.loop and self.loop.running:
            self.loop.stop()

    def report(self) -> None:
        stats = self.crawler.stats
        assert stats is not None
        pages = stats.get_value("response_received_count", 0)
        stored = (
            stats.get_value("archive/articles/new", 0)
            + stats.get_value("archive/articles/updated", 0)
            + stats.get_value("archive/articles/unchanged", 0)
        )
        queued = stats.get_value("scheduler/enqueued", 0) - stats.get_value("scheduler/dequeued", 0)
        elapsed = max(time.monotonic() - self.started, 1e-6)
        oldest = stats.get_value("portal/oldest_listing_date")
        print(
            f"  … {pages} pages fetched, {stored} articles stored, {queued} queued, "
            f"{pages / elapsed:.1f} pages/s" + (f", back to {oldest}" if oldest else ""),
            file=sys.stderr,
            flush=True,
        )
