"""What a page says of itself in its metadata, for pages no declaration describes.

Title and author from ``<meta>`` (Open Graph, Twitter, Dublin Core, ``name=author``), JSON-LD
(``headline``, ``author``), then the page's elements (a lone ``<h1>``, ``rel=author``,
``.byline``), read with trafilatura's metadata functions, in the order its ``extract_metadata``
uses them, without the date search that function also runs (htmldate, the slow part; the date
is found by pipelines.extraction.dates and core). Measured on trafilatura's evaluation corpus
(bench/extraction.py), the titles and authors match or beat ``extract_metadata``'s.

The author elements are those trafilatura's ``extract_author`` looks for (``AUTHOR_XPATHS``,
``AUTHOR_DISCARD_XPATHS`` in trafilatura.xpaths), found in one walk over the page instead of
five XPath evaluations and a pruned copy of the page (see ``author_elements``).
"""

from __future__ import annotations

from dataclasses import dataclass

import lxml.etree
import lxml.html
from trafilatura.json_metadata import normalize_authors
from trafilatura.metadata import examine_meta, extract_meta_json, extract_title
from trafilatura.utils import trim

from pipelines.extraction.classes import any_of


@dataclass(frozen=True)
class PageMetadata:
    title: str | None
    authors: list[str]


def page_metadata(doc: lxml.html.HtmlElement) -> PageMetadata:
    """The page's own title and authors (several authors come as "A; B")."""
    try:
        metadata = examine_meta(doc)
        if metadata.author and " " not in metadata.author.strip():
            metadata.author = None  # one word in a meta tag: a handle or the site, as a rule
        metadata = extract_meta_json(doc, metadata)  # JSON-LD's author is taken as it is
    except Exception:  # noqa: BLE001 - trafilatura's JSON-LD reader has bugs of its own
        return PageMetadata(None, [])
    title = " ".join((metadata.title or extract_title(doc) or "").split()) or None
    author = metadata.author or page_author(doc)
    if not author or author.startswith(("http://", "https://")):
        return PageMetadata(title, [])
    return PageMetadata(title, [part.strip() for part in author.split(";") if part.strip()][:5])


# trafilatura.xpaths.AUTHOR_XPATHS, read in one walk over the page (see author_elements).
_TAGS_BY_NAME = frozenset("a address div link p span strong".split())
_TAGS_BY_CLASS = frozenset("a div h3 h4 p span".split())
_EXACT_CLASSES = frozenset(("byline", "username", "byl", "BBL"))


_NAME_CLASSES = any_of("authorname", "author-name", "AuthorName", "authorName")
_AUTHOR_IDS = any_of("author", "zuozhe", "bianji", "xiaobian")
_AUTHOR_CLASSES = any_of(
    *("author", "channel-name", "zuozhe", "bianji", "xiaobian", "submitted-by", "posted-by"),
    "journalist-name",
)
_ANY_IDS = any_of("Author", "author")
_ANY_CLASSES = any_of("Author", "author", "screenname", "writer", "Byline", "byline")
# trafilatura.xpaths.AUTHOR_DISCARD_XPATHS: comments, sidebars, titles, dates, figures.
_DISCARD_TAGS = frozenset("a div section span".split())
_DISCARD_IDS = any_of("commentlist", "comment-list", "ProductReviews")
_DISCARD_CLASSES = any_of(
    *("commentlist", "comments-list", "sidebar", "is-hidden", "quote", "embedly-instagram"),
    *("article-share", "article-support", "print", "category", "meta-date", "meta-reviewer"),
)
# Every word the tests above look for in a class or id, and the other attributes they read.
_ANY_WORD = any_of(
    *("author", "Author", "channel-name", "zuozhe", "bianji", "xiaobian", "submitted-by"),
    *("posted-by", "journalist-name", "screenname", "writer", "Byline", "byl", "username"),
    *("BBL", "comments", "Comments", "commentlist", "comment-list", "ProductReviews"),
    *("comments-list", "sidebar", "is-hidden", "quote", "embedly-instagram", "article-share"),
    *("article-support", "print", "category", "meta-date", "meta-reviewer", "title", "date"),
)
_RARE_ATTRIBUTES = frozenset(("rel", "itemprop", "data-testid", "data-component"))


