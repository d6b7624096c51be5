"""Reading a portal's sitemaps and feeds, for PortalSpider.

Their new articles are fetched; a sitemap <lastmod> that differs from the one recorded last time
has a stored article fetched again (an edit); child sitemaps whose <lastmod> has not changed are
not fetched. A child sitemap's <lastmod> is kept only when the crawl went through: after a kill,
a signal, ``--limit`` or a failed article, the next crawl reads the child again, or the articles
it lists that were never fetched would be passed over for good. Sitemaps are parsed by Scrapy's
parser (no entity expansion), gzipped ones inflated no further than DOWNLOAD_MAXSIZE; feeds by
crawler.feeds.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

import scrapy
from scrapy.http import Response

from crawler.feeds import feed_links, lastmod_day, sitemap_entries
from crawler.index import ArticleIndex
from crawler.items import ListedLastmod
from crawler.portals import Portal
from crawler.urls import rebase

if TYPE_CHECKING:
    from twisted.python.failure import Failure


class SitemapReading:
    """Sitemap and feed callbacks; mixed into PortalSpider, whose state and requests they use."""

    portal: Portal
    index: ArticleIndex
    since: date | None
    max_xml_size: int
    failed_urls: set[str]
    sitemap_stamps: list[ListedLastmod]

    if TYPE_CHECKING:

        def _on_site(self, url: str) -> str | None: ...

        def _identity(self, url: str) -> str: ...

        def _request_for(self, url: str, recheck: bool = False) -> scrapy.Request | None: ...

        def _count(self, key: str) -> None: ...

        def _limit_reached(self) -> bool: ...

    def parse_sitemap(
        self, response: Response, **kwargs: Any
    ) -> Iterator[scrapy.Request | ListedLastmod]:
        """A sitemap index leads to the child sitemaps whose <lastmod> changed; a urlset to its
        new articles and to the stored ones whose <lastmod> changed."""
        kind, entries = sitemap_entries(response.body, self.max_xml_size)
        if kind is None:
            self._count("portal/sitemap/invalid")
            return
        self._count(f"portal/sitemap/{kind}" if entries else "portal/sitemap/empty")
        for loc, lastmod in entries:
            url = self._on_site(loc)
            if url is None:
                continue
            if kind == "sitemapindex":
                identity = rebase(url, self.portal.origin)
                if lastmod and self.index.listed_lastmod(identity) == lastmod:
                    self._count("portal/sitemap/unchanged")
                    continue
                yield self._xml_request(url, self.parse_sitemap, identity, lastmod)
            elif self.portal.is_article(url):
                if self.since and lastmod and (lastmod_day(lastmod) or self.since) < self.since:
                    self._count("portal/article/before_since")
                    continue
                yield from self._listed_article(url, lastmod)
        self.sitemap_stamps.extend(self._lastmod_acted_on(response))

    def sitemap_stamps_to_keep(self, reason: str) -> list[ListedLastmod]:
        """The <lastmod> of each child sitemap read, if the crawl dealt with every article they
        list: it finished, under its limit, with no article fetch failed."""
        if reason != "finished" or self._limit_reached() or self.failed_urls:
            return []
        return self.sitemap_stamps

    def parse_feed(
        self, response: Response, **kwargs: Any
    ) -> Iterator[scrapy.Request | ListedLastmod]:
        """An RSS or Atom feed: its new articles (feeds say nothing reliable of edits)."""
        links = feed_links(response.body)
        self._count("portal/feed/read" if links is not None else "portal/feed/invalid")
        for link in links or []:
            url = self._on_site(response.urljoin(link))
            if url is not None and self.portal.is_article(url):
                yield from self._listed_article(url, None)

    def _listed_article(
        self, url: str, lastmod: str | None
    ) -> Iterator[scrapy.Request | ListedLastmod]:
        identity = self._identity(url)
        if not self.index.is_known(identity):
            request = self._request_for(url)
            if request is not None:
                if lastmod:
                    request.meta.update(listed_identity=identity, listed_lastmod=lastmod)
                yield request
            elif lastmod:
                # Requested already in this crawl (from a listing, without the stamp), or held
                # back: noted now. A stamp never keeps an article that is not stored from
                # being fetched; it only tells an edit of one that is.
                yield ListedLastmod(self.portal.id, identity, lastmod)
            return
        recorded = self.index.listed_lastmod(identity)
        if not lastmod or recorded == lastmod:
            self._count("portal/article/known")
            return
        if recorded is None:
            # First sight of this stored article in a sitemap: note the stamp, fetch nothing.
            self._count("portal/sitemap/lastmod_noted")
            yield ListedLastmod(self.portal.id, identity, lastmod)
            return
        self._count("portal/article/lastmod_changed")
        request = self._request_for(url, recheck=True)
        if request is not None:
            request.meta.update(listed_identity=identity, listed_lastmod=lastmod)
            yield request

    def _lastmod_acted_on(self, response: Response) -> Iterator[ListedLastmod]:
        lastmod = response.meta.get("listed_lastmod")
        if lastmod:
            yield ListedLastmod(self.portal.id, response.meta["listed_identity"], lastmod)

    def _xml_request(
        self,
        url: str,
        callback: Any,
        identity: str | None = None,
        lastmod: str | None = None,
    ) -> scrapy.Request:
        meta = {"listed_identity": identity, "listed_lastmod": lastmod} if lastmod else {}
        return scrapy.Request(url, callback=callback, errback=self._xml_failed, meta=meta)

    def _xml_failed(self, failure: Failure) -> None:
        """A missing feed or sitemap is not a failed crawl: listings remain."""
        self._count("portal/sitemap_or_feed/failed")
