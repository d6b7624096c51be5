"""A page's title when its ``<title>`` and headings do not hold it.

Old portal templates put the article's title in a styled ``<div>`` or ``<span>`` (no ``<h1>``)
and give every page the same ``<title>``: the site's name. Two pieces of evidence find the
real title: the URL's slug, which is the title without its marks
(``/hoi-nghi-tong-ket-cong-tac-nam-2005-1234.html``), and ``og:title``. The site's name
(``og:site_name``) is never the title.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

import lxml.etree
import lxml.html

from pipelines.extraction.html import clean_line
from pipelines.marks import unmarked

MIN_SLUG_WORDS = 3
SHARED = 0.8  # of the slug's words, in order, that a title must begin with
_WORD = re.compile(r"[a-z0-9]+")
_EXTENSION = re.compile(r"\.(?:s?html?|aspx?|php|jsp|cfm)$", re.IGNORECASE)
# Short text blocks a title may stand in (the search runs only when the usual title is wrong).
# (The tag test by name: ten ``self::`` tests cost libxml2 ten node-sets an element.)
_CANDIDATES = lxml.etree.XPath(
    "//body/descendant::*[contains(' h1 h2 h3 div span p td strong b font ', "
    "concat(' ', local-name(), ' '))][not(div|p|table|ul)]"
    "[string-length(normalize-space()) > 10][string-length(normalize-space()) < 300]"
)
_OG_TITLE = lxml.etree.XPath("//meta[@property='og:title']/@content")
_SITE_NAME = lxml.etree.XPath("//meta[@property='og:site_name']/@content")


def plain_words(text: str) -> list[str]:
    """The words of ``text`` without marks, in lower case: "Hội nghị Đảng" → hoi, nghi, dang."""
    return _WORD.findall(unmarked(text).lower())


def slug_words(url: str) -> list[str]:
    """The words of the URL's last path segment, without its extension and trailing id; none
    when it has fewer than three words (an id, "index", "view")."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if not segments:
        return []
    words = plain_words(_EXTENSION.sub("", unquote(segments[-1])).replace("_", "-"))
    while words and words[-1].isdigit() and len(words[-1]) >= 3:
        words.pop()  # "…-cong-tac-1234": an id
    while words and words[0].isdigit() and len(words[0]) >= 3:
        words.pop(0)  # "/1234-hoi-nghi…"
    return words if sum(not w.isdigit() for w in words) >= MIN_SLUG_WORDS else []


def begins_like(text: str, slug: list[str]) -> bool:
    """Whether ``text`` begins with the slug's words (slugs are often cut short)."""
    words = plain_words(text)
    wanted = max(MIN_SLUG_WORDS, round(SHARED * len(slug)))
    shared = 0
    for word, slug_word in zip(words, slug, strict=False):
        if word != slug_word:
            break
        shared += 1
    return shared >= min(wanted, len(slug))


def better_title(doc: lxml.html.HtmlElement, url: str, title: str) -> str:
    """``title``, unless the URL's slug says otherwise and the page holds the title it names
    (``og:title`` first, then a short block); never the site's name."""
    site = clean_line(next(iter(_SITE_NAME(doc)), ""))
    is_site = bool(site) and title.casefold() == site.casefold()
    slug = slug_words(url)
    if not slug or (begins_like(title, slug) and not is_site):
        return "" if is_site else title
    for candidate in _OG_TITLE(doc):
        text = clean_line(str(candidate))
        if begins_like(text, slug):
            return text
    for element in _CANDIDATES(doc):
        text = clean_line(element.text_content())
        if begins_like(text, slug) and len(plain_words(text)) <= 2 * len(slug) + 5:
            return text
    return "" if is_site else title
