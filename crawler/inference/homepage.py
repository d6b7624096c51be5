"""What a site's start page says of it: its name, its feeds, and its template's fingerprint."""

from __future__ import annotations

import re

from crawler.inference.probe import Page
from crawler.urls import path_and_query


def feeds_of(home: Page) -> tuple[str, ...]:
    if home.doc is None:
        return ()
    found = []
    for link in home.doc.iter("link"):
        if "alternate" in (link.get("rel") or "") and "xml" in (link.get("type") or ""):
            href = link.get("href") or ""
            path = path_and_query(href) if "//" in href else href
            if path.startswith("/"):
                found.append(path)
    return tuple(dict.fromkeys(found))


def site_name(home: Page) -> str | None:
    if home.doc is None:
        return None
    for meta in home.doc.iter("meta"):
        if meta.get("property") == "og:site_name" and meta.get("content"):
            return str(meta.get("content")).strip()
    title = home.doc.find(".//title")
    text = " ".join(title.text_content().split()) if title is not None else ""
    first, separator, rest = text.partition(" - ")
    if separator and first.casefold() in ("trang chủ", "trang chu", "home", "trang nhất"):
        text = rest  # "Trang chủ - <the site's name>"
    return text[:120] or None


def template_fingerprint(html: str) -> str:
    """The class names a page's template uses, sorted: two fingerprints far apart mean the site
    was redesigned (``crawl URL`` then learns it again)."""
    classes = set(re.findall(r'class="([^"]+)"', html))
    names = sorted({c for value in classes for c in value.split() if not re.search(r"\d{3,}", c)})
    return " ".join(names)


def fingerprint_similarity(a: str, b: str) -> float:
    first, second = set(a.split()), set(b.split())
    if not first and not second:
        return 1.0
    return len(first & second) / len(first | second)