def author_elements(
    doc: lxml.html.HtmlElement,
) -> tuple[list[list[lxml.html.HtmlElement]], set[lxml.html.HtmlElement]]:
    """What trafilatura's three author expressions find (each in page order), and what its
    discard expressions find, in one walk over the page.

    The expressions are ``@class``, ``@id`` and tag tests; evaluated by libxml2, their dozens of
    ``or``-ed tests cost ~3 ms each on an 800-element page (``extract_author`` ~11 ms); asked in
    Python, all five cost about as much as one. tests/test_extraction_metadata.py holds the walk
    to the expressions, element for element, on trafilatura's evaluation corpus.
    """
    found: list[list[lxml.html.HtmlElement]] = [[], [], []]
    discarded: set[lxml.html.HtmlElement] = set()
    root = doc.getroottree().getroot()
    # trafilatura's rel='me': an element with a <rel> child reading "me" (not an attribute).
    signed_me = {
        parent
        for rel in doc.iter("rel")
        if rel.text_content() == "me" and (parent := rel.getparent()) is not None
    }
    for element in doc.iter(lxml.etree.Element):
        tag, attributes = element.tag, element.attrib
        if tag in ("time", "figure"):
            discarded.add(element)
        if tag == "author" or (tag in _TAGS_BY_NAME and element in signed_me):
            found[0].append(element)
        if not attributes:
            continue
        classes, ids = attributes.get("class", ""), attributes.get("id", "")
        # Most elements are none of these: one search over all the words tells.
        if (
            _RARE_ATTRIBUTES.isdisjoint(attributes.keys())
            and not _ANY_WORD(classes)
            and not _ANY_WORD(ids)
        ):
            continue
        itemprop = attributes.get("itemprop", "")
        if (
            tag in _TAGS_BY_NAME
            and tag != "author"
            and element not in signed_me
            and (
                attributes.get("rel") == "author"
                or ids == "author"
                or classes == "author"
                or itemprop == "author name"
                or attributes.get("data-testid") in ("AuthorCard", "AuthorURL")
                or _NAME_CLASSES(classes)
            )
        ):
            found[0].append(element)
        if tag in _TAGS_BY_CLASS and (
            classes in _EXACT_CLASSES
            or "author" in itemprop
            or _AUTHOR_IDS(ids)
            or _AUTHOR_CLASSES(classes)
        ):
            found[1].append(element)
        if (
            "Byline" in attributes.get("data-component", "")
            or "author" in itemprop
            or _ANY_IDS(ids)
            or _ANY_CLASSES(classes)
        ):
            found[2].append(element)
        if (
            tag in _DISCARD_TAGS
            and element is not root
            and (
                ids == "comments"
                or classes in ("comments", "title", "date")
                or ids.startswith("comments")
                or _DISCARD_IDS(ids)
                or classes.startswith(("Comments", "comments"))
                or _DISCARD_CLASSES(classes)
                or "Figure" in attributes.get("data-component", "")
            )
        ):
            discarded.add(element)
    return found, discarded


def page_author(doc: lxml.html.HtmlElement) -> str | None:
    """trafilatura's ``extract_author``: the text of the first author element, by its
    expressions in order, that lies outside comments, sidebars, dates and figures; read
    without those parts (it reads a pruned copy of the page; this reads the page as if pruned)."""
    found, discarded = author_elements(doc)
    for candidates in found:
        for element in candidates:
            if element in discarded or any(a in discarded for a in element.iterancestors()):
                continue
            content = trim(" ".join(_text_without(element, discarded)))
            if content and 2 < len(content) < 120:
                return normalize_authors(None, content)
    return None


def _text_without(
    element: lxml.html.HtmlElement, discarded: set[lxml.html.HtmlElement]
) -> list[str]:
    """``element.itertext()`` as it reads once trafilatura's ``delete_element`` has removed the
    ``discarded`` elements: each removed element's tail joins, without a space, the tail of the
    sibling before it, or its parent's text."""
    pieces: list[str] = []

    def walk(node: lxml.html.HtmlElement) -> None:
        head = node.text or ""
        kept: list[lxml.html.HtmlElement] = []
        tails: list[str] = []
        for child in node:
            if child in discarded:
                if kept:
                    tails[-1] += child.tail or ""
                else:
                    head += child.tail or ""
            else:
                kept.append(child)
                tails.append(child.tail or "")
        if head:
            pieces.append(head)
        for child, tail in zip(kept, tails, strict=True):
            walk(child)
            if tail:
                pieces.append(tail)

    walk(element)
    return pieces
