"""The page's elements that carry a class attribute, found once per page.

The generic layer finds leads, tag boxes, breadcrumbs, author marks and navigation chrome by
words in class attributes. Asked as XPath (``//*[contains(@class, 'sapo') or …]``), each of
those searches walks the whole page and tests every element: 0.6 to 2 ms each on a large page.
The elements with a class are found once (~0.5 ms) and each search is then a substring test on
their class strings, in page order as XPath gives them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

import lxml.etree
import lxml.html

Classed = list[tuple[lxml.html.HtmlElement, str]]
_CLASSED = lxml.etree.XPath("//*[@class]")


def classed_elements(doc: lxml.html.HtmlElement) -> Classed:
    """Every element of ``doc`` with a class attribute, and that attribute, in page order."""
    return [(element, element.get("class")) for element in _CLASSED(doc)]


def with_class(classed: Classed, *words: str) -> list[lxml.html.HtmlElement]:
    """The elements whose class attribute contains one of ``words`` (XPath's ``contains``)."""
    search = any_of(*words)
    return [element for element, classes in classed if search(classes)]


@cache
def any_of(*words: str) -> Callable[[str], re.Match[str] | None]:
    """One search for all of ``words`` in an attribute's value, what XPath's ``contains(@x, 'a')
    or contains(@x, 'b')`` asks: a test per word per element costs more in Python."""
    return re.compile("|".join(map(re.escape, words))).search
