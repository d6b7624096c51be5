"""How PortalSpider walks a listing: page after page, the next one only, a failed page skipped,
(backfills) bounded by the dates the listing shows beside its links, and resumed where an
earlier crawl's walk was cut short (archive.db.walks keeps the marks)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

import scrapy

from crawler.index import ResumePoint
from crawler.items import WalkProgress
from crawler.links import LinkReader
from crawler.portals import Portal
from crawler.urls import canonical_url, next_page_url, pagination, rebase

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from twisted.python.failure import Failure

MAX_PAGE_SKIPS = 3  # failed listing pages in a row before a walk gives up
RESUME_UNTIL = "resume_until"  # request.meta: below this page number, no stale stop
PREVIOUS_PAGE = "walk_previous"  # request.meta: where to start again if the walk is cut here
TRAIL = "walk_trail"  # request.meta: the walk's last pages read, oldest first
# How many pages back a cut walk starts again: the articles of the last pages read may still be
# waiting to be fetched or extracted when a crawl is killed (more of them on a loaded machine).
RESUME_BACK = 3


class ListingWalk:
    """Listing-walk rules; mixed into PortalSpider, whose state they read."""

    portal: Portal
    crawler: Crawler
    since: date | None
    until: date | None
    article_keys: set[str]
    seen_known: set[str]
    failed_urls: set[str]
    fetch_base: str
    listings_requested: set[str]
    resume: list[ResumePoint]
    link_reader: LinkReader

    if TYPE_CHECKING:

        def parse(self, response: Any, **kwargs: Any) -> Any: ...

        def _on_site(self, url: str) -> str | None: ...

        def _count(self, key: str) -> None: ...

        def _listing_request(self, url: str) -> scrapy.Request: ...

    def _resume_requests(self) -> Iterator[scrapy.Request]:
        """The walks an earlier crawl left cut short, and the listing pages it gave up."""
        for point in self.resume:
            url = canonical_url(rebase(point.url, self.fetch_base))
            if url in self.listings_requested:
                continue
            self._count("portal/listing/resumed")
            request = self._listing_request(url)
            request.meta[RESUME_UNTIL] = point.until
            yield request

    def _resuming(self, response: Any) -> bool:
        """Whether ``response`` is a page a resumed walk reads again whatever it brings: one
        the cut walk had read, or whose articles it may not have fetched."""
        return pagination(canonical_url(response.url))[1] < response.meta.get(RESUME_UNTIL, 0)

    def _carry_walk(self, response: Any, request: scrapy.Request) -> None:
        """What the next page of the same listing needs to know of the walk: the page a cut
        walk starts again from, RESUME_BACK pages back."""
        if pagination(request.url)[0] == pagination(canonical_url(response.url))[0]:
            request.meta[RESUME_UNTIL] = response.meta.get(RESUME_UNTIL, 0)
            trail = (*response.meta.get(TRAIL, ()), response.url)[-RESUME_BACK:]
            request.meta[TRAIL] = trail
            request.meta[PREVIOUS_PAGE] = trail[0]

    def _walk_progress(self, response: Any, listings: list[str], went_on: bool) -> WalkProgress:
        """The mark a listing page leaves: the walk goes on to a next page (or would, but for
        ``--limit``), or it stops here as walks do. A walk starts again RESUME_BACK pages before
        the last one read: articles of the last pages may still have been waiting."""
        listing = pagination(canonical_url(response.url))[0]
        has_next = any(pagination(other)[0] == listing for other in listings)
        event = "continued" if has_next and went_on else "ended"
        if self.link_reader.capped:
            event = "failed"  # a page of a million links is broken: not where the walk ends
        return self._mark(response.url, event, response.meta.get(PREVIOUS_PAGE))

    def _mark(self, fetched_url: str, event: str, resume_from: str | None = None) -> WalkProgress:
        """The walk's mark for the listing page fetched at ``fetched_url``, under the portal's
        real origin (the fetch base changes from run to run)."""
        url = canonical_url(fetched_url)
        listing, number = pagination(url)
        origin = self.portal.origin
        return WalkProgress(
            self.portal.id,
            rebase(listing, origin),
            rebase(url, origin),
            number,
            event,
            rebase(resume_from or url, origin),
        )

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

    def _listing_failed(self, failure: Failure) -> Iterator[scrapy.Request | WalkProgress]:
        """A numbered listing page that fails does not end the walk: try the next one, and
        this one again in the next crawl."""
        request = failure.request  # type: ignore[attr-defined]
        self._count("portal/listing/failed")
        yield self._mark(request.url, "failed")
        skips = request.meta.get("skips", 0)
        following = next_page_url(request.url)
        if following is not None and skips < MAX_PAGE_SKIPS:
            self._count("portal/listing/skipped_ahead")
            yield scrapy.Request(
                following,
                callback=self.parse,
                errback=self._listing_failed,
                meta={
                    "stale": request.meta.get("stale", 0),
                    "skips": skips + 1,
                    RESUME_UNTIL: request.meta.get(RESUME_UNTIL, 0),
                },
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
