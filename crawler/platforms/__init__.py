"""Platform profiles: what every site of one CMS family shares.

Vietnamese portals run on a handful of platforms (shared/research/vn-portals.md §1). Sites of one
family share their trap URLs (print views, language switches, calendars), their pagination shapes
and usually their markup. One small module per family holds that, so that

* ``portal-archive add URL`` can tell a site's platform from its fingerprints and start from the
  family's usual selectors and traps, and
* a person declares a portal on a known platform in about five lines:
  ``Portal(id=..., name=..., province=..., origin=..., platform="liferay", ...)``: the profile
  fills the URL rules and selectors the declaration leaves out.

A profile is data, like a declaration; this module only finds and matches them.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import dataclass
from functools import cache

# Traps every platform has: printer-friendly copies, sending by e-mail, log-in and search
# forms, language switches, calendars whose day links never end, RSS/feeds as pages.
COMMON_DENY = (
    r"(?i)(viewmode=print|[?&/]print[=/.]|/in-bai|/pop_up/|/sendmail|/savefile)",
    r"(?i)(/dang-nhap|/login|/signin|/logout|/dang-ky\b|/register)",
    r"(?i)(/tim-kiem|/search|[?&](q|keyword|tukhoa)=)",
    r"(?i)((^|/)en(/|\.html|$)|[?&]lang=en|/en-us/|/english/)",
    r"(?i)(/lich-cong-tac|/lich-lam-viec|/calendar|[?&](month|year|date|ngay)=)",
)


@dataclass(frozen=True)
class Platform:
    """One CMS family. Fingerprints are regular expressions searched in a page's HTML;
    ``url_fingerprints`` in its links' paths. Selectors are tried in order, the first that
    holds text on a sample of the site wins (``add``); ``selectors`` are the defaults a
    five-line declaration gets."""

    name: str
    label: str
    fingerprints: tuple[str, ...] = ()
    url_fingerprints: tuple[str, ...] = ()
    deny_patterns: tuple[str, ...] = ()
    article_pattern: str | None = None
    article_id_pattern: str | None = None
    listing_pattern: str | None = None
    page_params: tuple[str, ...] = ()  # query parameters that number listing pages
    title: tuple[str, ...] = ()
    published: tuple[str, ...] = ()
    lead: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    author: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()
    notes: str = ""

    def evidence(self, html: str, paths: list[str]) -> list[str]:
        """The fingerprints of this family found on a page (its HTML and its links' paths)."""
        found = [p for p in self.fingerprints if any(b.search(html) for b in _branches(p))]
        found += [p for p in self.url_fingerprints if any(re.search(p, path) for path in paths)]
        return found


_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")


@cache
def _branches(pattern: str) -> tuple[re.Pattern[str], ...]:
    """``pattern`` cut at its top-level ``|``, each branch compiled with the pattern's leading
    flags: found where any branch is, and much faster on a whole page, as a branch that starts
    with a literal is searched for as a string (extraction asks this of every undeclared page)."""
    flags = _FLAGS.match(pattern)
    prefix = flags.group(0) if flags else ""
    body = pattern[len(prefix) :]
    parts, depth, start, index, in_class = [], 0, 0, 0, False
    while index < len(body):
        char = body[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char in "()":
            depth += 1 if char == "(" else -1
        elif char == "|" and depth == 0:
            parts.append(body[start:index])
            start = index + 1
        index += 1
    parts.append(body[start:])
    return tuple(re.compile(prefix + part) for part in parts)


def all_platforms() -> dict[str, Platform]:
    """Every profile, by name (each module of this package defining ``PLATFORM``)."""
    return _load()


@cache
def _load() -> dict[str, Platform]:
    found: dict[str, Platform] = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        platform = module.PLATFORM
        found[platform.name] = platform
    return dict(sorted(found.items()))


def get_platform(name: str) -> Platform:
    try:
        return all_platforms()[name]
    except KeyError:
        known = ", ".join(all_platforms())
        raise ValueError(f"unknown platform {name!r} (known: {known})") from None


def detect(html: str, paths: list[str]) -> tuple[str, list[str]]:
    """(platform name or "unknown", the fingerprints that decided it). The family with the
    most fingerprints found wins; ties go to the first by name, so the answer never varies."""
    best, evidence = "unknown", list[str]()
    for platform in all_platforms().values():
        found = platform.evidence(html, paths)
        if len(found) > len(evidence):
            best, evidence = platform.name, found
    return best, evidence
