"""ExtractPipeline: RawPage in, Article out (or the page is dropped with its reason counted).

Extraction itself is pipelines.extraction.extract_article, a pure function; this component only
adapts it to Scrapy and counts outcomes in the crawl stats (archive/not_article/<reason>,
archive/extract/failed).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem

from crawler.items import RawPage
from crawler.portals import Portal
from pipelines.extraction import Article, NotAnArticle, extract_article

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class ExtractPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.portal: Portal | None = None

    def open_spider(self) -> None:
        self.portal = getattr(self.crawler.spider, "portal", None)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Article:
        if not isinstance(item, RawPage):
            return item
        stats = self.crawler.stats
        assert stats is not None
        try:
            return extract_article(item.url, item.body, item.headers, item.fetched_at, self.portal)
        except NotAnArticle as not_article:
            stats.inc_value("archive/not_article")
            stats.inc_value(f"archive/not_article/{not_article.reason}")
            raise DropItem(f"not an article ({not_article.reason}): {item.url}", "INFO") from None
        except Exception as error:  # noqa: BLE001 - one bad page must not stop the crawl
            stats.inc_value("archive/extract/failed")
            logger.error("extraction failed for %s: %r", item.url, error)
            raise DropItem(f"extraction failed: {item.url}", "INFO") from None
