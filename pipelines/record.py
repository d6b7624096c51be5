"""An extracted Article as the row the archive stores: JSON lists, hashes, word count.

Pure, so extraction workers build rows themselves and the crawl's one thread only writes them.
The hashes are what the archive compares: ``content_hash`` over every stored field (a change is
a revision), ``text_hash`` over the text's words, case-folded (exact duplicates).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipelines.extraction import Article

ArticleRecord = dict[str, Any]  # an Article as an articles row (see article_record)
HASHED_FIELDS = ("title", "lead", "text", "author", "author_unit", "published", "section", "tags")
_WORDS = re.compile(r"\w+")


def content_hash(record: dict[str, Any]) -> str:
    joined = "\x1f".join(str(record.get(name) or "") for name in HASHED_FIELDS)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def article_record(article: Article) -> ArticleRecord:
    """``article`` as an ``articles`` row: JSON lists, hashes."""
    record = article.as_record()
    record["images"] = json.dumps(record["images"], ensure_ascii=False)
    record["tags"] = json.dumps(record["tags"], ensure_ascii=False)
    record["content_hash"] = content_hash(record)
    words = normalised_words(article.text or article.title)
    record["text_hash"] = words_hash(words)
    record["word_count"] = len(words) if article.text else 0
    return record


def normalised_words(text: str) -> list[str]:
    """The words of ``text``, case-folded, NFC: what duplicate detection compares."""
    return _WORDS.findall(unicodedata.normalize("NFC", text).casefold())


def text_hash(text: str) -> str:
    """Equal for texts that differ only in case, spacing or punctuation (exact duplicates)."""
    return words_hash(normalised_words(text))


def words_hash(words: list[str]) -> str:
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()[:32]
