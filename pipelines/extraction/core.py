"""extract_article(): one fetched page in, one clean Article out.

A pure function of (url, body, headers, fetched_at, portal): no network, no database, no Scrapy,
so the crawl, re-extraction from the archive and the ``extract`` command all give the same result.

Declared selectors (see crawler/portals) win where they match; trafilatura fills in the rest.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from importlib.metadata import version
from urllib.parse import urljoin, urlsplit

import lxml.html
import trafilatura
from htmldate import find_date

from crawler.portals import Portal
from crawler.urls import canonical_url, rebase
from pipelines.extraction.article import Article, NotAnArticle
from pipelines.extraction.dates import published_iso
from pipelines.extraction.html import (
    clean_line,
    decode_html,
    element_lines,
    is_right_aligned,
    looks_vietnamese,
    parse,
    text_of,
)

EXTRACTOR_VERSION = f"portal-archive-1+trafilatura-{version('trafilatura')}"
MAX_BYLINE_CHARS = 80
PLACEHOLDER_AUTHORS = frozenset({"admin", "admin admin", "administrator", "quản trị"})
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
    html = decode_html(body, headers)
    if not html.strip():
        raise NotAnArticle("empty page")
    try:
        doc = parse(html)
    except (ValueError, lxml.etree.ParserError) as error:
        raise NotAnArticle(f"unparseable HTML: {error}") from None
    selectors = portal.selectors if portal else None

    title = _first_text(doc, selectors.title if selectors else None)
    lead = _first_text(doc, selectors.lead if selectors else None) or ""
    section = _first_text(doc, selectors.section if selectors else None)
    date_line = _first_text(doc, selectors.published if selectors else None)
    author_lines: list[str] = []

    body_elements = doc.cssselect(selectors.body) if selectors and selectors.body else []
    if body_elements:
        for element in body_elements:
            for drop in selectors.drop if selectors else ():
                for unwanted in element.cssselect(drop):
                    unwanted.drop_tree()
            author_lines += _pop_bylines(element, selectors.author if selectors else None)
        text = text_of(body_elements)
        extractor = f"{EXTRACTOR_VERSION}:selectors"
    else:
        text = _trafilatura_text(html, url)
        extractor = f"{EXTRACTOR_VERSION}:trafilatura"

    if not title:
        title = _generic_title(doc)
    if not title and not text:
        raise NotAnArticle("no title and no text")

    published = published_iso(date_line) or _generic_date(html, url)
    if lead and text.startswith(lead):
        text = text[len(lead) :].lstrip("\n")
    authors = [a for a in author_lines if a.lower() not in PLACEHOLDER_AUTHORS]
    language = "vi" if looks_vietnamese(f"{title} {lead} {text}") else _declared_language(doc)

    canonical = _canonical(doc, url, portal)
    return Article(
        url=canonical,
        fetched_url=canonical_url(url),
        portal=portal.id if portal else None,
        title=title,
        lead=lead,
        text=text,
        author="; ".join(authors) or None,
        published=published,
        section=section,
        language=language,
        fetched_at=fetched_at,
        extractor=extractor,
        article_key=portal.article_key(canonical) if portal else None,
    )


def _first_text(doc: lxml.html.HtmlElement, selector: str | None) -> str | None:
    if not selector:
        return None
    for element in doc.cssselect(selector):
        if element.tag == "meta":
            text = clean_line(element.get("content") or "")
        else:
            text = " ".join(element_lines(element))
        if text:
            return text
    return None


def _pop_bylines(body: lxml.html.HtmlElement, author_selector: str | None) -> list[str]:
    """Remove byline paragraphs from the body and return their text.

    Vietnamese portals sign articles with short right-aligned paragraphs at the end of the body
    ("Đặng Vân", "Trần Thúy (Văn phòng Thành ủy)"); the portal may also declare an author element.
    """
    declared: list[str] = []
    if author_selector:
        for element in body.cssselect(author_selector):
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


def _trafilatura_text(html: str, url: str) -> str:
    text = trafilatura.extract(
        html, url=url, include_comments=False, include_tables=True, with_metadata=False
    )
    return "\n".join(clean_line(line) for line in (text or "").splitlines() if line.strip())


def _generic_title(doc: lxml.html.HtmlElement) -> str:
    for selector in ('meta[property="og:title"]', "h1"):
        for element in doc.cssselect(selector):
            value = element.get("content") if element.tag == "meta" else element.text_content()
            value = clean_line(value or "")
            if value:
                return value
    title = clean_line(doc.findtext(".//title") or "")
    return _TITLE_SUFFIX.sub("", title)


def _generic_date(html: str, url: str) -> str | None:
    try:
        return find_date(html, url=url, original_date=True, outputformat="%Y-%m-%d")
    except (ValueError, TypeError):
        return None


def _declared_language(doc: lxml.html.HtmlElement) -> str | None:
    lang = (doc.get("lang") or "").strip()
    return lang.split("-")[0].lower() or None


def _canonical(doc: lxml.html.HtmlElement, url: str, portal: Portal | None) -> str:
    """The page's own rel=canonical when it is a plausible article URL on the same site."""
    for link in doc.cssselect('link[rel="canonical"]'):
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
