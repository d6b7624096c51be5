"""Undeclared pages of a known portal platform, read with the platform's usual selectors.

A page from a portal nobody declared (a web archive's capture, an imported WARC file, a portal
not yet added) that carries the fingerprints of a Vietnamese portal platform (crawler/platforms:
Liferay, SharePoint, NukeViet, WebForms, the "/portal/Pages/" portal) is read with the first of
that platform's usual body selectors that holds the article, as its declaration would read it;
title, date, lead and author likewise, each falling back to the generic layer. Platforms used
far beyond Vietnam's portals (WordPress, Joomla) and pages with a single fingerprint are left to
the generic layer: their markup says too little about where the article is.
"""

from __future__ import annotations

from functools import cache
from itertools import islice

import lxml.html
from lxml.cssselect import CSSSelector

from crawler.platforms import detect, get_platform
from crawler.portals import Selectors
from pipelines.extraction.legacy import VIETNAMESE_LETTERS

PORTAL_PLATFORMS = frozenset(["liferay", "sharepoint", "nukeviet", "webforms", "portal-pages"])
MIN_BODY = 20  # characters the body selector must hold on the page
MIN_FINGERPRINTS = 2
HTML_SCANNED = 200_000  # characters of the page the fingerprints are looked for in
MIN_VIETNAMESE_LETTERS = 5


def platform_selectors(html: str, doc: lxml.html.HtmlElement) -> tuple[str, Selectors] | None:
    """(platform name, its selectors) for a page of a known portal platform, or None."""
    # A page without a few letters only Vietnamese writes is no Vietnamese portal's, and its
    # fingerprints need not be looked for (that search costs ~5 ms on a large page).
    letters = VIETNAMESE_LETTERS.finditer(html, 0, HTML_SCANNED)
    if sum(1 for _ in islice(letters, MIN_VIETNAMESE_LETTERS)) < MIN_VIETNAMESE_LETTERS:
        return None
    name, evidence = detect(html[:HTML_SCANNED], [])
    if name not in PORTAL_PLATFORMS or len(evidence) < MIN_FINGERPRINTS:
        return None
    profile = get_platform(name)
    for body in profile.body:
        if any(len(e.text_content().strip()) >= MIN_BODY for e in _css(body)(doc)):
            return name, Selectors(
                title=", ".join(profile.title) or None,
                published=", ".join(profile.published) or None,
                lead=", ".join(profile.lead) or None,
                body=body,
                author=", ".join(profile.author) or None,
                drop=profile.drop,
            )
    return None


@cache
def _css(selector: str) -> CSSSelector:
    return CSSSelector(selector, translator="html")
