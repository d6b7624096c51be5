"""Downloader middlewares of a recovery: what a web archive answers, turned back into the page.

MementoMiddleware (next to the downloader, before the WARC capture sees the response) gives a
memento its original form: a Common Crawl WARC record read by HTTP Range becomes the HTTP
response it holds; a Wayback ``id_`` replay loses the headers the archive added (Memento-Datetime,
Link; ``X-Archive-Orig-*`` get their names back). It checks what it got: a record cut short, a
payload whose SHA-1 is not the index's digest, a page carrying the archive's toolbar (the
archive ignored ``id_``) or a soft 404 are marked as damaged (``MEMENTO_PROBLEM`` in the request's
meta): the capture middleware does not archive them, and the spider tries the article's next
capture. Archive errors (429, 5xx, a missing memento) pass through untouched, for the retry
middlewares and the spider.

ArchiveBackoffMiddleware: a refused, reset or timed-out connection to the archive (the Wayback's
answer to a client it finds too quick) pauses every request to it for ARCHIVE_RECOVER_BACKOFF
seconds, doubling at each failure in a row up to ARCHIVE_RECOVER_BACKOFF_MAX, then the request is
tried again (ARCHIVE_RECOVER_RETRIES times at most). A response resets the pause.
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
import re
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import (
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Response
from twisted.internet.error import (
    ConnectionDone,
    ConnectionLost,
    ConnectionRefusedError,
    TCPTimedOutError,
    TimeoutError,  # ... and Twisted's
)
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from crawler.items import MEMENTO_META, Memento
from crawler.politeness import pause_site

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

MEMENTO_PROBLEM = "archive_memento_problem"  # request.meta: why a memento is not the page
# request.meta: payload digests already found not to be articles (soft 404s, empty shells): a
# memento with one of them is not fetched at all.
UNUSABLE_DIGESTS = "archive_unusable_digests"
UNUSABLE = ("empty", "soft_404")  # problems of the payload itself, whatever URL it is under


class KnownUnusablePayload(IgnoreRequest):
    """The memento's payload was found to be a soft 404 or an empty shell under another URL."""


ARCHIVE_HEADERS = {
    "memento-datetime",
    "link",
    "content-location",
    "preference-applied",
    "x-archive-src",
    "x-archive-guessed-content-type",
    "x-archive-guessed-charset",
    "x-app-server",
    "x-ts",
    "x-location",
    "server-timing",
}
TOOLBAR_MARKS = (
    b"<!-- BEGIN WAYBACK TOOLBAR INSERT -->",
    b"wm-ipp-base",
    b"_wb_wombat",
    b"wombat.js",
    b"__wm.init(",
)
SOFT_404 = re.compile(
    r"trang không tồn tại|không tìm thấy trang|trang bạn yêu cầu không|page not found|"
    r"<title>\s*404\b|error 404",
    re.IGNORECASE,
)
MIN_PAGE_BYTES = 512  # an article page is never smaller: an empty shell or a cut record
CONNECTION_ERRORS = (
    DownloadConnectionRefusedError,  # Scrapy's names for them (2.13 and later)...
    DownloadFailedError,
    DownloadTimeoutError,
    ResponseDataLossError,
    ConnectionRefusedError,
    ConnectionLost,
    ConnectionDone,
    ResponseNeverReceived,
    ResponseFailed,
    TCPTimedOutError,
    TimeoutError,  # ... and Twisted's
)


def payload_sha1(body: bytes) -> str:
    """SHA-1 in base 32: the digest CDX indexes give of a capture's payload."""
    return base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def memento_problem(memento: Memento, status: int, body: bytes) -> str | None:
    """Why these bytes are not the captured article page, or None."""
    if status != 200:
        return f"captured_{status}"  # a redirect (to the province portal) or an error page
    head = body[:200_000]
    if any(mark in head for mark in TOOLBAR_MARKS):
        return "archive_toolbar"  # the archive's rewritten page, not the captured one
    digest = memento.digest.removeprefix("sha1:").upper()
    if len(digest) == 32 and payload_sha1(body) != digest:
        return "digest_mismatch"  # cut short, or not the record the index describes
    return page_problem(body)


def page_problem(body: bytes) -> str | None:
    """Why a captured 200 is not an article page whatever its URL: an empty shell, a soft 404
    (the portal's "not found" page answered with 200); None when it may be one."""
    if len(body) < MIN_PAGE_BYTES:
        return "empty"
    if SOFT_404.search(body[:20_000].decode("utf-8", "replace")):
        return "soft_404"
    return None


