"""trafilatura's pruning expressions, answered by walks over the tree inside our extraction.

trafilatura finds the page's body and the blocks it prunes with XPath expressions that test
every element's ``id`` and ``class`` with EXSLT regular expressions: libxml2 calls back into
Python for each test of each element. On the trafilatura and Scrapinghub benchmarks those
expressions were a quarter of its time (~7 ms of a 28 ms page, bench/extraction.py). Walking the
elements of the right tags in Python and testing their attributes with the same regular
expressions finds the same elements in a fraction of that.

Each walk is written for one expression's exact text: the text is compared at import with the
one the walk was written for, and the walk's regular expressions are read from it, so none of
trafilatura's vocabulary is copied here. A walk answers only inside :func:`walking` (the
generic extraction); everywhere else, and for any expression whose text is not the one its walk
was written for (another trafilatura version), trafilatura's own XPath answers.
tests/test_extraction_walks.py holds every walk to its expression, element for element, on every
call trafilatura makes while extracting the benchmark pages.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import lxml.etree
import lxml.html
from trafilatura import xpaths

Search = Callable[[str], "re.Match[str] | None"]
Walk = Callable[[lxml.html.HtmlElement, Sequence[Search]], list[lxml.html.HtmlElement]]

_WALKING: ContextVar[bool] = ContextVar("walking", default=False)
_RE_TEST = re.compile(r"re:test\([^,]+,\s*'([^']*)'(?:,\s*'([^']*)')?\)")
BLOCKS = ("div", "item", "list", "p", "section", "span")
CONTAINERS = ("article", "div", "main", "section")


def _first_of(element: lxml.html.HtmlElement, first: str, second: str) -> str:
    """XPath's ``string(@a|@b)``: the value of whichever attribute comes first in the source
    (trafilatura's ``re:test(@id|@class, …)`` tests only that one)."""
    one, other = element.get(first), element.get(second)
    if one is None:
        return other or ""
    if other is None:
        return one
    keys = element.keys()
    return one if keys.index(first) < keys.index(second) else other


def _body_articles(tree: lxml.html.HtmlElement, searches: Sequence[Search]) -> list[Any]:
    """``.//*[container][known body marks][1]``: per parent, its first child that matches."""
    by_id, by_class = searches
    found, parents = [], set()
    for element in tree.iterdescendants(CONTAINERS):
        get = element.get
        id_, class_ = get("id") or "", get("class")
        if (
            class_ in ("post", "entry")
            or get("itemprop") == "articleBody"
            or id_ == "articleContent"
            or by_id(id_)
            or by_class(class_ or "")
        ):
            parent = element.getparent()
            if parent not in parents:
                parents.add(parent)
                found.append(element)
    return found


def _body_stories(tree: lxml.html.HtmlElement, searches: Sequence[Search]) -> list[Any]:
    """``(.//*[container][story marks])[1]``."""
    by_id, fulltext, by_class = searches
    for element in tree.iterdescendants(CONTAINERS):
        get = element.get
        id_, class_ = get("id") or "", get("class") or ""
        if (
            get("role") == "article"
            or id_ in ("article", "story")
            or class_ in ("postarea", "art-postcontent", "text", "cell", "story")
            or by_id(id_)
            or fulltext(class_)
            or by_class(class_)
        ):
            return [element]
    return []


def _body_main(tree: lxml.html.HtmlElement, searches: Sequence[Search]) -> list[Any]:
    """``(.//*[container][main-content marks])[1]``."""
    by_id, by_class = searches
    for element in tree.iterdescendants(CONTAINERS):
        get = element.get
        id_, class_ = get("id") or "", get("class") or ""
        if (
            id_ == "content"
            or class_ == "content"
            or by_id(id_)
            or by_class(class_)
            or "main-content" in id_.replace("C", "c").replace("M", "m")
            or "main-content" in class_.replace("C", "c").replace("M", "m")
            or "page-content" in class_.replace("C", "c").replace("P", "p")
        ):
            return [element]
    return []


def _infinite_scroll(tree: lxml.html.HtmlElement, searches: Sequence[Search]) -> list[Any]:
    """Appended-article containers, unless they hold the page's h1 (and are not mvp boxes)."""
    scroll_id, scroll_class, mvp_id, mvp_class = searches
    found = []
    for element in tree.iterdescendants("div", "section", "aside"):
        id_, class_ = element.get("id") or "", element.get("class") or ""
        if (scroll_id(id_) or scroll_class(class_)) and (
            next(element.iterdescendants("h1"), None) is None or mvp_id(id_) or mvp_class(class_)
        ):
            found.append(element)
    return found


def _share_buttons(tree: lxml.html.HtmlElement, searches: Sequence[Search]) -> list[Any]:
    return [
        element
        for element in tree.iterdescendants("div", "section", "aside")
        if "elementor-share-buttons" in (element.get("class") or "")
    ]


def _comments(tree: lxml.html.HtmlElement, searches: Sequence[Search]) -> list[Any]:
    """Comment containers (div, list, section, details)."""
    by_id, by_class = searches
    return [
        element
        for element in tree.iterdescendants("div", "list", "section", "details")
        if by_id(element.get("id") or "") or by_class(element.get("class") or "")
    ]


def _comments_and_lists(tree: lxml.html.HtmlElement, searches: Sequence[Search]) -> list[Any]:
    """Comment containers, and ol/ul lists of comments."""
    by_id, by_class, list_id, list_class = searches
    found = []
    for element in tree.iterdescendants("div", "list", "section", "details", "ol", "ul"):
        id_, class_ = element.get("id") or "", element.get("class") or ""
        if (by_id(id_) or by_class(class_)) and (
            element.tag not in ("ol", "ul") or list_id(id_) or list_class(class_)
        ):
            found.append(element)
    return found


def _overall_blocks(tree: lxml.html.HtmlElement, searches: Sequence[Search]) -> list[Any]:
    """Navigation, sharing, ads, footers, bylines… by role, id and class."""
    cookie, by_id, by_class = searches
    found = []
    for element in tree.iterdescendants(BLOCKS):
        get = element.get
        if (
            by_class(get("class") or "")
            or by_id(get("id") or "")
            or get("data-lp-replacement-content") is not None
            or "nav" in (get("role") or "").replace("N", "n")
            or "MostPopularStories" in (get("data-component") or "")
            or cookie(_first_of(element, "id", "class"))
        ):
            found.append(element)
    return found


def _overall_hidden(tree: lxml.html.HtmlElement, searches: Sequence[Search]) -> list[Any]:
    """Hidden elements and comment furniture, of any tag."""
    hidden, by_id, by_class = searches
    found = []
    for element in tree.iterdescendants(lxml.etree.Element):
        get = element.get
        class_, style = get("class"), get("style") or ""
        if (
            class_ == "comments-title"
            or by_class(class_ or "")
            or by_id(get("id") or "")
            or get("aria-hidden") == "true"
            or "display:none" in style
            or "display: none" in style
            or _first_of(element, "id", "class").startswith("reply-")
            or hidden(_first_of(element, "id", "style"))
        ):
            found.append(element)
    return found


def _blocks_marked(word: str, capital: str = "") -> Walk:
    """``.//*[block][contains(translate(@id, C, c), word) or contains(translate(@class, …))]``:
    blocks whose id or class holds ``word``, ``capital`` read as its lower case."""
    fold = str.maketrans(capital, capital.lower())

    def walk(tree: lxml.html.HtmlElement, searches: Sequence[Search]) -> list[Any]:
        return [
            element
            for element in tree.iterdescendants(BLOCKS)
            if word in (element.get("id") or "").translate(fold)
            or word in (element.get("class") or "").translate(fold)
        ]

    return walk


def _bottoms_and_links(tree: lxml.html.HtmlElement, searches: Sequence[Search]) -> list[Any]:
    bottom, link = searches
    found = []
    for element in tree.iterdescendants(BLOCKS):
        first = _first_of(element, "id", "class")
        if bottom(first) or link(first) or "border" in (element.get("style") or ""):
            found.append(element)
    return found


# (list in trafilatura.xpaths, index): (SHA-256 of the expression's text, whitespace normalised,
# first 16 digits; its walk). The text is trafilatura 2.3.1's.
WALKS: dict[tuple[str, int], tuple[str, Walk]] = {
    ("BODY_XPATH", 0): ("8cab6e6e5b503a8d", _body_articles),
    ("BODY_XPATH", 2): ("3ac5a80dac974e64", _body_stories),
    ("BODY_XPATH", 3): ("a3befe41db4d28b9", _body_main),
    ("RAW_TREE_PRUNE_XPATH", 0): ("77023cff86242dc8", _infinite_scroll),
    ("RAW_TREE_PRUNE_XPATH", 1): ("3c7afe92279543d5", _share_buttons),
    ("REMOVE_COMMENTS_AND_LISTS_XPATH", 0): ("ec1083e558ae70c0", _comments_and_lists),
    ("REMOVE_COMMENTS_XPATH", 0): ("853775ab53d61b26", _comments),
    ("OVERALL_DISCARD_XPATH", 0): ("d9e4b7d7125b4838", _overall_blocks),
    ("OVERALL_DISCARD_XPATH", 1): ("9abb7217d588fd5a", _overall_hidden),
    ("TEASER_DISCARD_XPATH", 0): ("50f9c0568a62e759", _blocks_marked("teaser", "T")),
    ("PRECISION_DISCARD_XPATH", 1): ("e73d179956bb857e", _bottoms_and_links),
    ("DISCARD_IMAGE_ELEMENTS", 0): ("271b5ef29bbc5bf0", _blocks_marked("caption")),
}


class WalkOrXPath:
    """Stands for an expression in trafilatura's lists: its walk inside :func:`walking`, the
    expression itself elsewhere."""

    def __init__(self, xpath: Any, walk: Walk, searches: Sequence[Search]) -> None:
        self.xpath, self.walk, self.searches = xpath, walk, searches

    def __call__(self, tree: lxml.html.HtmlElement, **variables: Any) -> Any:
        if _WALKING.get() and not variables:
            return self.walk(tree, self.searches)
        return self.xpath(tree, **variables)


def install() -> list[tuple[str, int]]:
    """Put a :class:`WalkOrXPath` in trafilatura's expression lists (the lists its modules
    share) where the expression's text is the one the walk was written for; return where."""
    installed = []
    for (name, index), (digest, walk) in WALKS.items():
        expressions = getattr(xpaths, name, [])
        if index >= len(expressions):
            continue  # another trafilatura, without this expression
        expression = expressions[index]
        if isinstance(expression, WalkOrXPath):
            installed.append((name, index))
            continue
        text = " ".join(str(getattr(expression, "path", "")).split())
        if hashlib.sha256(text.encode()).hexdigest()[:16] != digest:
            continue  # another trafilatura: its own entry answers
        searches = [
            re.compile(pattern, re.IGNORECASE if "i" in flags else 0).search
            for pattern, flags in _RE_TEST.findall(text)
        ]
        expressions[index] = WalkOrXPath(expression, walk, searches)
        installed.append((name, index))
    return installed


INSTALLED = install()


@contextmanager
def walking() -> Iterator[None]:
    """Within this block (this thread or task only), trafilatura's expressions that have a walk
    are answered by it."""
    token = _WALKING.set(True)
    try:
        yield
    finally:
        _WALKING.reset(token)
