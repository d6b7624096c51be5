"""RecoverSpider: a portal's articles as a web archive holds them (``portal-archive recover``).

It lists the portal's captures through the archive's CDX index (every host the portal has had;
page after page until a page comes back empty), keeps those the declaration calls articles,
then fetches one capture per article (the earliest good one; every distinct version with
``--all-versions``) and hands each page to the pipelines as a crawl does, marked with its
source. Nothing is fetched before the whole index is read, so the earliest capture is known.

A capture found damaged (crawler.archive_access: cut short, digest mismatch, toolbar, soft 404,
a captured redirect) gives way to the article's next capture. Articles and versions the archive
holds already are not fetched again: a recovery killed half-way, run again, fetches what is
missing. The run fails when a CDX page could not be read (the next run reads it again).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

import scrapy
from scrapy.http import Response

from crawler import settings
from crawler.archive_access import MEMENTO_PROBLEM, UNUSABLE_DIGESTS, KnownUnusablePayload
from crawler.index import ArticleIndex, MemoryIndex, UsesArchive
from crawler.items import (
    MEMENTO_META,
    Capture,
    Memento,
    RawPage,
    capture_of,
    text_headers,
)
from crawler.mementos import (
    CaptureChooser,
    CdxPageError,
    RecoverySourceError,
    WebArchive,
    cdx_query,
    cdx_rows,
    commoncrawl_endpoints,
    query_hosts,
)
from crawler.options import CrawlOptions, RecoverOptions
from crawler.portals import Portal

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from twisted.python.failure import Failure

CDX_TRIES = 3  # reads of one CDX page (cut short, an error page) before the run gives it up


class RecoverSpider(UsesArchive, scrapy.Spider):
    name = "recover"
    custom_settings = {
        "ROBOTSTXT_OBEY": False,  # an archive's API, not its site: robots.txt is about the site
        "RETRY_TIMES": 6,
        "DOWNLOADER_MIDDLEWARES": settings.RECOVER_DOWNLOADER_MIDDLEWARES,
    }

    def __init__(
        self,
        portal: Portal,
        recovery: RecoverOptions,
        limit: int = 0,
        index: ArticleIndex | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.portal = portal
        self.recovery = recovery
        self.archive: WebArchive = recovery.archive
        self.allowed_domains = sorted({host.rsplit(":", 1)[0] for host in self.archive.hosts})
        self.limit = limit
        self.chooser = CaptureChooser(
            portal, self.archive, recovery.captured_since, recovery.captured_until
        )
        self.queries_open = 0
        self.first_rows: dict[tuple[str, str], tuple[str, str] | None] = {}
        # Payloads found to be soft 404s or empty shells: shared with the middleware, which
        # then does not fetch another capture of the same payload.
        self.unusable_digests: set[str] = set()
        self.scheduled = 0
        self.index: ArticleIndex = MemoryIndex() if index is None else index

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> RecoverSpider:
        options = CrawlOptions.of(crawler)
        kwargs.setdefault("portal", options.portal)
        kwargs.setdefault("recovery", RecoverOptions.from_settings(crawler.settings))
        kwargs.setdefault("limit", options.limit)
        spider: RecoverSpider = super().from_crawler(crawler, *args, **kwargs)
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if self.archive.collinfo:
            self.queries_open += 1
            yield scrapy.Request(
                self.archive.collinfo,
                callback=self.parse_collinfo,
                errback=self._cdx_failed,
                dont_filter=True,
            )
            return
        for request in self._queries(self.archive.cdx_endpoints):
            yield request

    def _queries(self, endpoints: tuple[str, ...] | list[str]) -> Iterator[scrapy.Request]:
        for endpoint in endpoints:
            for host in query_hosts(self.portal):
                self.queries_open += 1
                yield self._cdx_page(endpoint, host, 0)

    def _cdx_page(self, endpoint: str, host: str, page: int, tries: int = 0) -> scrapy.Request:
        recovery = self.recovery
        url = cdx_query(
            endpoint,
            host,
            page,
            self.archive.source,
            recovery.captured_since,
            recovery.captured_until,
        )
        return scrapy.Request(
            url,
            callback=self.parse_cdx,
            errback=self._cdx_failed,
            dont_filter=True,
            meta={"cdx": (endpoint, host, page, tries), "handle_httpstatus_list": [400, 404]},
        )

    def parse_collinfo(self, response: Response) -> Iterator[scrapy.Request]:
        self.queries_open -= 1
        try:
            endpoints = commoncrawl_endpoints(
                response.text, self.recovery.captured_since, self.recovery.captured_until
            )
        except RecoverySourceError as error:
            self.logger.error("%s (%s)", error, response.url)
            self._count("recover/cdx/failed")  # the run fails: nothing could be listed
            endpoints = []
        self._count("recover/cdx/indexes", len(endpoints))
        yield from self._queries(endpoints)
        yield from self._when_listed()

    def parse_cdx(self, response: Response) -> Iterator[scrapy.Request]:
        endpoint, host, page, tries = response.meta["cdx"]
        try:
            rows = cdx_rows(response.status, response.text)
        except CdxPageError as error:
            if tries + 1 < CDX_TRIES:
                self._count("recover/cdx/retried")
                self.logger.info("CDX page %s: %s; reading it again", response.url, error)
                yield self._cdx_page(endpoint, host, page, tries + 1)
                return
            self.logger.error("CDX page %s: %s; giving it up this run", response.url, error)
            self._count("recover/cdx/failed")
            rows = []
        else:
            self._count("recover/cdx/pages")
        first = _row_key(rows[0]) if rows else None
        if page == 0:
            self.first_rows[(endpoint, host)] = first
        elif first is not None and first == self.first_rows.get((endpoint, host)):
            rows = []  # page N repeats page 0: the server does not page (pywb on a CDXJ index)
        self.chooser.add(rows)
        if rows:
            yield self._cdx_page(endpoint, host, page + 1)
            return
        self.queries_open -= 1
        yield from self._when_listed()

    def _cdx_failed(self, failure: Failure) -> Iterator[scrapy.Request]:
        self.logger.error("the CDX index could not be read: %s", failure.getErrorMessage())
        self._count("recover/cdx/failed")
        self.queries_open -= 1
        yield from self._when_listed()

    def _when_listed(self) -> Iterator[scrapy.Request]:
        """Once every CDX query is read: the captures to fetch."""
        if self.queries_open > 0:
            return
        chosen = self.chooser.chosen()
        stats = self.crawler.stats
        if stats is not None:
            for key, count in self.chooser.counts.items():
                if count:
                    stats.set_value(f"recover/cdx/{key}", count)
            stats.set_value("recover/articles_listed", len(chosen))
        for url, mementos in chosen:
            if self.limit and self.scheduled >= self.limit:
                return
            if self.recovery.all_versions:
                for memento in mementos:
                    if not self.index.is_known(memento.identity):
                        yield self._schedule(url, [memento])
            elif not self._stored(url):
                yield self._schedule(url, mementos)

    def _schedule(self, url: str, mementos: list[Memento]) -> scrapy.Request:
        self.scheduled += 1
        self._count("recover/mementos/scheduled")
        return self._fetch(url, mementos)

    def _stored(self, url: str) -> bool:
        identity = self.portal.article_key(url) or url
        if self.index.is_known(identity) or self.index.is_known(url):
            self._count("recover/articles/stored_before")
            return True
        return False

    def _fetch(self, url: str, mementos: list[Memento]) -> scrapy.Request:
        memento, rest = mementos[0], mementos[1:]
        headers = {}
        if memento.offset is not None and memento.length is not None:
            end = memento.offset + max(memento.length, 1) - 1
            headers["Range"] = f"bytes={memento.offset}-{end}"
        return scrapy.Request(
            memento.fetch_url,
            headers=headers,
            callback=self.parse_memento,
            errback=self._memento_failed,
            dont_filter=True,
            priority=-int(memento.timestamp[:8]),  # earlier captures (and versions) first
            meta={
                MEMENTO_META: memento,
                "article_url": url,
                "next_mementos": rest,
                "dont_redirect": True,
                "handle_httpstatus_all": True,
                UNUSABLE_DIGESTS: self.unusable_digests,
            },
        )

    def parse_memento(self, response: Response) -> Iterator[Any]:
        memento: Memento = response.meta[MEMENTO_META]
        problem = response.meta.get(MEMENTO_PROBLEM)
        if problem is None and response.status != 200:
            # 429 or 5xx still after the retries: the archive's trouble, tried again next run
            # (the run fails); any other answer (403...) means this capture is not to be had.
            busy = response.status == 429 or response.status >= 500
            yield from self._next(response.meta, f"archive_{response.status}", lost=busy)
            return
        if problem is not None:
            yield from self._next(response.meta, problem)
            return
        self._count("recover/mementos/fetched")
        self._count(f"recover/year/{memento.timestamp[:4]}")
        yield RawPage(
            portal=self.portal.id,
            url=response.meta["article_url"],
            fetched_from=memento.fetch_url,
            status=response.status,
            headers=text_headers(response),
            body=response.body,
            capture=self._capture(response, memento),
            source=memento.source,
        )

    def _capture(self, response: Response, memento: Memento) -> Capture:
        """The page's capture; its time is the memento's, even when WARC capture is off."""
        capture = capture_of(response)
        return capture if capture.ref is not None else Capture(memento.captured_at)

    def _memento_failed(self, failure: Failure) -> Iterator[scrapy.Request]:
        request = getattr(failure, "request", None)
        meta = request.meta if request is not None else {}
        if failure.check(KnownUnusablePayload):
            yield from self._next(meta, "known_unusable_payload")
            return
        yield from self._next(meta, f"error/{type(failure.value).__name__}", lost=True)

    def _next(
        self, meta: dict[str, Any], problem: str, lost: bool = False
    ) -> Iterator[scrapy.Request]:
        """The article's next capture, if the archive has another; else the article is
        ``lost`` (the archive failed: the run fails) or has no usable capture."""
        self._count(f"recover/mementos/damaged/{problem}")
        rest: list[Memento] = meta.get("next_mementos") or []
        if rest and "article_url" in meta:
            self._count("recover/mementos/next_capture")
            yield self._fetch(meta["article_url"], rest)
            return
        self._count("recover/mementos/lost" if lost else "recover/mementos/unusable")

    def _count(self, key: str, count: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key, count)


def _row_key(row: dict[str, Any]) -> tuple[str, str]:
    return (str(row.get("timestamp")), str(row.get("url")))
