"""Downloader middlewares of portal-archive.

StayOnHostMiddleware: a crawl talks to one host, the one it fetches from, and nothing else. Scrapy's
own offsite filter lets ``dont_filter`` requests through (start URLs among them), and so their
redirects too: a portal that moved or now redirects to the province would pull the crawler onto
another site. This middleware refuses any request to another host, whatever its flags, and
records where the site tried to send us (stat ``portal/offsite_redirect``).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class StayOnHostMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StayOnHostMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        spider = self.crawler.spider
        allowed = getattr(spider, "fetch_host", None)
        host = urlsplit(request.url).hostname
        if allowed is None or host == allowed:
            return
        stats = self.crawler.stats
        if request.meta.get("redirect_urls") and stats is not None:
            stats.inc_value("portal/offsite_redirect")
            stats.set_value("portal/offsite_redirect/last", request.url)
            logger.info("not following redirect off the site: %s", request.url)
        if stats is not None:
            stats.inc_value("portal/offsite_refused")
        raise IgnoreRequest(f"off the crawled host: {request.url}")