class MementoMiddleware:
    def process_request(self, request: Request) -> None:
        memento = request.meta.get(MEMENTO_META)
        unusable = request.meta.get(UNUSABLE_DIGESTS)
        if isinstance(memento, Memento) and unusable and memento.digest in unusable:
            raise KnownUnusablePayload(f"payload {memento.digest} is not an article")

    def process_response(self, request: Request, response: Response) -> Response:
        memento = request.meta.get(MEMENTO_META)
        if not isinstance(memento, Memento):
            return response
        if memento.offset is not None:
            if response.status not in (200, 206):
                return response
            unwrapped = _warc_response(response)
            if unwrapped is None:
                return self._damaged(request, response, "unreadable_record")
            response = unwrapped
        elif response.status != 200:
            if 300 <= response.status < 400 or response.status == 404:
                return self._damaged(request, response, f"captured_{response.status}")
            return response  # 429, 5xx: the archive's own trouble, for the retry middlewares
        else:
            response = response.replace(headers=_original_headers(response))
        problem = memento_problem(memento, response.status, response.body)
        if problem:
            return self._damaged(request, response, problem)
        return response

    def _damaged(self, request: Request, response: Response, problem: str) -> Response:
        request.meta[MEMENTO_PROBLEM] = problem
        unusable = request.meta.get(UNUSABLE_DIGESTS)
        memento = request.meta[MEMENTO_META]
        if problem in UNUSABLE and isinstance(unusable, set) and memento.digest:
            unusable.add(memento.digest)
        return response


def _original_headers(response: Response) -> list[tuple[bytes, bytes]]:
    """The captured response's headers: the archive's own dropped, ``X-Archive-Orig-*`` named
    back (the Wayback sends the original headers under that prefix)."""
    kept: dict[bytes, list[bytes]] = {}
    for name, values in response.headers.items():
        lower = name.decode("latin-1").lower()
        if lower in ARCHIVE_HEADERS:
            continue
        if lower.startswith("x-archive-orig-"):
            name = name[len("x-archive-orig-") :]
            if name.lower() in (b"content-length", b"transfer-encoding", b"connection"):
                continue
        kept.setdefault(name, []).extend(values)
    return [(name, value) for name, values in kept.items() for value in values]


def _warc_response(response: Response) -> Response | None:
    """The HTTP response inside the WARC record ``response`` carries; None when the record is
    cut short or is not a response."""
    try:
        for record in ArchiveIterator(io.BytesIO(response.body), no_record_parse=False):
            if record.rec_type != "response" or record.http_headers is None:
                return None
            body = record.content_stream().read()
            status = int(record.http_headers.get_statuscode() or 0)
            headers = [
                (name.encode("latin-1"), value.encode("latin-1", "replace"))
                for name, value in record.http_headers.headers
                if name.lower() not in ("content-length", "transfer-encoding", "content-encoding")
            ]
            return Response(
                url=response.url,
                status=status,
                headers=headers,
                body=body,
                request=response.request,
            )
    except (ArchiveLoadFailed, ValueError, OSError, EOFError) as error:
        logger.info("unreadable WARC record from %s: %s", response.url, error)
    return None


class ArchiveBackoffMiddleware:
    def __init__(self, crawler: Crawler, first: float, most: float, retries: int) -> None:
        self.crawler = crawler
        self.first = first
        self.most = most
        self.retries = retries
        self.wait = first

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveBackoffMiddleware:
        settings = crawler.settings
        return cls(
            crawler,
            settings.getfloat("ARCHIVE_RECOVER_BACKOFF"),
            settings.getfloat("ARCHIVE_RECOVER_BACKOFF_MAX"),
            settings.getint("ARCHIVE_RECOVER_RETRIES"),
        )

    def process_response(self, request: Request, response: Response) -> Response:
        self.wait = self.first
        return response

    def process_exception(self, request: Request, exception: Exception) -> Any:
        if not isinstance(exception, CONNECTION_ERRORS):
            return None
        tries = request.meta.get("archive_backoff_tries", 0) + 1
        stats = self.crawler.stats
        if tries > self.retries:
            if stats is not None:
                stats.inc_value("recover/backoff/gave_up")
            return None
        wait, self.wait = self.wait, min(self.wait * 2, self.most)
        logger.warning(
            "the archive refused or dropped the connection (%s): pausing %g s",
            type(exception).__name__,
            wait,
        )
        if stats is not None:
            stats.inc_value("recover/backoff/pauses")
            stats.max_value("recover/backoff/max_seconds", wait)
        pause_site(self.crawler, request, wait)
        retry = request.replace(dont_filter=True)
        retry.meta["archive_backoff_tries"] = tries
        return retry
