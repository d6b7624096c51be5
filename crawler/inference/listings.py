"""Finding a site's listings: pages of links to its articles, their pagination (by URL or by
postback), read by the probe in a fixed order. Mixed into the inference of crawler/inference/
declare.py, whose article groups it needs."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from crawler.inference.shapes import Group, escape, group_by_shape, names_an_article

if TYPE_CHECKING:
    from crawler.inference.probe import Page, Probe

LISTING_LINKS = 3  # article links that make a listing
MAX_LISTING_GROUPS = 10
SELECTOR_SAMPLES = 6  # requests kept for the articles the selectors are learned from
SMALL_GROUP = 4  # a listing group this small is read whole
_NEWSY = re.compile(r"(?i)tin|news|su-kien|chuyen-muc|category|thoi-su|hoat-dong|bai-viet|posts")


class ListingDiscovery:
    probe: Probe
    start: str
    pages: dict[str, Page]
    listings: dict[str, Group]
    not_listings: set[str]
    evidence: list[str]
    postback: bool

    def _fetch(self, path: str) -> Page | None:
        raise NotImplementedError

    def _article_matcher(self) -> re.Pattern[str] | None:
        raise NotImplementedError

    @property
    def _listing_paths(self) -> set[str]:
        matcher = self._listing_matcher()
        return {p for p in self.pages if p == self.start or (matcher and matcher.search(p))}

    def _listing_matcher(self) -> re.Pattern[str] | None:
        return re.compile("|".join(self.listings)) if self.listings else None

    def _find_listings(self, links: list[str]) -> None:
        articles = self._article_matcher()
        if articles is None:
            return
        listed = self._listing_matcher()
        fresh = [
            link
            for link in dict.fromkeys(links)
            if not articles.search(link)
            and not (listed and listed.search(link))
            and link != self.start
        ]
        groups = [
            g
            for g in group_by_shape(fresh)
            if g.regex() not in self.not_listings and not names_an_article(g)
        ]
        for group in groups[:MAX_LISTING_GROUPS]:
            if self.probe.left <= SELECTOR_SAMPLES:
                break
            regex = group.regex()
            # Pages fetched already first, then the likeliest news sections: a group of section
            # pages also holds "contact" and "about" pages.
            ordered = sorted(
                group.paths, key=lambda p: (p not in self.pages, not _NEWSY.search(p), p)
            )
            for path in ordered[:2]:
                page = self._fetch(path)
                count = sum(1 for link in page.links if articles.search(link)) if page else 0
                if count >= LISTING_LINKS:
                    self._postback_pager(page)
                    if len(group.paths) <= SMALL_GROUP:
                        regex = self._read_whole(group, regex, articles)
                    regex = self._paged(regex, group)
                    self.listings[regex] = group
                    self.evidence.append(
                        f"listings {regex}: {len(group.paths)} links; {path} lists {count} articles"
                    )
                    break
            else:
                self.not_listings.add(regex)

    def _read_whole(self, group: Group, regex: str, articles: re.Pattern[str]) -> str:
        """A few sections, read whole: one may page differently (by postback), and a "contact"
        page or a dead link among them is left out of the pattern (a listing that answers 404
        would fail every crawl)."""
        listed = []
        for path in group.paths:
            if self.probe.left <= SELECTOR_SAMPLES + 2:
                return regex
            page = self._fetch(path)
            self._postback_pager(page)
            if page is not None and any(articles.search(link) for link in page.links):
                listed.append(path)
        if len(listed) == len(group.paths):
            return regex
        return "^(" + "|".join(escape(path) for path in listed) + ")$"

    def _postback_pager(self, page: Page | None) -> None:
        """A listing whose pager only posts back (ASP.NET WebForms): the crawl must post too."""
        if self.postback or page is None or page.doc is None:
            return
        for anchor in page.doc.iter("a"):
            if (
                "__doPostBack(" in (anchor.get("href") or "")
                and anchor.text_content().strip().isdigit()
            ):
                self.postback = True
                self.evidence.append(
                    f"postback_pager: {page.path} pages by __doPostBack links, not by URL"
                )
                return

    def _paged(self, regex: str, group: Group) -> str:
        """A listing's numbered pages, written for every listing of its kind: the probe reads
        one section's pager, not every section's (``/web/guest/tin-tuc?…_cur=N`` seen, and
        ``/web/guest/<any section>?…_cur=N`` written when those sections are listings)."""
        path, separator, query = regex.partition("\\?")
        if not separator:
            return regex
        plain = urlsplit(group.paths[0]).path
        for listing in self.listings:
            if "\\?" not in listing and listing.endswith("$") and re.search(listing, plain):
                return listing[:-1] + separator + query
        return regex
