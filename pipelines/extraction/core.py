"""extract_article(): one fetched page in, one clean Article out.

A pure function of (url, body, headers, fetched_at, portal): no network, no database, no Scrapy,
so the crawl, re-extraction from the archive and the ``extract`` command all give the same result.

Declared selectors (see crawler/portals) win where they match; trafilatura fills in the rest.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from copy import deepcopy
from functools import cache, partial
from importlib.metadata import version
from urllib.parse import urljoin, urlsplit

import lxml.html
import trafilatura
from lxml.cssselect import CSSSelector

from crawler.portals import Portal, Selectors
from crawler.urls import canonical_url, rebase
from pipelines.extraction.article import Article, NotAnArticle
from pipelines.extraction.boilerplate import chrome_texts, strip_boilerplate
from pipelines.extraction.byline import combine
from pipelines.extraction.classes import Classed, classed_elements, with_class
from pipelines.extraction.dates import in_vietnam_time, published_iso, resolve_yearless
from pipelines.extraction.dating import date_line, htmldate, meta_date, url_date
from pipelines.extraction.html import (
    clean_line,
    decode_html,
    element_lines,
    is_right_aligned,
    looks_vietnamese,
    parse,
    text_of,
)
from pipelines.extraction.images import body_images, page_images
from pipelines.extraction.leads import bold_paragraph, generic_lead
from pipelines.extraction.metadata import page_metadata
from pipelines.extraction.platforms import platform_selectors
from pipelines.extraction.tags import generic_tags
from pipelines.extraction.titles import better_title
from pipelines.extraction.walks import walking

EXTRACTOR_VERSION = f"portal-archive-1+trafilatura-{version('trafilatura')}"
MAX_BYLINE_CHARS = 80
SHORT_TEXT = 500  # characters; see _trafilatura_lines
DEFAULT_MODE_GAIN = 1.5  # times longer: then the default mode's text is taken; ditto
MAX_PAGE_BYTES = 20 * 1024 * 1024  # no portal article is this big; a bigger page is a fault
_BINARY = re.compile(r"[\x00-\x08\x0e-\x1a]")
# "Trần Thúy (Văn phòng Thành ủy)"; not "Köln (5 Pkt)" nor "Nature 574, 16-17 (2019)".
_SIGNATURE = re.compile(r"^[A-ZĐÂĂÊÔƠƯ][^\s()\d]*(?:\s+[^\s()\d]+){0,4}\s*\((?!\d)[^()]{2,60}\)$")
_SIGNED = re.compile(r"^(?:tác giả|theo|nguồn(?: tin)?|bài(?:,| và)? ảnh)\s*:", re.IGNORECASE)
_TITLE_SUFFIX = re.compile(r"\s+[-|–]\s+[^-|–]{3,80}$")


def extract_article(
    url: str,
    body: bytes,
    headers: Mapping[str, str] | None,
    fetched_at: str,
    portal: Portal | None = None,
) -> Article:
    """Extract the article in ``body``, fetched from ``url`` at ``fetched_at`` (ISO 8601).

    ``url`` should already be under the portal's real origin. Raises NotAnArticle when the page
    holds no article.
    """
    if portal is not None and portal.is_listing(url) and not portal.is_article(url):
        raise NotAnArticle("listing page (by the portal's declaration)")
    if len(body) > MAX_PAGE_BYTES:
        raise NotAnArticle(f"page too large ({len(body):,} bytes)")
    html = decode_html(body, headers)
    if not html.strip():
        raise NotAnArticle("empty page")
    if _BINARY.search(html[:2000]):
        raise NotAnArticle("binary content, not HTML")
    try:
        doc = parse(html)
    except (ValueError, lxml.etree.ParserError) as error:
        raise NotAnArticle(f"unparseable HTML: {error}") from None
    layout, selectors = portal.layout_at(fetched_at) if portal else ("", Selectors())
    known = None if portal else platform_selectors(html, doc)  # an undeclared portal's page
    if known:
        layout, selectors = known[0], known[1]

    classed = cache(partial(classed_elements, doc))  # found once, when a search needs them
    described = None if selectors.body and selectors.title else page_metadata(doc)
    declared_title = _first_text(doc, selectors.title)
    title = declared_title or (described and described.title) or _generic_title(doc)
    if not declared_title:
        title = better_title(doc, url, title)
    lead = _first_text(doc, selectors.lead) or ("" if selectors.body else generic_lead(classed()))
    section = _first_text(doc, selectors.section) or _breadcrumb_section(classed())
    tags = _all_texts(doc, selectors.tags) if selectors.tags else generic_tags(classed())
    published = published_iso(_first_text(doc, selectors.published)) or meta_date(doc)
    canonical = _canonical(doc, url, portal)
    declared_language = _declared_language(doc)

    body_elements = _with_text(_css(selectors.body)(doc)) if selectors.body else []
    if body_elements:
        images = body_images(body_elements, url)
        # Copies: the drops below leave the page whole for the date search after them.
        body_elements = [deepcopy(element) for element in body_elements]
        bylines: list[str] = []
        for element in body_elements:
            for drop in selectors.drop:
                for unwanted in _css(drop)(element):
                    unwanted.drop_tree()
            bylines += _pop_bylines(element, selectors.author)
        text = text_of(body_elements)
        method = "selectors"
    else:
        chrome = cache(lambda: chrome_texts(classed()))
        lines = strip_boilerplate(_trafilatura_lines(doc, url), title, chrome, url)
        vietnamese_text = looks_vietnamese(" ".join(lines[:40]))
        lines, images = _take_captions(lines, page_images(doc, url, vietnamese_text))
        bylines = _pop_trailing_byline(lines, classed())
        if not lead and lines and bold_paragraph(doc, lines[0]):
            lead = lines.pop(0)  # portals print their lead as a first paragraph in bold
        named = described.authors if described else []
        if named and not (bylines and _signed(bylines[0])):
            # The page's metadata names its author: better than a last line that only sits in
            # an element classed "author" (a dateline, a journal reference).
            bylines = named
        text = "\n".join(lines)
        method = "trafilatura"
    if not title and not text:
        raise NotAnArticle("no title and no text")

    language = "vi" if looks_vietnamese(f"{title} {lead} {text}") else declared_language
    vietnamese = language == "vi" or portal is not None
    if published is None and vietnamese:
        in_url = url_date(url)
        opening = lead or text[:300]
        published = (
            date_line(doc)
            or (resolve_yearless(opening, in_url) if in_url else None)
            or htmldate(doc, url)
        )
    elif published is None:
        # Another country's page: htmldate's full search (it reads its formats) before a date
        # line read day-first, as Vietnamese portals print them.
        published = (
            htmldate(doc, url)
            or htmldate(doc, url, extensive=True)  # slower; 27 more right days of 728
            or date_line(doc)  # only when htmldate found nothing: it costs ~1 ms
        )
    if vietnamese:
        published = in_vietnam_time(published)
    if lead and text.startswith(lead):
        text = text[len(lead) :].lstrip("\n")
    author, author_unit = combine(bylines)
    return Article(
        url=canonical,
        fetched_url=canonical_url(url),
        portal=portal.id if portal else None,
        title=title,
        lead=lead,
        text=text,
        author=author,
        author_unit=author_unit,
        published=published,
        section=section,
        tags=tuple(tags),
        images=tuple(images),
        language=language,
        fetched_at=fetched_at,
        extractor=f"{EXTRACTOR_VERSION}:{method}{layout_tag(portal, layout)}",
        article_key=portal.article_key(canonical) if portal else None,
    )


def layout_tag(portal: Portal | None, layout: str) -> str:
    """What an Article's ``extractor`` says about the declaration: ``:<portal>@<layout>``, or
    ``:platform-<name>`` for an undeclared page read with its platform's selectors."""
    if portal is None:
        return f":platform-{layout}" if layout else ""
    return f":{portal.id}@{layout}"


