"""What one page says of itself: its running text, and whether it is an article."""

from __future__ import annotations

import re

import lxml.html

from crawler.inference.probe import Page

ARTICLE_PROSE = 400  # characters of running text (pieces of 60 or more) that make an article
SKIP = frozenset(["script", "style", "noscript", "head", "title", "meta", "link", "iframe"])
_SPACE = re.compile(r"\s+")


def text_pieces(doc: lxml.html.HtmlElement) -> list[tuple[lxml.html.HtmlElement, str]]:
    """Every piece of text of the page not inside a link, with the element holding it."""
    found = []
    for element in doc.iter():
        if not isinstance(element.tag, str) or element.tag in SKIP:
            continue
        in_link = element.tag == "a" or any(a.tag == "a" for a in element.iterancestors())
        if element.text and not in_link and element.tag not in SKIP:
            text = _SPACE.sub(" ", element.text).strip()
            if text:
                found.append((element, text))
        parent = element.getparent()
        if element.tail and parent is not None and parent.tag not in SKIP:
            parent_in_link = parent.tag == "a" or any(a.tag == "a" for a in parent.iterancestors())
            text = _SPACE.sub(" ", element.tail).strip()
            if text and not parent_in_link:
                found.append((parent, text))
    return found


def is_article(page: Page) -> bool:
    if page.doc is None:
        return False
    for meta in page.doc.iter("meta"):
        if meta.get("property") == "og:type" and meta.get("content") == "article":
            return True
    prose = listed = 0
    for holder, text in text_pieces(page.doc):
        if len(text) >= 60:
            prose += len(text)
            parent = holder.getparent()
            if _titled_link(holder) or (parent is not None and _titled_link(parent)):
                listed += len(text)
    # A listing's summaries are prose too, but each sits beside its article's link.
    return prose - listed >= ARTICLE_PROSE


def _titled_link(element: lxml.html.HtmlElement) -> bool:
    return any(len(" ".join(a.text_content().split())) >= 25 for a in element.iter("a"))
