"""What the spider knows of the archive: an index of two questions.

The spider asks only whether an article is stored already (then it is not fetched again) and what
the portal's sitemap said of it last time (a changed <lastmod> is an edit). It depends on this
interface, not on the database: archive.session.ArchiveSession answers from the archive, and
tests hand the spider a ``MemoryIndex``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

# A stored article to fetch again: (URL, ETag, Last-Modified) of its last capture, so the
# request can be conditional (an unchanged page costs a 304).
RecheckTarget = tuple[str, str | None, str | None]


class ResumePoint(NamedTuple):
    """A listing page to request first (URL under the portal's real origin): where an earlier
    walk was cut short, or a page it gave up. Up to page ``until`` of its listing, pages are read
    on even when they bring nothing new (the cut walk had read them, or not all their articles)."""

    url: str
    until: int


class ArticleIndex(Protocol):
    def is_known(self, identity: str) -> bool:
        """Whether the archive holds the article (by its id, else its URL)."""
        ...

    def listed_lastmod(self, identity: str) -> str | None:
        """The sitemap <lastmod> last acted on for a page or a child sitemap, if any."""
        ...


@dataclass
class MemoryIndex:
    """An ``ArticleIndex`` held in memory: what the archive knew when the crawl started."""

    known: set[str] = field(default_factory=set)
    listed: dict[str, str] = field(default_factory=dict)

    def is_known(self, identity: str) -> bool:
        return identity in self.known

    def listed_lastmod(self, identity: str) -> str | None:
        return self.listed.get(identity)


class UsesArchive:
    """A spider that is handed what the archive knows when it opens
    (``ArchiveSession.spider_opened``): an index of what is stored; a crawl also gets the
    articles to fetch again and the walks to resume (PortalSpider overrides this)."""

    index: ArticleIndex

    def use_archive(
        self, index: ArticleIndex, recheck: list[RecheckTarget], resume: list[ResumePoint]
    ) -> None:
        self.index = index
