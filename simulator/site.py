"""A simulated portal: its articles over time, its fate, its faults.

The simulator's clock decides what a site shows: articles appear when their publication time
passes (newest first on listings), some are edited or removed later, and after a fate date the
site goes dark, redirects to the province or freezes behind a notice. Faults are injected per
path on demand, each for a number of requests.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from pipelines.extraction.dates import VIETNAM
from simulator.content import SimArticle

if TYPE_CHECKING:
    from simulator.families import Family

FAULT_KINDS = ("status", "slow", "drop", "truncate", "gzip_bomb", "link_flood")


@dataclass
class Fault:
    """Misbehaviour on paths matching ``path`` (a regex), for ``times`` requests (None: always).

    kinds: ``status`` (answer ``status``, with Retry-After if ``retry_after`` is set), ``slow``
    (wait ``delay`` seconds first), ``drop`` (close the connection without answering),
    ``truncate`` (announce the full length, send half), ``gzip_bomb`` (a small gzip body that
    inflates to hundreds of megabytes), ``link_flood`` (a 20 MB page of as many links as fit,
    each ``link_prefix`` + a number + ``.html``).
    """

    path: str
    kind: str
    status: int = 503
    retry_after: int | None = None
    delay: float = 0.0
    times: int | None = None
    link_prefix: str = "/flood/"
    hits: int = 0

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r} (known: {', '.join(FAULT_KINDS)})")
        re.compile(self.path)

    def applies(self, path: str) -> bool:
        if self.times is not None and self.hits >= self.times:
            return False
        if re.search(self.path, path):
            self.hits += 1
            return True
        return False


@dataclass(frozen=True)
class Fate:
    """What happens to a site at ``at``: ``dark``, ``redirect`` (to ``target``) or ``frozen``."""

    kind: str
    at: datetime
    target: str | None = None


@dataclass
class Site:
    key: str
    host: str
    name: str
    family: Family
    articles: list[SimArticle]
    sections: list[tuple[str, str]]  # (slug, name); articles carry the section name
    fate: Fate | None = None
    encoding: str = "utf-8"
    declared_charset: str | None = None  # None: declare what is sent
    page_size: int = 10
    edits: dict[int, datetime] = field(default_factory=dict)
    removals: dict[int, tuple[datetime, int]] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    options: dict[str, object] = field(default_factory=dict)
    # The simulator's clock, for page parts that depend on time (a redesign, say).
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(VIETNAM), repr=False)
    # What readers see, per (clock, section), and the articles by id: a 100,000-article site
    # would otherwise sort its whole history for every page served. Both are rebuilt when the
    # number of articles, edits or removals changes (tests and benches add and clear them).
    _views: dict[tuple[datetime, str | None], list[SimArticle]] = field(
        default_factory=dict, repr=False
    )
    _by_id: dict[int, SimArticle] = field(default_factory=dict, repr=False)
    _indexed_sizes: tuple[int, int, int] = field(default=(-1, -1, -1), repr=False)

    def schedule_changes(self, rng: random.Random, edit_share: float, remove_share: float) -> None:
        """Pick the articles that will be edited or removed, and when."""
        for article in self.articles:
            if article.seed:
                continue
            roll = rng.random()
            if roll < edit_share:
                self.edits[article.id] = article.published + timedelta(days=rng.randint(1, 30))
            elif roll < edit_share + remove_share:
                when = article.published + timedelta(days=rng.randint(2, 60))
                self.removals[article.id] = (when, rng.choice((404, 410)))

    def state(self, now: datetime) -> str:
        if self.fate and now >= self.fate.at:
            return self.fate.kind
        return "alive"

    def visible(self, now: datetime, section: str | None = None) -> list[SimArticle]:
        """Articles a reader sees at ``now``, newest first (callers must not modify the list)."""
        self._refresh_index()
        key = (now, section)
        cached = self._views.get(key)
        if cached is None:
            if len(self._views) > 64:
                self._views.clear()
            cached = self._views[key] = self._visible(now, section)
        return cached

    def _visible(self, now: datetime, section: str | None) -> list[SimArticle]:
        if section is not None:
            return [a for a in self.visible(now) if a.section == section]
        shown = [
            self.version(a, now)
            for a in self.articles
            if a.published <= now and self.removal(a.id, now) is None
        ]
        if self.fate and self.fate.kind == "frozen":
            shown = [a for a in shown if a.published < self.fate.at]
        return sorted(shown, key=lambda a: (a.published, a.id), reverse=True)

    def find(self, article_id: int, now: datetime) -> tuple[SimArticle | None, int]:
        """The article as shown at ``now`` and the HTTP status it is served with."""
        self._refresh_index()
        article = self._by_id.get(article_id)
        if article is None or article.published > now:
            return None, 404
        removed = self.removal(article_id, now)
        if removed is not None:
            return None, removed
        return self.version(article, now), 200

    def _refresh_index(self) -> None:
        sizes = (len(self.articles), len(self.edits), len(self.removals))
        if self._indexed_sizes != sizes:
            by_id: dict[int, SimArticle] = {}
            for article in self.articles:
                by_id.setdefault(article.id, article)  # the first of a repeated id, as before
            self._by_id = by_id
            self._views = {}
            self._indexed_sizes = sizes

    def version(self, article: SimArticle, now: datetime) -> SimArticle:
        edited_at = self.edits.get(article.id)
        return article.edited() if edited_at is not None and now >= edited_at else article

    def modified_at(self, article: SimArticle, now: datetime) -> datetime:
        """When the article as shown at ``now`` last changed: what a sitemap's <lastmod> says."""
        edited_at = self.edits.get(article.id)
        return edited_at if edited_at is not None and now >= edited_at else article.published

    def removal(self, article_id: int, now: datetime) -> int | None:
        removed = self.removals.get(article_id)
        return removed[1] if removed is not None and now >= removed[0] else None

    def encode(self, html: str) -> bytes:
        if self.encoding == "windows-1258":
            return to_cp1258(html)
        return html.encode(self.encoding, errors="xmlcharrefreplace")

    @property
    def charset_header(self) -> str:
        return self.declared_charset or self.encoding


_TONES = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """windows-1258 has precomposed base letters (â, ơ…) but only combining tone marks."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        decomposed = unicodedata.normalize("NFD", char)
        base = "".join(c for c in decomposed if c not in _TONES)
        tones = "".join(c for c in decomposed if c in _TONES)
        out.append(unicodedata.normalize("NFC", base) + tones)
    return "".join(out).encode("cp1258", errors="xmlcharrefreplace")
