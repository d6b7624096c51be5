"""WarcCaptureMiddleware: every response, exactly as received, into the archive's WARC files.

Sits next to the downloader (priority 950), so it sees responses before decompression and before
redirects are followed: articles, listings, robots.txt, redirects and error pages alike. It turns
the exchange into a WARC request/response pair and hands it to the crawl's ArchiveSession, which
writes it (a revisit record for an unchanged payload) and indexes it in ``captures``; the
response then carries its ``Capture`` (fetch time, row) to the spider, so the article row names
the capture it was read from. A fetch that got no response is indexed with its error.
"""

from __future__ import annotations

from datetime import UTC, datetime
from http import HTTPStatus
from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured

from archive.session import ArchiveSession
from archive.warc import Exchange, payload_digest
from crawler.archive_access import MEMENTO_PROBLEM
from crawler.clock import iso_seconds, now_iso
from crawler.items import CAPTURE_META, MEMENTO_META, Capture, Memento
from crawler.middlewares import absolute_location
from crawler.urls import rebase

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Headers, Response

_KNOWN = {status.value for status in HTTPStatus}


class WarcCaptureMiddleware:
    def __init__(self, session: ArchiveSession) -> None:
        self.session = session
        self.origin = session.portal.origin
        self.recovering = session.options.recover_from is not None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcCaptureMiddleware:
        session = ArchiveSession.of(crawler)
        if not session.options.warc_enabled:
            raise NotConfigured
        return cls(session)

    def process_response(self, request: Request, response: Response) -> Response:
        memento = request.meta.get(MEMENTO_META)
        if isinstance(memento, Memento):
            return self._recovered(request, response, memento)
        if self.recovering:
            return response  # the archive's index and errors: not pages of the portal
        url = rebase(response.url, self.origin)
        fetched_at = datetime.now(UTC)
        location = response.headers.get(b"Location")
        exchange = Exchange(
            target_uri=url,
            method=request.method,
            request_headers=_pairs(request.headers),
            status=response.status,
            reason=HTTPStatus(response.status).phrase if response.status in _KNOWN else "",
            response_headers=_pairs(response.headers),
            body=response.body,
            fetched_at=fetched_at,
            request_body=request.body if request.method == "POST" else b"",
        )
        ref = self.session.capture(
            exchange,
            {
                "url": url,
                "fetched_from": response.url,
                "status": response.status,
                "content_type": _header(response, b"Content-Type") or "",
                "payload_digest": payload_digest(response.body),
                "fetched_at": iso_seconds(fetched_at),
                "redirect_url": (
                    absolute_location(response.url, location, self.origin) if location else None
                ),
                "etag": _header(response, b"ETag"),
                "last_modified": _header(response, b"Last-Modified"),
            },
        )
        request.meta[CAPTURE_META] = Capture(iso_seconds(fetched_at), ref)
        return response

    def _recovered(self, request: Request, response: Response, memento: Memento) -> Response:
        """A memento, made whole by crawler.archive_access: archived under its original URL and
        capture time, with where it was read from. A damaged one or an archive error is not."""
        if response.status != 200 or request.meta.get(MEMENTO_PROBLEM):
            return response
        headers = _pairs(response.headers)
        ref = self.session.capture_copy(
            memento.original,
            memento.captured_at,
            (200, "OK", headers, response.body),
            memento.source,
            memento.fetch_url,
        )
        request.meta[CAPTURE_META] = Capture(memento.captured_at, ref)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if self.recovering:
            return  # the archive's trouble, counted by the spider; not a capture of the portal
        self.session.capture_failure(
            {
                "url": rebase(request.url, self.origin),
                "fetched_from": request.url,
                "fetched_at": now_iso(),
                "error": f"{type(exception).__name__}: {exception}"[:500],
            }
        )


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _pairs(headers: Headers) -> list[tuple[str, str]]:
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items()
        for value in values
    ]
