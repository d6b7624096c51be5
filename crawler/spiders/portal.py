"""PortalSpider: discovers and fetches the articles of one declared portal.

It starts from the declaration's start paths, follows links that the declaration calls listings
or articles on the same host, and hands every fetched article page to the pipelines untouched.
It never extracts: that is pipelines' work.

Traps it refuses: anything the declaration denies (print views, language switches…), paths whose
segments repeat (``/en/en/…``), over-long URLs, other hosts. The same article linked under several
sections is fetched once, by the portal's article id.

Sitemaps and feeds the declaration lists are read too (crawler.spiders.sitemaps).

Its options come from crawler.options.CrawlOptions (portal, fetch base, limit, stale-listing
limit, --since/--until). What the archive knows reaches it as an ``ArticleIndex`` and a list of
articles to fetch again, handed over when the spider opens (``use_archive``) by the session that
owns the archive; tests hand it a ``MemoryIndex``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import HtmlResponse, Response
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.index import ArticleIndex, MemoryIndex, RecheckTarget, ResumePoint, UsesArchive
from crawler.items import (
    GonePage,
    ListedLastmod,
    RawPage,
    UnchangedPage,
    WalkProgress,
    capture_of,
    text_headers,
)
from crawler.links import LinkReader
from crawler.listing import listing_dates
from crawler.options import CrawlOptions
from crawler.portals import Portal, get_portal
from crawler.spiders.postback import PostbackPaging
from crawler.spiders.sitemaps import SitemapReading
from crawler.spiders.walk import ListingWalk
from crawler.urls import canonical_url, rebase, site_of, trap_reason

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from twisted.python.failure import Failure

ARTICLE_PRIORITY = 10  # articles before more pagination keeps the queue short
GONE_STATUSES = (404, 410)
KIND_MEMORY = 200_000  # canonical URLs whose kind (article, listing, denied...) is remembered
_ARTICLE, _LISTING = "article", "listing"


class PortalSpider(UsesArchive, ListingWalk, SitemapReading, PostbackPaging, scrapy.Spider):
    name = "portal"

    def __init__(
        self,
        portal: str | Portal,
        fetch_base: str | None = None,
        limit: int = 0,
        stale_listing_limit: int = 1,
        since: date | None = None,
        until: date | None = None,
        index: ArticleIndex | None = None,
        recheck: list[RecheckTarget] | None = None,
        resume: list[ResumePoint] | None = None,
        max_xml_size: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.portal = portal if isinstance(portal, Portal) else get_portal(portal)
        self.fetch_base = (fetch_base or self.portal.origin).rstrip("/")
        self.fetch_host = site_of(self.fetch_base)  # host, and port unless the usual one
        self.allowed_domains = [urlsplit(self.fetch_base).hostname or ""]
        self.limit = limit
        self.link_reader = LinkReader(self._local)
        self.link_counts: Counter[str] = Counter()
        self.kinds: dict[str, str] = {}  # canonical URL -> _kind()
        self.listings_requested: set[str] = set()
        self.article_keys: set[str] = set()  # articles requested in this crawl (id, else URL)
        self.seen_known: set[str] = set()  # archived articles linked to in this crawl
        self.alternates: dict[str, list[str]] = {}  # an article's URLs: first, other copies
        self.failed_urls: set[str] = set()  # article URLs that failed: not worth a second try
        self.sitemap_stamps: list[ListedLastmod] = []  # child sitemaps read, kept at the end
        self.articles_requested = 0
        # Pagination is followed from a listing page only while fewer than this many listing
        # pages in a row brought no new article (0: always follow, as a backfill does).
        self.stale_listing_limit = stale_listing_limit
        # Backfill: walk listings back to ``since``, leave out articles listed after ``until``.
        self.since, self.until = since, until
        if self.since is not None or self.until is not None:
            self.stale_listing_limit = 0
        self.max_xml_size = max_xml_size
        self.use_archive(MemoryIndex() if index is None else index, recheck or [], resume or [])

    def use_archive(
        self, index: ArticleIndex, recheck: list[RecheckTarget], resume: list[ResumePoint]
    ) -> None:
        """What the archive knows, handed over before the first request: ``index`` says which
        articles are stored (not fetched again, so a scheduled crawl costs what is new) and
        what sitemaps said of them; ``recheck`` lists stored articles to fetch again whatever
        the listings say (edits, removals), conditionally where validators are known;
        ``resume``, the listing pages where earlier walks were cut short or gave up."""
        self.index = index
        self.recheck = list(recheck)
        self.resume = list(resume)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> PortalSpider:
        options = CrawlOptions.of(crawler)
        kwargs.setdefault("portal", options.portal)
        kwargs.setdefault("fetch_base", options.fetch_base)
        kwargs.setdefault("limit", options.limit)
        kwargs.setdefault("stale_listing_limit", options.stale_listing_limit)
        kwargs.setdefault("since", options.since)
        kwargs.setdefault("until", options.until)
        kwargs.setdefault("max_xml_size", crawler.settings.getint("DOWNLOAD_MAXSIZE"))
        spider: PortalSpider = super().from_crawler(crawler, *args, **kwargs)
        spider.link_reader.max_links = options.max_links
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for path in self.portal.start_paths:
            # Not dont_filter: a link back to the home page must not fetch it again.
            self._count("portal/start/requested")
            yield scrapy.Request(
                self.fetch_base + path,
                callback=self.parse,
                errback=self._start_failed,
                meta={"start": True},
            )
        for resumed in self._resume_requests():
            yield resumed
        for path in self.portal.sitemaps:
            yield self._xml_request(self.fetch_base + path, self.parse_sitemap)
        for path in self.portal.feeds:
            yield self._xml_request(self.fetch_base + path, self.parse_feed)
        for url, etag, modified in self.recheck:
            self._count("portal/article/recheck")
            request = self._follow(rebase(url, self.fetch_base), recheck=True)
            if request is None:
                continue
            # Conditional: an unchanged page costs a 304 and no body.
            if etag:
                request.headers["If-None-Match"] = etag
            if modified:
                request.headers["If-Modified-Since"] = modified
            request.meta["handle_httpstatus_list"] = [304]
            yield request

    def parse(
        self, response: Response, **kwargs: Any
    ) -> Iterator[RawPage | UnchangedPage | ListedLastmod | WalkProgress | scrapy.Request]:
        if response.status == 304:
            self._count("portal/article/not_modified")
            yield UnchangedPage(
                self.portal.id,
                rebase(response.url, self.portal.origin),
                capture_of(response).fetched_at,
            )
            yield from self._lastmod_acted_on(response)
            return
        if not isinstance(response, HtmlResponse):
            self._count("portal/response/not_html")
            return
        if self.portal.is_article(response.url):
            self.alternates.pop(response.meta.get("article_key") or "", None)
            yield RawPage(
                portal=self.portal.id,
                url=rebase(response.url, self.portal.origin),
                fetched_from=response.url,
                status=response.status,
                headers=text_headers(response),
                body=response.body,
                capture=capture_of(response),
            )
            yield from self._lastmod_acted_on(response)
            yield from self._links(response, stale=0)
            return
        yield from self._links(response, stale=response.meta.get("stale", 0))

    # listings ------------------------------------------------------------------------------

    def _links(self, response: Response, stale: int) -> Iterator[scrapy.Request | WalkProgress]:
        """Article requests first; then listings, unless too many listing pages in a row
        brought no new article (a start page always leads on: sections hang from it)."""
        listings, new_articles = [], 0
        on_listing = not self.portal.is_article(response.url)
        # A backfill reads the dates beside a listing page's links once, for both bounds.
        dated = list(listing_dates(response)) if on_listing and (self.since or self.until) else []
        newer_than_until = self._listed_after_until(dated)
        # With --until, articles are taken from listing pages, which date them; an article's
        # "newest" and "related" boxes would bring in the very articles --until leaves out.
        undated_only = self.until is not None and not on_listing
        before_since = self.since is not None and on_listing and self._all_before_since(dated)
        urls, offsite = self.link_reader.links(response)  # type: ignore[arg-type]
        counts = self.link_counts
        counts["portal/links/offsite"] += offsite
        counts["portal/links/capped_page"] += self.link_reader.capped
        for url in urls:
            kind = self._kind(url)
            if kind is not _ARTICLE:
                if kind is _LISTING:
                    listings.append(url)
                else:
                    counts[kind] += 1
                continue
            # Not in the archive when this crawl started (requested earlier in this crawl or
            # not: a listing showing it still brings news).
            new_articles += not self.index.is_known(self._identity(url))
            if url in newer_than_until or undated_only:
                counts["portal/article/after_until"] += 1
                continue
            request = self._article_request(url)
            if request is not None:
                yield request
        self._flush_counts()
        listings = self._next_pages_only(response.url, listings)
        leads_on = not on_listing or response.meta.get("start") or self._resuming(response)
        stale = 0 if new_articles or leads_on else stale + 1
        stopped = bool(self.stale_listing_limit and stale >= self.stale_listing_limit)
        if stopped and listings:
            self._count("portal/listing/stale_stop")
        elif not stopped and before_since and not response.meta.get("start"):
            self._count("portal/listing/before_since")
            stopped = True
        if on_listing:
            yield self._walk_progress(response, listings, went_on=not stopped)
        if stopped:
            return
        for url in listings:
            # Requested already in this crawl: Scrapy's duplicate filter would drop it.
            if url in self.listings_requested or self._limit_reached():
                continue
            request = self._listing_request(url)
            request.meta["stale"] = stale
            self._carry_walk(response, request)
            yield request
        if on_listing and (postback := self._next_postback(response, stale)) is not None:
            yield postback

    def _kind(self, url: str) -> str:
        """What an on-site canonical ``url`` is to the crawl: an article, a listing, or the
        stats key of why it is not followed. Remembered: pages repeat their links."""
        kind = self.kinds.get(url)
        if kind is None:
            if len(self.kinds) >= KIND_MEMORY:
                self.kinds.clear()
            kind = self.kinds[url] = self._classify(url)
        return kind

    def _classify(self, url: str) -> str:
        if self.portal.is_denied(url):
            return "portal/links/denied"
        reason = trap_reason(url)
        if reason:
            return f"portal/links/trap/{reason}"
        if self.portal.is_article(url):
            return _ARTICLE
        if self.portal.is_listing(url):
            return _LISTING
        return "portal/links/ignored"

    def _flush_counts(self) -> None:
        """Per-link counts, kept here and added to the stats once per page (a stats call per
        link cost more than reading the link)."""
        if self.crawler.stats is not None:
            for key, count in self.link_counts.items():
                if count:
                    self.crawler.stats.inc_value(key, count)
        self.link_counts.clear()

    def _identity(self, url: str) -> str:
        """What the archive knows an article by: the portal's id for it, else its URL under the
        portal's real origin (Store.known_articles gives the same)."""
        return self.portal.article_key(url) or rebase(url, self.portal.origin)

    def _follow(self, url: str, recheck: bool = False) -> scrapy.Request | None:
        local = self._on_site(url)
        return None if local is None else self._request_for(local, recheck)

    def _on_site(self, url: str) -> str | None:
        """``url`` canonical, on the host the crawl fetches from; None for another site."""
        local = self._local(url)
        if local is None:
            self._count("portal/links/offsite")
        return local

    def _local(self, url: str) -> str | None:
        host = urlsplit(url).netloc
        if host == self.portal.host and self.fetch_base != self.portal.origin:
            # An absolute link (or <base href>) to the real site, seen through a local copy.
            url = rebase(url, self.fetch_base)
        elif site_of(url) != self.fetch_host:
            return None
        return canonical_url(url)

    def _request_for(self, url: str, recheck: bool = False) -> scrapy.Request | None:
        """The request for an on-site canonical ``url``, if it is worth fetching."""
        kind = self._kind(url)
        if kind is _ARTICLE:
            return self._article_request(url, recheck)
        if kind is _LISTING:
            return None if self._limit_reached() else self._listing_request(url)
        self._count(kind)
        return None

    def _start_failed(self, failure: Failure) -> None:
        """A start page that failed (an error status, or no answer): counted, so the crawl is
        not reported as a success (crawler.outcome)."""
        self._count("portal/start/failed")

    def _listing_request(self, url: str) -> scrapy.Request:
        self.listings_requested.add(url)
        self._count("portal/listing/requested")
        return scrapy.Request(url, callback=self.parse, errback=self._listing_failed)

    def _article_request(self, url: str, recheck: bool = False) -> scrapy.Request | None:
        if url in self.failed_urls:
            return None
        key = self.portal.article_key(url)
        if not recheck and self.index.is_known(self._identity(url)):
            self._count("portal/article/known")
            # Seen: its date no longer tells where a walk is. Not a request: a --recheck of it,
            # which may come after the listings that show it, must still go out.
            self.seen_known.add(key or url)
            return None
        if key is not None:
            if key in self.article_keys:
                self._count("portal/article/duplicate_key")
                pending = self.alternates.get(key)
                if pending is not None and url not in pending and len(pending) < 8:
                    pending.append(url)
                return None
            self.article_keys.add(key)
            self.alternates[key] = [url]
        if self._limit_reached():
            return None
        return self._request_article(url, key)

    def _request_article(self, url: str, key: str | None) -> scrapy.Request:
        self.articles_requested += 1
        self._count("portal/article/requested")
        return scrapy.Request(
            url,
            callback=self.parse,
            errback=self._article_failed,
            priority=ARTICLE_PRIORITY,
            meta={"article_key": key},
        )

    def _article_failed(self, failure: Failure) -> Iterator[scrapy.Request | GonePage]:
        """Try another URL of the same article (another section's copy) after a failure.

        A 404 or 410 is also reported (GonePage): if the archive holds the article from this very
        URL, the site has removed it.
        """
        request = failure.request  # type: ignore[attr-defined]
        self.articles_requested -= 1
        self.failed_urls.add(request.url)
        error = failure.value
        if isinstance(error, HttpError):
            status = error.response.status
            self._count(f"portal/article/http_{status}")
            if status in GONE_STATUSES:
                yield GonePage(
                    self.portal.id,
                    rebase(request.url, self.portal.origin),
                    status,
                    capture_of(error.response).fetched_at,
                )
        else:
            self._count(f"portal/article/failed/{type(error).__name__}")
        key = request.meta.get("article_key")
        if key is None:
            return
        pending = self.alternates.get(key) or []
        if request.url in pending:
            pending.remove(request.url)
        if pending:
            self._count("portal/article/alternate_tried")
            yield self._request_article(pending[0], key)
        else:
            # No copy left to try now; a link found later may still fetch it.
            self.alternates.pop(key, None)
            self.article_keys.discard(key)

    def _limit_reached(self) -> bool:
        return bool(self.limit) and self.articles_requested >= self.limit

    def _count(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)
