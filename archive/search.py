"""Full-text search as people type it: words in, ranked articles with the words marked out.

Queries are words, not FTS5 syntax: each word is quoted (a hyphen or a colon in "covid-19" or
"ĐH:2020" is not an operator) and all must match, in any column. Accents may be left out, đ
included: the index holds every text twice, as written and with đ as d (migration 9), and its
tokenizer drops the other diacritics. Marking the words in a text compares words the same way:
case, accents and đ folded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipelines.marks import unmarked

_WORD = re.compile(r"\w+")
MARK_OPEN, MARK_CLOSE = "\x02", "\x03"  # around a matched word; a caller renders them


def fold(text: str) -> str:
    """``text`` as the index compares it: lower case, without accents, đ as d."""
    return unmarked(text).casefold()


def query_words(query: str) -> list[str]:
    return _WORD.findall(query)


def fts_query(query: str) -> str:
    """The FTS5 MATCH expression for a person's query: every word, quoted, all required."""
    return " ".join(f'"{word}"' for word in query_words(query))


def marked(text: str, query: str) -> str:
    """``text`` with each word of ``query`` (folded) between MARK_OPEN and MARK_CLOSE."""
    wanted = {fold(word) for word in query_words(query)}
    if not wanted:
        return text
    return _WORD.sub(
        lambda m: f"{MARK_OPEN}{m.group()}{MARK_CLOSE}" if fold(m.group()) in wanted else m.group(),
        text,
    )


def snippet(text: str, query: str, width: int = 200) -> str:
    """About ``width`` characters of ``text`` around the first word of ``query`` it holds,
    marked; the start of the text when none is there."""
    wanted = {fold(word) for word in query_words(query)}
    start = next((m.start() for m in _words(text) if fold(m.group()) in wanted), 0)
    begin = max(0, start - width // 3)
    if begin:
        begin = text.find(" ", begin) + 1 or begin
    piece = text[begin : begin + width].replace("\n", " ")
    prefix = "…" if begin else ""
    suffix = "…" if begin + width < len(text) else ""
    return prefix + marked(piece, query) + suffix


def passage(lead: str | None, text: str | None, query: str) -> str:
    """The marked passage shown under a search result: from the lead and the text."""
    return snippet("\n".join(part for part in (lead, text) if part), query)


def starred(text: str) -> str:
    """Marked words as ``**word**``, for a terminal and for JSON."""
    return text.replace(MARK_OPEN, "**").replace(MARK_CLOSE, "**")


def _words(text: str) -> Iterator[re.Match[str]]:
    return _WORD.finditer(text)
