"""The Article record and the two ways extraction can decline a page."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any


@dataclass(frozen=True)
class Article:
    """One clean article. Text fields are Unicode NFC; ``published`` is ISO 8601 (+07:00 when
    the page shows a time, else the day). ``text`` is the body: no lead, captions or byline."""

    url: str  # canonical URL, under the portal's real origin
    fetched_url: str  # where this copy was fetched (also under the real origin)
    portal: str | None
    title: str
    lead: str
    text: str
    author: str | None
    published: str | None
    section: str | None
    language: str | None
    fetched_at: str
    extractor: str
    article_key: str | None = None
    author_unit: str | None = None
    tags: tuple[str, ...] = ()
    images: tuple[dict[str, str | None], ...] = field(default=())  # src, alt, caption

    def as_record(self) -> dict[str, Any]:
        # Not dataclasses.asdict: its deep copy was half the cost of saving an article.
        record = {name: getattr(self, name) for name in _FIELDS}
        record["tags"] = list(self.tags)
        record["images"] = [dict(image) for image in self.images]
        return record


_FIELDS = tuple(f.name for f in fields(Article))


class NotAnArticle(Exception):
    """The page is not an article (a listing, a soft 404, an empty shell); ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ExtractionError(Exception):
    """The page looked like an article but could not be turned into one."""
