"""Run one crawl: its settings, the replay server a mirrored portal needs, the Scrapy process.

Scrapy's reactor runs once per process. The first crawl in a process runs here; any later one
(tests, a script crawling twice) runs in a fresh child process, transparently.
"""

from __future__ import annotations

import ipaddress
import logging
import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from scrapy.settings import Settings

from crawler.options import CrawlOptions, fetch_base_url, project_settings
from crawler.outcome import crawl_problem
from crawler.portals import Portal
from simulator.data import mirror_root
from simulator.replay import ReplayServer

FINISHED = ("finished", "closespider_itemcount")
STOP_GRACE = 4.0  # seconds a SIGTERM or SIGINT leaves Scrapy's graceful stop before stopping now
_reactor_used = False


@dataclass
class CrawlResult:
    portal: str
    db_path: str
    run_id: int | None
    finish_reason: str
    stats: dict[str, Any]
    fetched_from: str
    failure: str | None = None  # what the archive side refused (a lock held, a full disk)

    @property
    def ok(self) -> bool:
        """Finished, the site answered at least once (a dead site is a failed crawl), and
        nothing kept the crawl from its job (crawler.outcome: robots.txt, the start page)."""
        stats = self.stats
        answered = stats.get("response_received_count", 0) or stats.get("import/responses_read")
        return self.finish_reason in FINISHED and bool(answered) and crawl_problem(stats) is None

    @property
    def locked(self) -> bool:
        return self.finish_reason == "locked"


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def crawl_settings(
    portal: Portal,
    db_path: str,
    fetch_base: str,
    overrides: dict[str, Any],
    log_level: str = "WARNING",
    progress: bool = True,
) -> Settings:
    """The crawl's Scrapy settings: ours, the politeness relaxed for 127.0.0.1, then
    ``overrides`` (the command's flags and ``-s``), the portal and the database last."""
    settings = project_settings()
    values: dict[str, Any] = {"LOG_LEVEL": log_level}
    if is_loopback(fetch_base):
        values.update(settings.getdict("LOOPBACK_SETTINGS"))
    elif overrides.get("ARCHIVE_RECOVER_FROM"):
        # A web archive: one connection, one request per ARCHIVE_RECOVER_DELAY, no jitter below.
        values.update(
            CONCURRENT_REQUESTS_PER_DOMAIN=1,
            DOWNLOAD_DELAY=overrides.get("ARCHIVE_RECOVER_DELAY")
            or settings.getfloat("ARCHIVE_RECOVER_DELAY"),
            RANDOMIZE_DOWNLOAD_DELAY=False,
        )
    if not progress:
        values["ARCHIVE_PROGRESS_INTERVAL"] = 0
    values.update(overrides)
    # The declaration itself, not its id: an inferred one (`crawl URL`) is in no folder.
    values.update(ARCHIVE_PORTAL=portal, ARCHIVE_DB_PATH=db_path, ARCHIVE_FETCH_BASE=fetch_base)
    settings.setdict(values, priority="cmdline")
    return settings


def check_crawl(
    portal: Portal, db_path: str, fetch_base: str | None, overrides: dict[str, Any]
) -> CrawlOptions:
    """Every option of the crawl, checked before anything starts (SettingError,
    MissingDataError)."""
    if fetch_base is None and portal.replay is not None:
        mirror_root(portal.id, portal.replay)
        fetch_base = "http://127.0.0.1"
    base = fetch_base_url(fetch_base or portal.origin)
    return CrawlOptions.from_settings(crawl_settings(portal, db_path, base, overrides))


