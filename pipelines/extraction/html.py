"""Bytes to text and elements to paragraphs, the Vietnamese-portal way.

Decoding follows the order browsers use (HTTP header, BOM, ``<meta>``, then detection) through
w3lib; text is normalised to NFC because portals mix precomposed letters, HTML entities and raw
combining marks in one page.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

import ftfy
import lxml.etree
import lxml.html
from w3lib.encoding import html_to_unicode

from pipelines.extraction.legacy import from_tcvn3, from_vni, legacy_encoding

BLOCK_TAGS = frozenset(
    "address article aside blockquote dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 "
    "header hr li main nav ol p pre section table tbody td th thead tr ul".split()
)
_SPACE = re.compile(r"\s+")
# Two-character sequences that UTF-8 Vietnamese letters become when decoded as cp1252.
_MOJIBAKE = re.compile(r"á[º»][\x80-\xbf\u0152-\u2122]|Ã[\xa0-\xbf]|Æ[°¡]|Ä[\x90\x91\x83]")
_MOJIBAKE_LEADS = ("áº", "á»", "Ã", "Æ", "Ä")
_RIGHT_ALIGNED = re.compile(r"text-align\s*:\s*right", re.IGNORECASE)
_VIETNAMESE_LETTER = re.compile(
    r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.IGNORECASE
)


_XML_DECLARATION = re.compile(r"^\ufeff?\s*<\?xml[^>]*\?>")
MOJIBAKE_SCANNED = 200_000  # characters looked at for mojibake
MISREAD_MARKS = 5  # replacement characters that say the declared charset is wrong
_LATIN_DECLARATIONS = re.compile(r"charset=[\"']?(iso-8859-1|latin-?1|windows-1252|us-ascii)", re.I)
# A <meta> charset declaration near the top of the page (either form).
_META_CHARSET = re.compile(
    rb"<meta[^>]+charset\s*=\s*[\"']?\s*(iso-8859-1|latin-?1|windows-125[0-8]|us-ascii)\b", re.I
)


def decode_html(body: bytes, headers: Mapping[str, str] | None = None) -> str:
    """Decode a page to NFC text: HTTP header, BOM, ``<meta>``, then detection (w3lib's order).

    One exception: a header (or, without one, a ``<meta>``) declaring a Latin or Windows charset
    for bytes that are valid, non-ASCII UTF-8. Old IIS and Apache set-ups send ``ISO-8859-1`` by
    default for UTF-8 pages, and templates keep a ``<meta charset>`` of before their move to
    UTF-8; multi-byte UTF-8 sequences almost never occur by chance in Latin or windows-1258
    text, so UTF-8 is the right reading.
    """
    content_type = None
    for name, value in (headers or {}).items():
        if name.lower() == "content-type":
            content_type = value
    text = None
    declares_latin = (
        _LATIN_DECLARATIONS.search(content_type)
        if content_type
        else _META_CHARSET.search(body, 0, 4096)
    )
    if declares_latin and not body.isascii():
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            pass
    if text is None:
        _, text = html_to_unicode(content_type, body)
        if text.count("\ufffd") >= MISREAD_MARKS:
            text = _as_windows_1258(body, text)
    if text.isascii():  # nothing below can apply (an O(1) question)
        return _XML_DECLARATION.sub("", text, count=1)
    if _mojibake(text):
        # UTF-8 read as cp1252 somewhere upstream ("Thá»±c", "Ä\x90áº£ng"): ftfy undoes it.
        text = ftfy.fix_encoding(text)
    legacy = legacy_encoding(text)
    if legacy == "tcvn3":
        text = from_tcvn3(text)  # Vietnamese typed in the legacy TCVN3 (.VnTime) encoding
    elif legacy == "vni":
        text = from_vni(text)  # ... or in VNI (two bytes a vowel)
    # An XHTML page's "<?xml ... encoding=...?>" says nothing once decoded, and lxml refuses
    # a decoded string that carries one.
    text = _XML_DECLARATION.sub("", text, count=1)
    # windows-1258 decodes to combining tone marks, and some portals type NFD text: one form.
    if unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


def _mojibake(text: str) -> bool:
    """UTF-8 Vietnamese read as cp1252 (three sequences or more). Each sequence starts with one
    of five openings, looked for first in C: the pattern search costs ~0.5 ms a page."""
    if all(text.find(lead, 0, MOJIBAKE_SCANNED) < 0 for lead in _MOJIBAKE_LEADS):
        return False
    return len(_MOJIBAKE.findall(text, 0, MOJIBAKE_SCANNED)) >= 3


def _as_windows_1258(body: bytes, misread: str) -> str:
    """A page that declares UTF-8 (or nothing) but whose bytes are not, read as windows-1258,
    the Vietnamese Windows code page older portals still write, if that reading is clean
    Vietnamese; else the first reading, replacement characters and all."""
    try:
        text = unicodedata.normalize("NFC", body.decode("cp1258"))
    except UnicodeDecodeError:
        return misread
    letters = len(_VIETNAMESE_LETTER.findall(text, 0, 200_000))
    if letters >= MISREAD_MARKS and not _mojibake(text):
        return text
    return misread


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def clean_line(text: str) -> str:
    return _SPACE.sub(" ", nfc(text).replace("\xa0", " ")).strip()


# Comments and processing instructions dropped, as trafilatura's own parser drops them: the tree
# is handed to trafilatura as it is, and its extraction scores better without them.
_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False)
# Every element as an HtmlElement, chosen in C: lxml.html's own lookup calls a Python method for
# each element met (millions on a large page between our searches and trafilatura's) only to
# give form fields their own classes, which nothing here uses.
_PARSER.set_element_class_lookup(
    lxml.etree.ElementDefaultClassLookup(
        element=lxml.html.HtmlElement,
        comment=lxml.html.HtmlComment,
        pi=lxml.html.HtmlProcessingInstruction,
        entity=lxml.html.HtmlEntity,
    )
)


def parse(html: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(html, parser=_PARSER)


def element_lines(element: lxml.html.HtmlElement) -> list[str]:
    """Visible text of ``element`` as lines: block elements and ``<br>`` break lines."""
    chunks: list[str] = []

    def walk(node: lxml.html.HtmlElement) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in ("script", "style", "noscript", "template"):
            if node.tail:
                chunks.append(node.tail)
            return
        block = tag in BLOCK_TAGS
        if block or tag == "br":
            chunks.append("\n")
        if node.text and tag:
            chunks.append(node.text)
        for child in node:
            walk(child)
        if block:
            chunks.append("\n")
        if node.tail:
            chunks.append(node.tail)

    walk(element)
    lines = (clean_line(line) for line in "".join(chunks).split("\n"))
    return [line for line in lines if line]


def text_of(elements: Iterable[lxml.html.HtmlElement]) -> str:
    return "\n".join(line for el in elements for line in element_lines(el))


def is_right_aligned(element: lxml.html.HtmlElement) -> bool:
    return (element.get("align") or "").lower() == "right" or bool(
        _RIGHT_ALIGNED.search(element.get("style") or "")
    )


def looks_vietnamese(text: str) -> bool:
    """True when enough words carry Vietnamese-only letters; page lang attributes often lie."""
    words = text.split()[:400]
    if len(words) < 5:
        return False
    marked = sum(1 for word in words if _VIETNAMESE_LETTER.search(word))
    return marked / len(words) > 0.2
