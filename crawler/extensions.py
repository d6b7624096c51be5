"""Progress lines on stderr while a crawl runs, so long crawls show they are alive.

Options read (crawler.options): ARCHIVE_PROGRESS_INTERVAL (seconds; 0 disables) and
ARCHIVE_BACKFILL_SINCE: a backfill's line tells how far back it has come and, from the pace so
far, when it should reach --since.
"""

from __future__ import annotations

import sys
import time
from datetime import date
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from crawler.options import CrawlOptions

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class Progress:
    def __init__(self, crawler: Crawler, interval: float, since: date | None) -> None:
        self.crawler = crawler
        self.interval = interval
        self.since = since
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        options = CrawlOptions.of(crawler)
        if options.progress_interval <= 0:
            raise NotConfigured
        extension = cls(crawler, options.progress_interval, options.since)
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
        newest = stats.get_value("portal/newest_listing_date")
        eta = backfill_eta(self.since, newest, oldest, elapsed) or recovery_eta(
            stats.get_value("recover/mementos/scheduled", 0),
            stats.get_value("recover/mementos/fetched", 0)
            + stats.get_value("recover/mementos/unusable", 0)
            + stats.get_value("recover/mementos/lost", 0),
            elapsed,
        )
        records = stats.get_value("import/responses_read", 0)
        done = f"{records} records read" if records else f"{pages} pages fetched"
        print(
            f"  … {done}, {stored} articles stored, {queued} queued, "
            f"{(records or pages) / elapsed:.1f} {'records' if records else 'pages'}/s"
            + (f", back to {oldest}" if oldest else "")
            + (f", ETA {eta}" if eta else ""),
            file=sys.stderr,
            flush=True,
        )


def recovery_eta(scheduled: int, done: int, elapsed: float) -> str | None:
    """Time left to fetch a recovery's ``scheduled`` captures at the pace of the ``done`` ones."""
    if not scheduled or not done:
        return None
    return _duration(elapsed * max(scheduled - done, 0) / done) if done < scheduled else "reached"


def backfill_eta(
    since: date | None, newest: str | None, oldest: str | None, elapsed: float
) -> str | None:
    """Time left to walk from ``oldest`` back to ``since`` at the pace of ``newest`` → ``oldest``
    so far (listings are newest first); None until that pace is known."""
    if since is None or not newest or not oldest:
        return None
    covered = (date.fromisoformat(newest) - date.fromisoformat(oldest)).days
    left = (date.fromisoformat(oldest) - since).days
    if covered <= 0:
        return None
    if left <= 0:
        return "reached"
    return _duration(elapsed * left / covered)


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"~{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"~{seconds / 60:.0f} min"
    return f"~{seconds / 3600:.1f} h"
