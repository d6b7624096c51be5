"""Politeness Scrapy leaves out, as downloader middlewares that replace two of its own.

RetryAfterMiddleware (instead of Scrapy's RetryMiddleware): a 429 or 503 with ``Retry-After``
pauses the whole site (the downloader slot) for that long before the retry, instead of retrying
at once; a wait longer than RETRY_AFTER_MAX gives up on the request rather than hammer or stall.

RobotsPolicyMiddleware (instead of Scrapy's RobotsTxtMiddleware): follows RFC 9309 where Scrapy
does not. A robots.txt answered with a 5xx means "disallow everything for now" (Scrapy parses
the error page and allows all); a 4xx means no rules. ``Crawl-delay`` for our user agent raises
the site's delay (and AutoThrottle's floor) to at least that.

Settings read: RETRY_AFTER_MAX, and Scrapy's own RETRY_* and ROBOTSTXT_* settings.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from time import monotonic
from typing import TYPE_CHECKING, Any

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.extensions.throttle import AutoThrottle
from scrapy.utils.asyncio import call_later
from scrapy.utils.misc import build_from_crawler
from twisted.internet.defer import Deferred

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)
DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"


class RetryAfterMiddleware(RetryMiddleware):
    def process_response(self, request: Request, response: Response, spider: Any = None) -> Any:
        header = response.headers.get(b"Retry-After")
        if (
            header is None
            or response.status not in self.retry_http_codes
            or request.meta.get("dont_retry", False)
        ):
            return super().process_response(request, response)
        wait = retry_after_seconds(header.decode("latin-1"))
        stats = self.crawler.stats
        limit = self.crawler.settings.getfloat("RETRY_AFTER_MAX")
        if wait is None or wait > limit:
            if stats is not None:
                stats.inc_value("portal/retry_after/too_long")
            logger.warning("%s asks to wait %s s; giving up on %s", response.status, wait, request)
            return response
        retry = self._retry(request, f"{response.status} Retry-After {wait:g}s")
        if retry is not None:
            pause_site(self.crawler, request, wait)
            if stats is not None:
                stats.inc_value("portal/retry_after/honoured")
                stats.max_value("portal/retry_after/max_seconds", wait)
        return retry or response


def pause_site(crawler: Crawler, request: Request, seconds: float) -> None:
    """No request to ``request``'s site for ``seconds``: its downloader slot's delay, raised for
    that long (Retry-After here, a web archive refusing connections in crawler.archive_access)."""
    assert crawler.engine is not None
    downloader = crawler.engine.downloader
    slot = downloader.slots.get(downloader.get_slot_key(request))
    if slot is None or seconds <= 0:
        return
    delay, jitter = slot.delay, slot.jitter
    slot.delay, slot.jitter = max(delay, seconds), 0
    slot.lastseen = monotonic()

    def resume() -> None:
        if slot.delay == max(delay, seconds):
            slot.delay, slot.jitter = delay, jitter

    call_later(seconds, resume)


def retry_after_seconds(value: str) -> float | None:
    """Seconds to wait from a Retry-After value: delta-seconds or an HTTP date."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


class RobotsPolicyMiddleware(RobotsTxtMiddleware):
    def _robots_error(self, exc: Exception, netloc: str) -> None:
        """robots.txt unreachable (refused, dropped, timed out): RFC 9309 §2.3.1.4 says assume
        complete disallow, where Scrapy would allow everything."""
        if isinstance(exc, IgnoreRequest):
            super()._robots_error(exc, netloc)
            return
        logger.warning(
            "robots.txt of %s could not be fetched (%s): treating the site as disallowed for "
            "now (RFC 9309)",
            netloc,
            type(exc).__name__,
        )
        self._stats.inc_value("robotstxt/unreachable_disallow")
        parser = build_from_crawler(self._parserimpl, self.crawler, DISALLOW_ALL)
        waiting = self._parsers[netloc]
        self._parsers[netloc] = parser
        if isinstance(waiting, Deferred):
            waiting.callback(parser)

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if response.status >= 500:
            logger.warning(
                "robots.txt of %s answered %s: treating the site as disallowed for now (RFC 9309)",
                netloc,
                response.status,
            )
            self._stats.inc_value("robotstxt/server_error_disallow")
            response = response.replace(body=DISALLOW_ALL)
        elif response.status >= 400:
            response = response.replace(body=b"")
        await super()._parse_robots(response, netloc, request)
        parser = self._parsers.get(netloc)
        delay = _crawl_delay(parser, self._robotstxt_useragent or self._default_useragent)
        if delay:
            self._stats.set_value("robotstxt/crawl_delay", delay)
            self._raise_delay(request, delay)

    def _raise_delay(self, request: Request, seconds: float) -> None:
        assert self.crawler.engine is not None
        spider: Any = self.crawler.spider  # Scrapy reads download_delay off the spider
        spider.download_delay = max(getattr(spider, "download_delay", 0) or 0, seconds)
        downloader = self.crawler.engine.downloader
        slot = downloader.slots.get(downloader.get_slot_key(request))
        if slot is not None:
            slot.delay = max(slot.delay, seconds)
        for extension in self.crawler.extensions.middlewares:
            if isinstance(extension, AutoThrottle):
                extension.mindelay = max(extension.mindelay, seconds)


def _crawl_delay(parser: Any, useragent: str | bytes) -> float | None:
    robots = getattr(parser, "rp", None)  # Protego, behind Scrapy's ProtegoRobotParser
    if robots is None or not hasattr(robots, "crawl_delay"):
        return None
    agent = useragent.decode() if isinstance(useragent, bytes) else useragent
    delay = robots.crawl_delay(agent)
    return float(delay) if delay else None
