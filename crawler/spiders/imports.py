"""ImportSpider: one portal's records out of WARC, ARC and WACZ files (``portal-archive import``).

It fetches nothing: its ``start`` reads the files (crawler.archive_files) and hands each
response record on the portal's hosts (any scheme, ``www.`` or not, former origins) to the
pipelines as an ``ImportedRecord``. The archive copies every one into its own WARC files; those
the declaration calls articles (answered 200) are extracted and stored as a crawl's, marked
``import``. Records the archive holds already (same target URI and date) are passed over, so a
file imported twice is stored once. Other portals' records are the other runs' business.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import scrapy

from crawler.archive_access import page_problem
from crawler.archive_files import responses
from crawler.index import ArticleIndex, MemoryIndex, UsesArchive
from crawler.items import ImportedRecord
from crawler.mementos import query_hosts
from crawler.options import CrawlOptions
from crawler.portals import Portal
from crawler.urls import canonical_url, rebase

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

HTML = ("text/html", "application/xhtml+xml")


class ImportSpider(UsesArchive, scrapy.Spider):
    name = "import"

    def __init__(
        self,
        portal: Portal,
        files: tuple[str, ...],
        index: ArticleIndex | None = None,
        limit: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.portal = portal
        self.files = files
        self.hosts = set(query_hosts(portal))
        self.limit = limit
        self.index: ArticleIndex = MemoryIndex() if index is None else index

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ImportSpider:
        options = CrawlOptions.of(crawler)
        kwargs.setdefault("portal", options.portal)
        kwargs.setdefault("files", options.import_files)
        kwargs.setdefault("limit", options.limit)
        spider: ImportSpider = super().from_crawler(crawler, *args, **kwargs)
        return spider

    async def start(self) -> AsyncIterator[Any]:
        articles = 0
        for name in self.files:
            counts: dict[str, int] = {}
            for record in responses(Path(name), counts):
                self._count("import/responses_read")
                host = (urlsplit(record.target_uri).hostname or "").removeprefix("www.")
                if host not in self.hosts:
                    continue
                url = canonical_url(rebase(record.target_uri, self.portal.origin))
                kind = dict((k.lower(), v) for k, v in record.headers).get("content-type", "")
                article = (
                    record.status == 200
                    and kind.split(";")[0].strip().lower() in HTML
                    and self.portal.is_article(url)
                    and not self.portal.is_denied(url)
                )
                problem = page_problem(record.body) if article else None
                if problem:
                    self._count(f"import/not_article/{problem}")
                    article = False
                seen = "memento" if article else "copied"
                if self.index.is_known(f"{seen} {record.captured_at} {record.target_uri}"):
                    self._count("import/read_before")
                    continue
                if article and self.limit and articles >= self.limit:
                    return
                articles += article
                self._count("import/records")
                self._count("import/articles" if article else "import/other_records")
                yield ImportedRecord(
                    portal=self.portal.id,
                    url=url,
                    target_uri=record.target_uri,
                    captured_at=record.captured_at,
                    status=record.status,
                    reason=record.reason,
                    headers=record.headers,
                    body=record.body,
                    where=f"{name}@{record.where.rsplit('@', 1)[-1]}",
                    article=article,
                )
            for kind, count in counts.items():
                self._count(f"import/file_records/{kind}", count)

    def _count(self, key: str, count: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key, count)