@cache
def _css(selector: str) -> CSSSelector:
    """Selectors compiled once: compiling costs more than matching on a portal page."""
    return CSSSelector(selector, translator="html")


def _first_text(doc: lxml.html.HtmlElement, selector: str | None) -> str | None:
    if not selector:
        return None
    for element in _css(selector)(doc):
        if element.tag == "meta":
            text = clean_line(element.get("content") or "")
        else:
            text = " ".join(element_lines(element))
        if text:
            return text
    return None


def _all_texts(doc: lxml.html.HtmlElement, selector: str) -> list[str]:
    found: list[str] = []
    for element in _css(selector)(doc):
        text = " ".join(element_lines(element))
        if text and text not in found:
            found.append(text)
    return found


_HOME = ("trang chủ", "home", "trang chu")


def _breadcrumb_section(classed: Classed) -> str | None:
    """The last breadcrumb item that is not the home page."""
    items: list[str] = []
    for trail in with_class(classed, "breadcrumb"):
        for element in trail.iter("a", "li"):
            text = " ".join(element_lines(element))
            if text and text not in items and text.casefold() not in _HOME:
                items.append(text)
    return items[-1] if items else None


def _with_text(elements: list[lxml.html.HtmlElement]) -> list[lxml.html.HtmlElement]:
    """The elements a body selector matched that hold text: a CMS gives its sidebar boxes the
    body's class too (Liferay's journal-content-article), and their banners are not the
    article's images. All of them when none has text."""
    with_text = [e for e in elements if e.text_content().strip()]
    return with_text or elements


def _take_captions(
    lines: list[str], candidates: list[dict[str, str | None]]
) -> tuple[list[str], list[dict[str, str | None]]]:
    """Captioned images of the page, and the text without their caption lines."""
    images = [c for c in candidates if c["caption"]]
    captions = {c["caption"] for c in images}
    return [line for line in lines if line not in captions], images


_AUTHOR_CLASSES = ("author", "Author", "tacgia", "byline")


