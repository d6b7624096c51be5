"""How PortalSpider walks a listing: page after page, the next one only, a failed page skipped,
and (backfills) bounded by the dates the listing shows beside its links."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

import scrapy

from crawler.portals import Portal
from crawler.urls import canonical_url, next_page_url, pagination

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from twisted.python.failure import Failure

MAX_PAGE_SKIPS = 3  # failed listing pages in a row before a walk gives up


class ListingWalk:
    """Listing-walk rules; mixed into PortalSpider, whose state they read."""

    portal: Portal
    crawler: Crawler
    since: date | None
    until: date | None
    article_keys: set[str]
    seen_known: set[str]
    failed_urls: set[str]

    if TYPE_CHECKING:

        def parse(self, response: Any, **kwargs: Any) -> Any: ...

        def _on_site(self, url: str) -> str | None: ...

        def _count(self, key: str) -> None: ...

    def _next_pages_only(self, url: str, listings: list[str]) -> list[str]:
        """Of the other pages of this listing, only the next one: pages are walked in order, one
        after the other, so a walk can stop (nothing new, or older than --since) without having
        scheduled the hundreds a full pager links to. Other listings are kept."""
        listing, number = pagination(canonical_url(url))
        kept, later = [], []
        for other_url in listings:
            other, other_number = pagination(other_url)
            if other != listing:
                kept.append(other_url)
            elif other_number > number:
                later.append((other_number, other_url))
        if later:
            later.sort(key=lambda pair: pair[0])
            kept.append(later[0][1])
            if len(later) > 1:
                self._count("portal/listing/later_pages_deferred")
        return kept

    def _listing_failed(self, failure: Failure) -> Iterator[scrapy.Request]:
        """A numbered listing page that fails does not end the walk: try the next one."""
        request = failure.request  # type: ignore[attr-defined]
        self._count("portal/listing/failed")
        skips = request.meta.get("skips", 0)
        following = next_page_url(request.url)
        if following is not None and skips < MAX_PAGE_SKIPS:
            self._count("portal/listing/skipped_ahead")
            yield scrapy.Request(
                following,
                callback=self.parse,
                errback=self._listing_failed,
                meta={"stale": request.meta.get("stale", 0), "skips": skips + 1},
            )

    def _listed_after_until(self, dated: list[tuple[str, date]]) -> set[str]:
        """Article URLs (canonical) a listing page dates after ``until``: not fetched."""
        if self.until is None:
            return set()
        newer = (url for url, day in dated if day > self.until)
        return {
            local
            for local in map(self._on_site, newer)
            if local is not None and self.portal.is_article(local)
        }

    def _all_before_since(self, dated: list[tuple[str, date]]) -> bool:
        """Whether every article a listing page shows for the first time in this crawl is
        dated before ``since`` (a page with no dated new article does not stop the walk)."""
        assert self.since is not None
        dates = []
        for url, day in dated:
            url = canonical_url(url)
            if not self.portal.is_article(url):
                continue
            key = self.portal.article_key(url) or url
            if key in self.article_keys or key in self.seen_known or url in self.failed_urls:
                continue  # seen earlier in this crawl: a sidebar, a "newest" box
            dates.append(day)
        if dates and self.crawler.stats is not None:
            # How far back the walk has come, and from where: the progress line's ETA.
            self.crawler.stats.min_value("portal/oldest_listing_date", min(dates).isoformat())
            self.crawler.stats.max_value("portal/newest_listing_date", max(dates).isoformat())
        return bool(dates) and max(dates) < self.since