def run_crawl(
    portal: Portal,
    db_path: str,
    fetch_base: str | None = None,
    overrides: dict[str, Any] | None = None,
    log_level: str = "WARNING",
    progress: bool = True,
    spider: str = "portal",
) -> CrawlResult:
    """Crawl ``portal`` into ``db_path``; options are ``overrides`` of the settings.

    Without ``fetch_base``, a portal with an offline mirror is crawled from a replay server
    started here; any other portal is fetched from its real origin. ``spider``: ``portal`` (a
    crawl or backfill of the site) or ``recover`` (its captures in a web archive).
    """
    global _reactor_used
    arguments = (portal, db_path, fetch_base, overrides or {}, log_level, progress, spider)
    if _reactor_used:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(1, mp_context=context) as child:
            return child.submit(_run_here, *arguments).result()
    _reactor_used = True
    return _run_here(*arguments)


class _OneLineFormatter(logging.Formatter):
    """A log record as one line: its message, without the traceback it may carry."""

    def format(self, record: logging.LogRecord) -> str:
        plain = logging.makeLogRecord(record.__dict__)
        plain.exc_info = plain.exc_text = plain.stack_info = None
        return super().format(plain).splitlines()[0]


@contextmanager
def _one_line_log(level: str) -> Iterator[None]:
    handler = logging.StreamHandler()
    handler.setLevel(level)
    handler.setFormatter(_OneLineFormatter("%(levelname)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)


def _process(settings: Any) -> Any:
    """Scrapy's crawler process, stopping within STOP_GRACE seconds of SIGTERM or SIGINT.

    Scrapy's own graceful stop waits for every queued request: a site paused for a 503's
    Retry-After, or DOWNLOAD_DELAY, keeps it waiting for minutes, and `timeout` or systemd then
    send SIGKILL. Here the graceful stop gets STOP_GRACE seconds; then each crawl's session
    commits what is queued, records the run as interrupted and lets go of its lock, and the
    reactor stops (the walks' marks tell the next crawl where to go on).
    """
    from scrapy.crawler import AsyncCrawlerProcess
    from scrapy.utils.asyncio import call_later

    from archive.session import ArchiveSession

    class Process(AsyncCrawlerProcess):
        def _signal_shutdown(self, signum: int, frame: Any) -> None:
            from twisted.internet import reactor

            super()._signal_shutdown(signum, frame)
            reactor.callFromThread(call_later, STOP_GRACE, self._stop_now)

        def _stop_now(self) -> None:
            for crawler in list(self.crawlers):
                ArchiveSession.of(crawler).interrupt()
            self._stop_reactor()

    return Process(settings)


def _run_here(
    portal: Portal,
    db_path: str,
    fetch_base: str | None,
    overrides: dict[str, Any],
    log_level: str,
    progress: bool,
    spider: str = "portal",
) -> CrawlResult:
    from archive.session import ArchiveSession
    from crawler.spiders.imports import ImportSpider
    from crawler.spiders.portal import PortalSpider
    from crawler.spiders.recover import RecoverSpider

    with ExitStack() as stack:
        if fetch_base is None and portal.replay is not None:
            server = ReplayServer(mirror_root(portal.id, portal.replay))
            fetch_base = stack.enter_context(server).base_url
        base = fetch_base_url(fetch_base or portal.origin)
        settings = crawl_settings(portal, db_path, base, overrides, log_level, progress)
        if log_level not in ("DEBUG", "INFO"):
            # Warnings and errors one line each; Scrapy's own handler would add tracebacks
            # (a refused connection is 30 lines of them). --verbose shows them all.
            settings.set("LOG_ENABLED", False, priority="cmdline")
            stack.enter_context(_one_line_log(log_level))
        process = _process(settings)
        logging.getLogger("scrapy").setLevel(log_level)
        spiders = {"recover": RecoverSpider, "import": ImportSpider}
        crawler = process.create_crawler(spiders.get(spider, PortalSpider))
        process.crawl(crawler)
        process.start()
        stats = crawler.stats.get_stats() if crawler.stats else {}
        session = ArchiveSession.of(crawler)
    return CrawlResult(
        portal=portal.id,
        db_path=db_path,
        run_id=session.run_id,
        finish_reason=str(stats.get("finish_reason", "unknown")),
        stats=stats,
        fetched_from=base,
        failure=session.failure,
    )