def _pop_trailing_byline(lines: list[str], classed: Classed) -> list[str]:
    """A signature line at the end of generic text: "Name (Unit)", "Tác giả: …", or the text
    of an element the page marks as the author."""
    if not lines or len(lines[-1]) > MAX_BYLINE_CHARS:
        return []
    last = lines[-1]
    if _signed(last) or any(
        " ".join(element_lines(e)) == last for e in with_class(classed, *_AUTHOR_CLASSES)
    ):
        lines.pop()
        return [last]
    return []


def _signed(line: str) -> bool:
    """A signature line: "Name (Unit)", "Tác giả: …", "Theo …"."""
    return bool(_SIGNATURE.match(line) or _SIGNED.match(line))


def _pop_bylines(body: lxml.html.HtmlElement, author_selector: str | None) -> list[str]:
    """Remove byline paragraphs from the body and return their text.

    Vietnamese portals sign articles with short right-aligned paragraphs at the end of the body
    ("Đặng Vân", "Trần Thúy (Văn phòng Thành ủy)"); the portal may also declare an author element.
    """
    declared: list[str] = []
    if author_selector:
        for element in _css(author_selector)(body):
            declared += element_lines(element)
            element.drop_tree()
    found: list[str] = []
    for paragraph in reversed(body.findall(".//p")):
        lines = element_lines(paragraph)
        if not lines:
            continue
        line = " ".join(lines)
        if not is_right_aligned(paragraph) or len(line) > MAX_BYLINE_CHARS:
            break
        found.insert(0, line)
        paragraph.drop_tree()
    return found + declared


_LAYOUT_TABLES = lxml.etree.XPath(
    "//table[count(.//p[string-length(normalize-space()) > 80]) >= 2]"
)


def _layout_tables_as_blocks(tree: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """``tree`` with its layout tables turned into plain blocks.

    Old SharePoint and ASP.NET portals put the article inside layout tables; trafilatura then
    renders the body as one table cell, merging its paragraphs and the byline into one line.
    """
    for table in _LAYOUT_TABLES(tree):
        for element in table.iter("table", "tbody", "thead", "tr", "td", "th"):
            element.tag = "div"
    return tree


def _trafilatura(
    tree: lxml.html.HtmlElement, url: str, *, favor_precision: bool = False, fast: bool = False
) -> str:
    """trafilatura's text of ``tree``, which it leaves whole: it prunes a copy of a tree it is
    given (trafilatura.core.bare_extraction). Its pruning expressions are answered by walks
    (walks.py): the same elements, a quarter of trafilatura's time saved."""
    with walking():
        text = trafilatura.extract(
            tree,
            url=url,
            include_comments=False,
            include_tables=True,
            favor_precision=favor_precision,
            fast=fast,
        )
    return text or ""


def _trafilatura_lines(doc: lxml.html.HtmlElement, url: str) -> list[str]:
    """trafilatura in precision mode without its comparison with readability and jusText; its
    default mode, comparison included, where that reading is short and the default one is
    much longer.

    Measured on the Scrapinghub and trafilatura benchmarks (bench/extraction.py): precision
    mode keeps less residue; the comparison costs a third of trafilatura's time and its
    changes, on the pages where it makes any, are no better than what our boilerplate layer
    and the default-mode rule give. Precision mode drops half of a few short articles; the
    default mode's text is taken there (one page in 12 to 25 needs that second reading).
    """
    # A copy only where there is a layout table to unwrap: trafilatura copies what it is given.
    tree = _layout_tables_as_blocks(deepcopy(doc)) if _LAYOUT_TABLES(doc) else doc
    text = _trafilatura(tree, url, favor_precision=True, fast=True)
    if len(text) < SHORT_TEXT:
        default = _trafilatura(tree, url)
        if len(text) * DEFAULT_MODE_GAIN < len(default):
            text = default
    return [clean_line(line) for line in text.splitlines() if line.strip()]


def _generic_title(doc: lxml.html.HtmlElement) -> str:
    for selector in ('meta[property="og:title"]', "h1"):
        for element in _css(selector)(doc):
            value = element.get("content") if element.tag == "meta" else element.text_content()
            value = clean_line(value or "")
            if value:
                return value
    title = clean_line(doc.findtext(".//title") or "")
    return _TITLE_SUFFIX.sub("", title)


def _declared_language(doc: lxml.html.HtmlElement) -> str | None:
    lang = (doc.get("lang") or "").strip()
    return lang.split("-")[0].lower() or None


def _canonical(doc: lxml.html.HtmlElement, url: str, portal: Portal | None) -> str:
    """The page's own rel=canonical when it is a plausible article URL on the same site."""
    for link in _css('link[rel="canonical"]')(doc):
        href = (link.get("href") or "").strip()
        if not href:
            continue
        absolute = urljoin(url, href)
        if urlsplit(absolute).netloc != urlsplit(url).netloc:
            if portal is None or urlsplit(absolute).netloc != portal.host:
                continue
            absolute = rebase(absolute, portal.origin)
        if portal is not None and not portal.is_article(absolute):
            continue
        return canonical_url(absolute)
    return canonical_url(url)
