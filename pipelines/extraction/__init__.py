"""Pure extraction: fetched bytes to a clean Article. No Scrapy, no database, no network."""

from pipelines.extraction.article import Article, ExtractionError, NotAnArticle
from pipelines.extraction.core import EXTRACTOR_VERSION, extract_article

__all__ = ["EXTRACTOR_VERSION", "Article", "ExtractionError", "NotAnArticle", "extract_article"]
