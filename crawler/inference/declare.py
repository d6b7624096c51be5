"""Inferring a portal's declaration from its site: the URL rules, traps and selectors a person
would otherwise write (crawler/portals/*.py), learned from at most 40 probed pages.

The steps, each leaving a line of evidence for the file's comments:

1. robots.txt (its sitemaps) and the start page; the platform from its fingerprints
   (crawler/platforms), whose trap patterns are denied from then on.
2. The start page's links grouped by URL shape (crawler/inference/shapes.py). Groups whose URLs
   carry an id or a long slug are article candidates: two pages of each are fetched, and a group
   is articles when its pages hold prose (or say ``og:type=article``).
3. The other groups (sections, their pagination) are listing candidates: one page of each is
   fetched, and a group is listings when its page links to three articles or more. Article links
   found on listing pages join the article groups (one more round).
4. Up to six articles are compared with one another for the selectors
   (crawler/inference/template.py).

Everything is visited in a fixed order (groups by size, then by path), so the same site gives
the same declaration.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from crawler.inference.homepage import feeds_of, site_name, template_fingerprint
from crawler.inference.listings import SELECTOR_SAMPLES, ListingDiscovery
from crawler.inference.pages import is_article
from crawler.inference.probe import DEFAULT_BUDGET, Page, Probe, ProbeError
from crawler.inference.shapes import (
    Group,
    escape,
    group_by_shape,
    id_in_path,
    id_in_query_only,
    id_regex,
    shape_of,
)
from crawler.inference.template import Learned, learn_selectors
from crawler.platforms import COMMON_DENY, Platform, all_platforms, detect
from crawler.portals import Portal
from crawler.urls import PAGE_PARAMS, path_and_query, with_scheme

MAX_ARTICLE_GROUPS = 6


@dataclass
class Inference:
    """What the probe learned: the declaration, the evidence for it, what it cost."""

    portal: Portal
    platform: str
    evidence: list[str]
    requests: int
    articles: list[Page]
    fingerprint: str
    article_groups: list[str] = field(default_factory=list)
    listing_groups: list[str] = field(default_factory=list)
    pages: dict[str, Page] = field(default_factory=dict)  # every page the probe read


@dataclass
class PortalFacts:
    """What a person (or the registry) says of the portal; the rest is inferred."""

    id: str | None = None
    name: str | None = None
    province: str = ""
    province_after_2025: str | None = None
    level: str = "unknown"
    kind: str = "government"


def portal_id_for(host: str) -> str:
    """``honglinh.hatinh.gov.vn`` -> ``honglinh-hatinh``: the host without www and the
    country's public suffixes."""
    host = host.split(":")[0].lower().removeprefix("www.")
    host = re.sub(r"\.(gov|org|com|net|edu|dcs|info)?\.?vn$|\.(com|org|net|info)$", "", host)
    return re.sub(r"[^a-z0-9]+", "-", host).strip("-") or "portal"


def infer_portal(
    url: str,
    facts: PortalFacts | None = None,
    *,
    fetch_base: str | None = None,
    budget: int = DEFAULT_BUDGET,
    delay: float = 1.0,
) -> Inference:
    """The declaration of the site at ``url`` (its home page or any start page), learned from
    at most ``budget`` requests. Raises ProbeError when the site cannot be read."""
    facts = facts or PortalFacts()
    address = with_scheme(url)
    parts = urlsplit(address)
    if parts.scheme not in ("http", "https") or not _HOST.fullmatch(parts.netloc):
        raise ProbeError(f"{url!r} is not a web address (http:// or https://)")
    origin = f"{parts.scheme}://{parts.netloc}"
    start = path_and_query(address) if parts.path not in ("", "/") else "/"
    probe = Probe(origin, fetch_base, budget, delay)
    return _Inferrer(probe, origin, start, facts).run()


