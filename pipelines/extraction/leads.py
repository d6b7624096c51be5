"""The lead (sapo) of a page no declaration describes: a block its class marks as the lead, or
a first paragraph set wholly in bold, as portals print theirs.
"""

from __future__ import annotations

import re

import lxml.etree
import lxml.html

from pipelines.extraction.classes import Classed, with_class
from pipelines.extraction.html import clean_line, element_lines

_LEAD_WORDS = ("sapo", "description", "lead", "summary", "chapo", "tomtat")


def _marked_as_lead(element: lxml.html.HtmlElement) -> bool:
    """A ``.sapo`` paragraph, block or heading, a ``p.description`` or ``h2.description``, a
    ``.lead``, ``.summary``, ``.chapo`` or ``.tomtat``."""
    marks, tag = element.get("class", ""), element.tag
    words = marks.split()
    return (
        ("sapo" in marks and tag in ("p", "div", "h2"))
        or ("description" in words and tag in ("p", "h2"))
        or any(word in ("lead", "summary", "chapo") for word in words)
        or "tomtat" in marks
    )


def generic_lead(classed: Classed) -> str:
    """The lead (sapo) a page marks with its class: VnExpress's ``p.description``, portals'
    ``.sapo``, ``.tomtat``; one short paragraph, else none."""
    candidates = with_class(classed, *_LEAD_WORDS)
    for element in [e for e in candidates if _marked_as_lead(e)][:3]:
        text = clean_line(" ".join(element_lines(element)))
        if 40 <= len(text) <= 800:
            return text
    return ""


_PARAGRAPH_READING = lxml.etree.XPath("//p[normalize-space(.) = $text]")
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(?:bold|[6-9]00)", re.IGNORECASE)


def bold_paragraph(doc: lxml.html.HtmlElement, line: str) -> bool:
    """Whether ``line`` is a lead-sized paragraph of the page set wholly in bold (in
    ``<strong>`` or ``<b>``, or styled so)."""
    if not 40 <= len(line) <= 800:
        return False
    for paragraph in _PARAGRAPH_READING(doc, text=line):
        if _BOLD_STYLE.search(paragraph.get("style") or ""):
            return True
        bold = "".join(t for b in paragraph.iter("strong", "b") for t in b.itertext())
        if len(bold.split()) >= len(paragraph.text_content().split()):
            return True
    return False
