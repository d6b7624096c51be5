"""CSS selectors for one element of a page, simplest first, and matching them.

An id when it is not generated (``ctl00_…_lblNoiDung`` gives ``[id$=lblNoiDung]``), a class, all
its classes, then a parent's id or class: what a person would write, and what holds on other
pages of the same template.
"""

from __future__ import annotations

import re

import lxml.html
from lxml.cssselect import CSSSelector

_GENERATED = re.compile(r"\d{3,}|[0-9a-f]{8}-[0-9a-f]{4}|^ctl\d+$|^_")
_SPACE = re.compile(r"\s+")


def text_of(element: lxml.html.HtmlElement) -> str:
    return _SPACE.sub(" ", element.text_content()).strip()


def first_match(doc: lxml.html.HtmlElement, selector: str | None) -> lxml.html.HtmlElement | None:
    if not selector:
        return None
    found = css(selector)(doc)
    with_text = [e for e in found if text_of(e)]
    return (with_text or found or [None])[0]


_COMPILED: dict[str, CSSSelector] = {}


def css(selector: str) -> CSSSelector:
    if selector not in _COMPILED:
        _COMPILED[selector] = CSSSelector(selector, translator="html")
    return _COMPILED[selector]


def candidates(element: lxml.html.HtmlElement) -> list[str]:
    """Selectors for ``element``, simplest first."""
    tag = element.tag
    found = []
    ident = element.get("id") or ""
    if ident:
        suffix = ident.rsplit("_", 1)[-1]
        if "_" in ident and len(suffix) >= 4 and not _GENERATED.search(suffix):
            found.append(f"[id$={suffix}]")
        elif not _GENERATED.search(ident) and re.fullmatch(r"[A-Za-z][\w-]*", ident):
            found.append(f"#{ident}")
    classes = sorted(
        c
        for c in (element.get("class") or "").split()
        if re.fullmatch(r"[A-Za-z][\w-]*", c) and not _GENERATED.search(c)
    )
    found += [f"{tag}.{c}" for c in classes]
    if len(classes) > 1:
        found.append(f"{tag}." + ".".join(classes))
    parent = element.getparent()
    opening = parent.getparent() if parent is not None and parent.tag == "p" else None
    if tag in ("strong", "b") and opening is not None:
        if next((c for c in opening if isinstance(c.tag, str)), None) is parent:
            found += [f"{outer} > p:first-child > {tag}" for outer in plain_candidates(opening)]
    if parent is not None:
        for outer in plain_candidates(parent):
            found.append(f"{outer} > {tag}")
    return found


def plain_candidates(element: lxml.html.HtmlElement) -> list[str]:
    ident = element.get("id") or ""
    found = (
        [f"#{ident}"]
        if ident and re.fullmatch(r"[A-Za-z][\w-]*", ident) and not _GENERATED.search(ident)
        else []
    )
    classes = sorted(
        c
        for c in (element.get("class") or "").split()
        if re.fullmatch(r"[A-Za-z][\w-]*", c) and not _GENERATED.search(c)
    )
    return found + [f"{element.tag}.{c}" for c in classes]