class _Inferrer(ListingDiscovery):
    def __init__(self, probe: Probe, origin: str, start: str, facts: PortalFacts) -> None:
        self.probe, self.origin, self.start, self.facts = probe, origin, start, facts
        self.evidence: list[str] = []
        self.pages: dict[str, Page] = {}
        self.articles: dict[str, Group] = {}  # regex -> group
        self.listings: dict[str, Group] = {}
        self.not_articles: set[str] = set()
        self.not_listings: set[str] = set()
        self.deny: list[str] = list(COMMON_DENY)
        self.page_params: set[str] = set()  # the platform's, beside crawler.urls.PAGE_PARAMS
        self.platform: Platform | None = None
        self.postback = False

    def run(self) -> Inference:
        sitemaps = self.probe.robots()
        home = self._fetch(self.start)
        if home is None:
            why = (
                f"it redirects to {self.probe.moved_to}"
                if self.probe.moved_to
                else "; ".join(self.probe.log[-2:])
            )
            raise ProbeError(f"cannot read {self.origin}{self.start}: {why or 'no answer'}")
        self.start = home.path
        platform = self.platform = self._platform(home)
        links = self._usable(home.links)
        self._find_articles(links)
        self._find_listings(links)
        listing_paths = self._listing_paths  # articles first seen on listing pages
        for page in [p for path, p in self.pages.items() if path in listing_paths]:
            self._find_articles(self._usable(page.links))
        self._find_listings([link for p in self.pages.values() for link in self._usable(p.links)])
        samples = self._article_samples()
        learned = learn_selectors(
            [p.doc for p in samples if p.doc is not None], _preferred(platform)
        )
        self.evidence += learned.evidence
        portal = self._portal(platform, learned, home, sitemaps)
        return Inference(
            portal=portal,
            platform=platform.name if platform else "unknown",
            evidence=self.evidence,
            requests=self.probe.requests,
            articles=samples,
            fingerprint=template_fingerprint(home.html),
            article_groups=list(self.articles),
            listing_groups=list(self.listings),
            pages=self.pages,
        )

    # probing ---------------------------------------------------------------------------------

    def _fetch(self, path: str) -> Page | None:
        if path in self.pages:
            return self.pages[path]
        page = self.probe.fetch(path)
        if page is not None:
            self.pages[path] = page
        return page

    def _platform(self, home: Page) -> Platform | None:
        name, found = detect(home.html, home.links)
        if name == "unknown":
            self.evidence.append("platform: unknown (no fingerprint of crawler/platforms found)")
            return None
        platform = all_platforms()[name]
        self.evidence.append(f"platform: {platform.label}, from {'; '.join(found)}")
        self.deny += [p for p in platform.deny_patterns if p not in self.deny]
        self.page_params |= {p.lower() for p in platform.page_params}
        return platform

    def _usable(self, links: list[str]) -> list[str]:
        return [
            link
            for link in links
            if not any(re.search(p, link) for p in self.deny) and self.probe.allowed(link)
        ]

    def _is_page_param(self, name: str) -> bool:
        return (
            name.lower() in self.page_params
            or bool(PAGE_PARAMS.match(name))
            or name.endswith("_cur")
        )

    # articles --------------------------------------------------------------------------------

    def _article_like(self, group: Group) -> bool:
        shape = shape_of(group.paths[0])
        if any(t.has_id or t.kind == "slug" for t in shape.path):
            return True
        return any(
            kind == "number" and not self._is_page_param(name) and not name.startswith("p_p_")
            for name, kind in shape.query
        )

    def _find_articles(self, links: list[str]) -> None:
        known = self._article_matcher()
        fresh = [
            link for link in links if not (known and known.search(link)) and link not in self.pages
        ]
        candidates = [g for g in group_by_shape(fresh) if self._article_like(g)]
        # The platform's article shape first, then ids in the path (a query's numbers are more
        # often a portlet's state than an article's id), then the biggest groups.
        candidates.sort(key=lambda g: (not self._platform_article(g), not id_in_path(g)))
        for group in candidates[:MAX_ARTICLE_GROUPS]:
            regex = group.regex()
            if regex in self.not_articles or regex in self.articles:
                continue
            if (
                self.articles
                and id_in_query_only(group)
                and any(id_in_path(g) for g in self.articles.values())
            ):
                continue  # a site has one article scheme: ids in the path, not in a query
            verdicts = []
            # Two pages that answer, of at most four tried: a mirror or a dying site has holes.
            members = [*group.sample, *(p for p in group.paths if p not in group.sample)]
            for path in members[:4]:
                page = self._fetch(path)
                if page is not None:
                    verdicts.append(is_article(page))
                if len(verdicts) == 2:
                    break
            if verdicts and all(verdicts):
                self.articles[regex] = group
                self.evidence.append(
                    f"articles {regex}: {len(group.paths)} links; {len(verdicts)} fetched, "
                    "each holds an article"
                )
            else:
                self.not_articles.add(regex)

    def _platform_article(self, group: Group) -> bool:
        pattern = self.platform.article_pattern if self.platform else None
        return bool(pattern and re.search(pattern, group.paths[0]))

    def _article_matcher(self) -> re.Pattern[str] | None:
        return re.compile("|".join(self.articles)) if self.articles else None

    # listings --------------------------------------------------------------------------------

    def _article_samples(self) -> list[Page]:
        matcher = self._article_matcher()
        if matcher is None:
            return []
        main = re.compile(next(iter(self.articles)))  # the biggest group: one kind of article
        fetched = sorted(p for p, page in self.pages.items() if main.search(p) and is_article(page))
        seen = sorted(
            {link for p in self.pages.values() for link in p.links if main.search(link)}
            - set(self.pages)
        )
        step = max(1, len(seen) // SELECTOR_SAMPLES)
        for path in seen[::step]:
            if len(fetched) >= SELECTOR_SAMPLES or self.probe.left <= 0:
                break
            page = self._fetch(path)
            if page is not None and is_article(page):
                fetched.append(path)
        return [self.pages[p] for p in fetched[:SELECTOR_SAMPLES]]

    # the declaration -------------------------------------------------------------------------

    def _portal(
        self, platform: Platform | None, learned: Learned, home: Page, sitemaps: list[str]
    ) -> Portal:
        host = urlsplit(self.origin).netloc
        facts = self.facts
        if not self.articles:
            raise ProbeError(
                f"no article pages found on {self.origin} in {self.probe.requests} requests "
                f"(the start page has {len(home.links)} on-site links); declare it by hand"
            )
        groups = list(self.articles.values())
        article_pattern = _either(self.articles)
        listing_pattern = _either({f"^{escape(self.start)}$": None, **self.listings})
        id_pattern = id_regex(groups[0].paths) if len(groups) == 1 else None
        feeds = feeds_of(home)
        return Portal(
            id=facts.id or portal_id_for(host),
            name=facts.name or site_name(home) or host,
            province=facts.province,
            province_after_2025=facts.province_after_2025,
            level=facts.level,
            kind=facts.kind,
            origin=self.origin,
            start_paths=(self.start,),
            article_pattern=article_pattern,
            article_id_pattern=id_pattern,
            listing_pattern=listing_pattern,
            deny_patterns=tuple(self.deny),
            selectors=learned.selectors(),
            sitemaps=tuple(sitemaps),
            feeds=feeds,
            postback_pager=self.postback,
            notes="inferred by portal-archive add",
        )


_HOST = re.compile(
    r"[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9-]+)+(:\d+)?|localhost(:\d+)?"
)


def _either(regexes: Mapping[str, object]) -> str:
    ordered = list(regexes)
    return ordered[0] if len(ordered) == 1 else "(" + "|".join(ordered) + ")"


def _preferred(platform: Platform | None) -> dict[str, tuple[str, ...]]:
    if platform is None:
        return {}
    return {
        "title": platform.title,
        "published": platform.published,
        "lead": platform.lead,
        "body": platform.body,
        "author": platform.author,
    }
