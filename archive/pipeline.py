"""StorePipeline: the last item pipeline; what extraction made goes to the crawl's ArchiveSession.

Articles, failed extractions, 304s, removals, sitemap stamps and how far listing walks got are
queued on the session's one writer and committed together (200 at a time, or once the oldest has
waited half a second); outcomes (new, updated, unchanged...) are counted in the stats as each
batch commits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from archive.session import ArchiveSession
from crawler.items import GonePage, ListedLastmod, UnchangedPage, WalkProgress
from pipelines.extract import ExtractedArticle, FailedExtraction

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class StorePipeline:
    def __init__(self, session: ArchiveSession) -> None:
        self.session = session

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(ArchiveSession.of(crawler))

    def process_item(self, item: Any) -> Any:
        session = self.session
        if isinstance(item, ExtractedArticle):
            session.save_article(item.record, item.capture.ref)
        elif isinstance(item, FailedExtraction):
            session.record_failure(item.url, item.reason, item.capture.ref)
        elif isinstance(item, UnchangedPage):
            session.touch(item.url, item.fetched_at)
        elif isinstance(item, GonePage):
            session.mark_removed(item.url, item.status, item.fetched_at)
        elif isinstance(item, ListedLastmod):
            session.record_lastmod(item.identity, item.lastmod)
        elif isinstance(item, WalkProgress):
            session.record_walk(item)
        return item
