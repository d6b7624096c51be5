"""Images of an article body with their captions.

Captions on Vietnamese portals sit in a ``figcaption``, in a table cell under the image, in an
``em``/``i`` next to it, or in a centred paragraph right after it. They belong to the image, not
to the body text; alt text (often the article title again) never becomes body text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urljoin

import lxml.etree
import lxml.html

from pipelines.extraction.html import clean_line, element_lines

MAX_CAPTION = 300
_QUOTED = re.compile(r'^["“„«].*["”»]$', re.DOTALL)
_CAPTION_CLASS = re.compile(r"caption|chuthich|chu-thich|desc", re.IGNORECASE)


_PAGE_IMAGES = lxml.etree.XPath(
    "//body//img[not(ancestor::header or ancestor::nav or ancestor::footer or ancestor::aside)]"
)


def body_images(
    elements: list[lxml.html.HtmlElement], base_url: str
) -> list[dict[str, str | None]]:
    """The images inside ``elements`` (a declared body), with their captions."""
    return _described((img for element in elements for img in element.iter("img")), base_url)


def page_images(
    doc: lxml.html.HtmlElement, base_url: str, centred_captions: bool = True
) -> list[dict[str, str | None]]:
    """The images of a page outside its header, navigation, footer and asides.

    ``centred_captions``: a centred paragraph by an image is its caption, as on Vietnamese
    portals; elsewhere it is as often the text itself (a quotation, a review, a recipe's line
    under its picture), and only marked captions count (figure, caption class, italics, a
    table cell)."""
    return _described(_PAGE_IMAGES(doc), base_url, centred_captions)


def _described(
    imgs: Iterable[lxml.html.HtmlElement], base_url: str, centred_captions: bool = True
) -> list[dict[str, str | None]]:
    images: list[dict[str, str | None]] = []
    seen: set[str] = set()
    for img in imgs:
        src = (img.get("data-src") or img.get("src") or "").strip()
        if not src or src.startswith("data:"):
            continue
        absolute = urljoin(base_url, src)
        if absolute in seen:
            continue
        seen.add(absolute)
        images.append(
            {
                "src": absolute,
                "alt": clean_line(img.get("alt") or "") or None,
                "caption": caption_of(img, centred_captions),
            }
        )
    return images


def caption_of(img: lxml.html.HtmlElement, centred: bool = True) -> str | None:
    """The caption of ``img``, if it has one; a quotation by a picture (a review, a saying) is
    text, not its caption."""
    caption = _caption(img, centred)
    return None if caption and _QUOTED.match(caption) else caption


def _caption(img: lxml.html.HtmlElement, centred: bool) -> str | None:
    for ancestor in img.iterancestors():
        if ancestor.tag == "figure":
            found = ancestor.find(".//figcaption")
            return _short(found) if found is not None else None
        if ancestor.tag == "table":
            # A small layout table holding an image and its caption cell.
            if len(ancestor.findall(".//tr")) > 3:
                return None
            return _short(ancestor)
        if ancestor.tag in ("p", "div", "span", "a", "center"):
            for italic in ancestor.iter("em", "i"):
                if _short(italic):
                    return _short(italic)
            if _looks_like_caption(ancestor, centred) and _short(ancestor):
                return _short(ancestor)
            sibling = ancestor.getnext()
            if sibling is not None and _looks_like_caption(sibling, centred):
                return _short(sibling)
            if ancestor.tag != "a":
                return None
    return None


def _looks_like_caption(element: lxml.html.HtmlElement, centred_counts: bool = True) -> bool:
    if _CAPTION_CLASS.search(element.get("class") or ""):
        return True
    style = (element.get("style") or "").replace(" ", "").lower()
    centred = "text-align:center" in style or (element.get("align") or "").lower() == "center"
    children = [c for c in element if isinstance(c.tag, str)]
    italic = (
        len(children) == 1 and children[0].tag in ("em", "i") and not (element.text or "").strip()
    )
    return (centred and centred_counts) or italic


def _short(element: lxml.html.HtmlElement) -> str | None:
    text = " ".join(element_lines(element))
    return text if 0 < len(text) <= MAX_CAPTION else None
