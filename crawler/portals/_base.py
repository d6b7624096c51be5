"""What a portal declaration is made of.

A portal is described by data, not code: where crawling starts, which URLs are articles and which
are listings, which URLs are traps, and (optionally) CSS selectors for the article fields. One
generic spider and one extraction function serve every portal from these declarations.

This module is pure Python on purpose: the extraction code, the CLI and the tests use
declarations without importing Scrapy or touching the database.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from functools import cached_property, partial
from urllib.parse import urlsplit

from crawler.clock import VIETNAM
from crawler.urls import path_and_query


@dataclass(frozen=True)
class Selectors:
    """CSS selectors for article fields on a portal whose markup is known.

    Every field is optional: a field without a selector (or whose selector matches nothing) is
    taken from the generic extractor instead. ``drop`` lists elements removed from the body before
    text is taken (share toolbars, counters, related lists...).
    """

    title: str | None = None
    lead: str | None = None
    body: str | None = None
    published: str | None = None
    author: str | None = None
    section: str | None = None
    tags: str | None = None
    drop: tuple[str, ...] = ()


def _selectors(fields: dict[str, object]) -> Selectors:
    drop = fields.get("drop") or ()
    return Selectors(**{**fields, "drop": tuple(drop)})  # type: ignore[arg-type]


@dataclass(frozen=True)
class Layout:
    """An earlier design of a portal: its selectors, for pages fetched before ``until``.

    Portals get redesigned; a capture from 2023 must still be read with the selectors of 2023
    when it is re-extracted in 2027. ``until`` is a date (YYYY-MM-DD, Vietnam time), exclusive.
    """

    name: str
    until: str
    selectors: Selectors

    def __post_init__(self) -> None:
        date.fromisoformat(self.until)


@dataclass(frozen=True)
class Revisit:
    """How scheduled crawls re-check a portal's recent articles for edits and removals.

    Articles first archived in the last ``recent_days`` are fetched again (conditionally: an
    unchanged page costs a 304) once they have not been seen for ``every_hours``. Older articles
    are re-checked only on ``crawl --recheck``.
    """

    recent_days: int = 14
    every_hours: int = 24


@dataclass(frozen=True)
class Portal:
    """One crawlable portal.

    ``origin`` is the portal's real address (scheme and host). It is the identity under which
    articles are stored, even when the pages are fetched from a local replay or simulator that
    serves the same paths on 127.0.0.1: a second crawl through another port must find the same
    URLs.

    Patterns are regular expressions searched in the URL's path plus query string
    (``/vi/tin-tuc.html?page=2``), so they do not depend on the host the pages come from.
    """

    id: str
    name: str
    province: str
    level: str  # province | city | town | district | commune | department
    kind: str  # government | party | newspaper | council
    origin: str
    start_paths: tuple[str, ...] = ("/",)
    article_pattern: str = ""  # empty: the platform profile's
    listing_pattern: str = ""
    deny_patterns: tuple[str, ...] = ()
    article_id_pattern: str | None = None
    selectors: Selectors = field(default_factory=Selectors)
    layout: str = "1"  # name of the current design, the one ``selectors`` describe
    earlier_layouts: tuple[Layout, ...] = ()
    revisit: Revisit = field(default_factory=Revisit)
    # Paths of the portal's sitemaps (index or urlset, their <lastmod> used to spot new and
    # edited articles) and of its RSS/Atom feeds (new articles only). Most government portals
    # have neither; newspapers often do.
    sitemaps: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    language: str = "vi"
    province_after_2025: str | None = None
    replay: str | None = None  # folder under shared/data holding an offline mirror of the portal
    # Origins the portal had before its current one (a move to a new domain): web archives hold
    # its earlier pages there, and ``recover`` asks for them too. Paths keep their shapes.
    former_origins: tuple[str, ...] = ()
    # The CMS family (crawler/platforms): its profile fills the URL rules and selectors this
    # declaration leaves out, and adds the family's trap patterns to ``deny_patterns``.
    platform: str | None = None
    # Listing pages that page only by posting their form back (ASP.NET WebForms pagers:
    # ``__doPostBack('…','Page$2')``): the spider posts it back, for the next page only.
    postback_pager: bool = False
    notes: str = ""

    def __post_init__(self) -> None:
        if self.platform:
            self._apply_platform()
        if not self.article_pattern or not self.listing_pattern:
            raise ValueError(
                f"portal {self.id}: article_pattern and listing_pattern are needed (or a "
                "platform whose profile has them)"
            )
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", self.id):
            raise ValueError(f"portal id {self.id!r} must be lowercase ASCII, digits and dashes")
        parts = urlsplit(self.origin)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
            raise ValueError(f"portal {self.id}: origin must be scheme://host, got {self.origin!r}")
        for former in self.former_origins:
            parts = urlsplit(former)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ValueError(f"portal {self.id}: former origin {former!r} is not scheme://host")
        for path in (*self.start_paths, *self.sitemaps, *self.feeds):
            if not path.startswith("/"):
                raise ValueError(f"portal {self.id}: paths must start with '/', got {path!r}")
        for pattern in (self.article_pattern, self.listing_pattern, *self.deny_patterns):
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(f"portal {self.id}: bad pattern {pattern!r}: {error}") from None
        if self.article_id_pattern and "(?P<id>" not in self.article_id_pattern:
            raise ValueError(f"portal {self.id}: article_id_pattern needs a (?P<id>...) group")

    def _apply_platform(self) -> None:
        """Fill what the declaration leaves out from its platform's profile (the dataclass is
        frozen: this is its construction, not a change)."""
        from crawler.platforms import COMMON_DENY, get_platform

        profile = get_platform(str(self.platform))
        fill = partial(object.__setattr__, self)
        if not self.article_pattern and profile.article_pattern:
            fill("article_pattern", profile.article_pattern)
        if not self.listing_pattern and profile.listing_pattern:
            fill("listing_pattern", profile.listing_pattern)
        if not self.article_id_pattern and profile.article_id_pattern:
            fill("article_id_pattern", profile.article_id_pattern)
        extra = [p for p in (*COMMON_DENY, *profile.deny_patterns) if p not in self.deny_patterns]
        fill("deny_patterns", (*self.deny_patterns, *extra))
        chosen = self.selectors
        defaults = {
            "title": ", ".join(profile.title) or None,
            "published": ", ".join(profile.published) or None,
            "lead": ", ".join(profile.lead) or None,
            "body": profile.body[0] if profile.body else None,
            "author": ", ".join(profile.author) or None,
        }
        missing = {k: v for k, v in defaults.items() if v and getattr(chosen, k) is None}
        drop = chosen.drop or profile.drop
        fill("selectors", replace(chosen, **missing, drop=drop))

    @property
    def host(self) -> str:
        return urlsplit(self.origin).netloc

    @cached_property
    def _article_re(self) -> re.Pattern[str]:
        return re.compile(self.article_pattern)

    @cached_property
    def _listing_re(self) -> re.Pattern[str]:
        return re.compile(self.listing_pattern)

    @cached_property
    def _deny_res(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p) for p in self.deny_patterns)

    @cached_property
    def _article_id_re(self) -> re.Pattern[str] | None:
        return re.compile(self.article_id_pattern) if self.article_id_pattern else None

    def is_article(self, url: str) -> bool:
        return bool(self._article_re.search(path_and_query(url)))

    def is_listing(self, url: str) -> bool:
        return bool(self._listing_re.search(path_and_query(url)))

    def is_denied(self, url: str) -> bool:
        target = path_and_query(url)
        return any(r.search(target) for r in self._deny_res)

    def layout_at(self, fetched_at: str | None) -> tuple[str, Selectors]:
        """(layout name, selectors) valid for a page fetched at ``fetched_at`` (ISO 8601)."""
        if self.earlier_layouts and fetched_at:
            moment = datetime.fromisoformat(fetched_at)
            if moment.tzinfo is not None:
                moment = moment.astimezone(VIETNAM)
            day = moment.date().isoformat()
            for layout in sorted(self.earlier_layouts, key=lambda layout: layout.until):
                if day < layout.until:
                    return layout.name, layout.selectors
        return self.layout, self.selectors

    def to_json(self) -> str:
        """The declaration as JSON (the archive keeps the declarations ``crawl URL`` inferred)."""
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Portal:
        fields = json.loads(text)
        fields["selectors"] = _selectors(fields.get("selectors") or {})
        fields["earlier_layouts"] = tuple(
            Layout(layout["name"], layout["until"], _selectors(layout["selectors"]))
            for layout in fields.get("earlier_layouts") or ()
        )
        fields["revisit"] = Revisit(**(fields.get("revisit") or {}))
        tuples = {k: tuple(v) for k, v in fields.items() if isinstance(v, list)}
        return cls(**{**fields, **tuples})

    def article_key(self, url: str) -> str | None:
        """The portal's own article id in ``url``, if the portal declares one.

        The same article is often linked under several sections; the id tells the copies apart
        from different articles.
        """
        if self._article_id_re is None:
            return None
        match = self._article_id_re.search(path_and_query(url))
        return match.group("id") if match else None
