"""Downloader middlewares of portal-archive.

WarcCaptureMiddleware, OffsiteRedirectMiddleware: see their docstrings.

StayOnHostMiddleware: a crawl talks to one host, the one it fetches from, and nothing else. Scrapy's
own offsite filter lets ``dont_filter`` requests through (start URLs among them), and so their
redirects too: a portal that moved or now redirects to the province would pull the crawler onto
another site. This middleware refuses any request to another host, whatever its flags, and
OffsiteRedirectMiddleware records where the site tried to send us.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from http import HTTPStatus
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured

from crawler.urls import rebase

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Headers, Response

    from crawler.portals import Portal

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
        if stats is not None:
            stats.inc_value("portal/offsite_refused")
        raise IgnoreRequest(f"off the crawled host: {request.url}")


class OffsiteRedirectMiddleware:
    """Records where a site redirects off its host (``portal/offsite_redirect/last``): a portal
    that moved, or now sends everyone to the province. Sits just before Scrapy's redirect
    middleware (600), which may drop such a redirect silently."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OffsiteRedirectMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get(b"Location")
        if not (300 <= response.status < 400 and location):
            return response
        target = _absolute(response.url, location, portal=None)
        allowed = getattr(self.crawler.spider, "fetch_host", None)
        stats = self.crawler.stats
        if allowed and urlsplit(target).hostname != allowed and stats is not None:
            stats.inc_value("portal/offsite_redirect")
            stats.set_value("portal/offsite_redirect/last", target)
            logger.info("not following redirect off the site: %s -> %s", response.url, target)
        return response


class WarcCaptureMiddleware:
    """Writes every response, exactly as received, to WARC files indexed in the archive.

    Sits next to the downloader (priority 950), so it sees responses before decompression and
    before redirects are followed: articles, listings, robots.txt, redirects and error pages alike.
    An unchanged re-fetch becomes a revisit record. Settings read: ARCHIVE_WARC_ENABLED,
    ARCHIVE_WARC_DIR (default: ``<database>-warc/`` beside the database), ARCHIVE_WARC_MAX_BYTES,
    ARCHIVE_DB_PATH.
    """

    def __init__(self, crawler: Crawler, directory: str, max_bytes: int, db_path: str) -> None:
        from archive.warc import WarcFiles
        from archive.writer import open_writer

        self.crawler = crawler
        # The crawl's one writer, shared with the store pipeline, which commits what is queued.
        self.writer = open_writer(db_path)
        self.files = WarcFiles(directory, "portal-archive", max_bytes)
        crawler.signals.connect(self.close, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcCaptureMiddleware:
        settings = crawler.settings
        if not settings.getbool("ARCHIVE_WARC_ENABLED"):
            raise NotConfigured
        from archive.warc import warc_dir_for

        db_path = settings["ARCHIVE_DB_PATH"]
        directory = settings.get("ARCHIVE_WARC_DIR") or warc_dir_for(db_path)
        return cls(crawler, directory, settings.getint("ARCHIVE_WARC_MAX_BYTES"), db_path)

    def process_response(self, request: Request, response: Response) -> Response:
        from archive.warc import Exchange, payload_digest

        spider = self.crawler.spider
        portal = getattr(spider, "portal", None)
        url = rebase(response.url, portal.origin) if portal else response.url
        fetched_at = datetime.now(UTC)
        digest = payload_digest(response.body)
        earlier = self.writer.earlier_capture(url, digest)
        written = self.files.write(
            Exchange(
                target_uri=url,
                method=request.method,
                request_headers=_pairs(request.headers),
                status=response.status,
                reason=HTTPStatus(response.status).phrase if response.status in _KNOWN else "",
                response_headers=_pairs(response.headers),
                body=response.body,
                fetched_at=fetched_at,
            ),
            revisit_of=(earlier[0], earlier[1].replace("+00:00", "Z")) if earlier else None,
        )
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
        location = response.headers.get(b"Location")
        capture = self.writer.add_capture(
            {
                "url": url,
                "fetched_from": response.url,
                "status": response.status,
                "content_type": content_type,
                "payload_digest": digest,
                "record_type": written.record_type,
                "warc_file": written.warc_file,
                "offset": written.offset,
                "length": written.length,
                "fetched_at": fetched_at.isoformat(timespec="seconds"),
                "run_id": self._run_id(),
                "portal": portal.id if portal else None,
                "redirect_url": _absolute(response.url, location, portal) if location else None,
                "etag": _header(response, b"ETag"),
                "last_modified": _header(response, b"Last-Modified"),
            }
        )
        # The spider stamps the page with this capture, so crawl and reextract agree on it.
        request.meta["archive_capture"] = (capture, fetched_at.isoformat(timespec="seconds"))
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"archive/warc/{written.record_type}")
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        """A fetch that got no response (refused, reset, timed out) is indexed too, with why."""
        spider = self.crawler.spider
        portal = getattr(spider, "portal", None)
        self.writer.add_capture(
            {
                "url": rebase(request.url, portal.origin) if portal else request.url,
                "fetched_from": request.url,
                "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "record_type": "failure",
                "error": f"{type(exception).__name__}: {exception}"[:500],
                "run_id": self._run_id(),
                "portal": portal.id if portal else None,
            }
        )
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("archive/warc/failure")

    def _run_id(self) -> int | None:
        return self.crawler.stats.get_value("archive/run_id") if self.crawler.stats else None

    def close(self) -> None:
        from archive.writer import close_writer

        self.files.close()
        close_writer(self.writer)


_KNOWN = {status.value for status in HTTPStatus}


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _absolute(url: str, location: bytes, portal: Portal | None) -> str:
    target = urljoin(url, location.decode("latin-1"))
    if portal is not None and urlsplit(target).netloc == urlsplit(url).netloc:
        target = rebase(target, portal.origin)
    return target


def _pairs(headers: Headers) -> list[tuple[str, str]]:
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items()
        for value in values
    ]
