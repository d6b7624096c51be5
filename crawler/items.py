"""What the spider hands to the pipelines: fetched pages, untouched, pages found gone, what
sitemaps said of pages, and how far listing walks got."""

from __future__ import annotations

from dataclasses import dataclass, field

from scrapy.http import Response

from crawler.clock import now_iso

CAPTURE_META = "archive_capture"  # request.meta key under which a response's Capture travels
MEMENTO_META = "archive_memento"  # request.meta key of a request for a web archive's memento
SOURCES = ("live", "wayback", "commoncrawl", "import")  # where a capture came from


@dataclass
class CaptureRef:
    """A captures row queued for writing (archive.writer); ``id`` is set once it is written."""

    id: int | None = None


@dataclass(frozen=True)
class Capture:
    """The archive's record of one response: when it was fetched and its captures row (None when
    WARC capture is off). Set on the request by the capture middleware, read by the spider, and
    carried with the page to the store, so an article row names the capture it was read from."""

    fetched_at: str = field(default_factory=now_iso)
    ref: CaptureRef | None = None


def text_headers(response: Response) -> dict[str, str]:
    """Response headers as text; a repeated header keeps its first value."""
    return {
        name.decode("latin-1"): values[0].decode("latin-1")
        for name, values in response.headers.items()
        if values
    }


def capture_of(response: Response) -> Capture:
    """The capture of ``response``; a fresh fetch time when nothing captured it."""
    capture = response.meta.get(CAPTURE_META)
    return capture if isinstance(capture, Capture) else Capture()


@dataclass
class RawPage:
    """One fetched article page, before extraction.

    ``url`` is the fetched URL moved under the portal's real origin (see Portal.origin);
    ``fetched_from`` is where it really came from (a replay on 127.0.0.1, say).
    """

    portal: str
    url: str
    fetched_from: str
    status: int
    headers: dict[str, str]
    body: bytes
    capture: Capture
    source: str = "live"  # live, or the web archive it was recovered from (SOURCES)

    @property
    def fetched_at(self) -> str:
        return self.capture.fetched_at


@dataclass(frozen=True)
class Memento:
    """One capture of a page held by a web archive, as its CDX index lists it.

    ``original`` is the URL the archive captured (any scheme, ``www.`` or former host);
    ``timestamp`` its 14-digit capture time (UTC); ``fetch_url`` where its raw bytes are asked
    for (a Wayback ``id_`` URL, or a WARC file read with an HTTP Range from ``offset`` for
    ``length`` bytes); ``digest`` the payload's SHA-1 in base 32, as the index gives it."""

    original: str
    timestamp: str
    source: str  # wayback | commoncrawl
    fetch_url: str
    digest: str = ""
    offset: int | None = None
    length: int | None = None

    @property
    def captured_at(self) -> str:
        """The capture time as ISO 8601 UTC, to the second."""
        t = self.timestamp.ljust(14, "0")
        return f"{t[:4]}-{t[4:6]}-{t[6:8]}T{t[8:10]}:{t[10:12]}:{t[12:14]}+00:00"

    @property
    def identity(self) -> str:
        """How the archive knows it was recovered already: memento time and original URL."""
        return f"memento {self.captured_at} {self.original}"


@dataclass
class ImportedRecord:
    """A response record of an archive file being imported (``portal-archive import``), of the
    portal being imported: the archive copies it into its WARC files; an article of the
    declaration is then extracted and stored as a crawl's would be."""

    portal: str
    url: str  # under the portal's real origin
    target_uri: str  # as the file has it
    captured_at: str
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes
    where: str  # the file and offset it was read from
    article: bool  # the declaration calls it an article (200, HTML)

    def page(self, capture: Capture) -> RawPage:
        return RawPage(
            portal=self.portal,
            url=self.url,
            fetched_from=self.where,
            status=self.status,
            headers={name: value for name, value in reversed(self.headers)},
            body=self.body,
            capture=capture,
            source="import",
        )


@dataclass
class GonePage:
    """An article URL that now answers 404 or 410: the archive marks the article removed."""

    portal: str
    url: str  # under the portal's real origin
    status: int
    fetched_at: str


@dataclass
class UnchangedPage:
    """A stored article re-fetched conditionally and answered 304 Not Modified."""

    portal: str
    url: str  # under the portal's real origin
    fetched_at: str


@dataclass
class ListedLastmod:
    """A sitemap's <lastmod> for an article or a child sitemap, once the crawl has acted on it.

    The next crawl re-fetches the page only if the sitemap then shows another value: a change of
    the site's own stamp, whatever its clock says, is what tells of an edit. ``identity`` is what
    the archive knows the article by (its id, else its URL under the real origin) or the
    sitemap's URL under the real origin.
    """

    portal: str
    identity: str
    lastmod: str


@dataclass(frozen=True)
class WalkProgress:
    """How far a listing walk got, so that the next crawl resumes a walk this one cut short (a
    kill, a signal, ``--limit``, a full disk) instead of stopping at page 1 because nothing there
    is new. Page ``number`` of ``listing`` was read and the walk went on (``continued``: start
    again from ``resume_url``), or stopped as walks do (``ended``); or the page was given up
    (``failed``: try it again next time). URLs are under the portal's real origin."""

    portal: str
    listing: str
    url: str
    number: int
    event: str  # continued | ended | failed
    resume_url: str = ""
