"""Downloader middlewares that keep a crawl on its site.

StayOnHostMiddleware: a crawl talks to one host, the one it fetches from, and nothing else.
Scrapy's own offsite filter lets ``dont_filter`` requests through (start URLs among them), and so
their redirects too: a portal that moved or now redirects to the province would pull the crawler
onto another site. This middleware refuses any request to another host, whatever its flags.

OffsiteRedirectMiddleware records where the site tried to send us (``portal/offsite_redirect``).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from scrapy.exceptions import IgnoreRequest

from crawler.options import CrawlOptions
from crawler.urls import rebase, site_of

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)


class StayOnHostMiddleware:
    def __init__(self, crawler: Crawler, host: str) -> None:
        self.crawler = crawler
        self.host = host

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StayOnHostMiddleware:
        return cls(crawler, CrawlOptions.of(crawler).fetch_host)

    def process_request(self, request: Request) -> None:
        if site_of(request.url) == self.host:
            return
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("portal/offsite_refused")
        raise IgnoreRequest(f"off the crawled host: {request.url}")


class OffsiteRedirectMiddleware:
    """Records where a site redirects off its host (``portal/offsite_redirect/last``): a portal
    that moved, or now sends everyone to the province. Sits just before Scrapy's redirect
    middleware (600), which may drop such a redirect silently."""

    def __init__(self, crawler: Crawler, host: str) -> None:
        self.crawler = crawler
        self.host = host

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OffsiteRedirectMiddleware:
        return cls(crawler, CrawlOptions.of(crawler).fetch_host)

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get(b"Location")
        if not (300 <= response.status < 400 and location):
            return response
        target = absolute_location(response.url, location, origin=None)
        stats = self.crawler.stats
        if site_of(target) != self.host and stats is not None:
            stats.inc_value("portal/offsite_redirect")
            stats.set_value("portal/offsite_redirect/last", target)
            logger.info("not following redirect off the site: %s -> %s", response.url, target)
        return response


def absolute_location(url: str, location: bytes, origin: str | None) -> str:
    """A Location header as an absolute URL; one on the fetched host moves under ``origin``
    (the portal's real origin) when given."""
    target = urljoin(url, location.decode("latin-1"))
    if origin is not None and urlsplit(target).netloc == urlsplit(url).netloc:
        target = rebase(target, origin)
    return target
