"""ExtractPipeline: RawPage in, ExtractedArticle out (or the page is dropped, reason counted).

Extraction itself is pipelines.extraction.extract_article, a pure function; this component only
adapts it to Scrapy and counts outcomes in the crawl stats (archive/not_article/<reason>,
archive/extract/failed).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem

from crawler.items import RawPage
from crawler.portals import Portal
from pipelines.extraction import Article, NotAnArticle, extract_article

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExtractedArticle:
    """An Article and the capture it was read from, on their way to the archive."""

    article: Article
    capture_id: int | None


class ExtractPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.portal: Portal | None = None

    def open_spider(self) -> None:
        self.portal = getattr(self.crawler.spider, "portal", None)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, RawPage):
            return item
        stats = self.crawler.stats
        assert stats is not None
        try:
            article = extract_article(
                item.url, item.body, item.headers, item.fetched_at, self.portal
            )
            return ExtractedArticle(article, item.capture_id)
        except NotAnArticle as not_article:
            stats.inc_value("archive/not_article")
            stats.inc_value(f"archive/not_article/{not_article.reason}")
            raise DropItem(f"not an article ({not_article.reason}): {item.url}", "INFO") from None
        except Exception as error:  # noqa: BLE001 - one bad page must not stop the crawl
            stats.inc_value("archive/extract/failed")
            logger.error("extraction failed for %s: %r", item.url, error)
            raise DropItem(f"extraction failed: {item.url}", "INFO") from None
