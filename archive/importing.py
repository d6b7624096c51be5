"""ImportCapturePipeline: an imported record into the archive's WARC files, before extraction.

The first item pipeline of an import (crawler.spiders.imports). Each ``ImportedRecord`` is
copied into the archive's WARC files and ``captures`` by the crawl's ArchiveSession
(``capture_copy``, as recovered mementos are: original target URI and date, ``WARC-Source-URI``
naming the file it came from, source ``import``). An article goes on to extraction as a
``RawPage`` carrying that capture; any other record ends here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy.exceptions import DropItem

from archive.session import ArchiveSession
from crawler.archive_files import responses
from crawler.items import Capture, ImportedRecord
from crawler.mementos import query_hosts
from crawler.portals import Portal, all_portals

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from archive.runner import CrawlResult


@dataclass
class ImportReport:
    """What an import found in its files, and the run of each portal it imported."""

    files: list[str]
    responses: int = 0  # response records in the files
    records: Counter[str] = field(default_factory=Counter)  # records by type
    portals: dict[str, int] = field(default_factory=dict)  # portal -> its response records
    unknown_hosts: Counter[str] = field(default_factory=Counter)  # hosts no portal declares
    results: list[CrawlResult] = field(default_factory=list)

    @property
    def unknown(self) -> int:
        return sum(self.unknown_hosts.values())


def scan_hosts(files: list[str], portals: list[Portal] | None = None) -> ImportReport:
    """Read the files once: their records by type, and the portals their responses belong to
    (by host: any scheme, ``www.`` or not, former origins); ArchiveFileError for a file that
    cannot be read."""
    by_host = {
        host: portal.id
        for portal in (portals if portals is not None else all_portals().values())
        for host in query_hosts(portal)
    }
    report = ImportReport(files)
    for name in files:
        counts: dict[str, int] = {}
        for record in responses(Path(name), counts):
            report.responses += 1
            host = (urlsplit(record.target_uri).hostname or "").removeprefix("www.")
            portal = by_host.get(host)
            if portal is None:
                report.unknown_hosts[host or "(no host)"] += 1
            else:
                report.portals[portal] = report.portals.get(portal, 0) + 1
        report.records.update(counts)
    return report


class ImportCapturePipeline:
    def __init__(self, session: ArchiveSession) -> None:
        self.session = session

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ImportCapturePipeline:
        return cls(ArchiveSession.of(crawler))

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ImportedRecord):
            return item
        if not item.captured_at:
            raise DropItem(f"no WARC-Date: {item.where}", "INFO")
        ref = self.session.capture_copy(
            item.target_uri,
            item.captured_at,
            (item.status, item.reason, item.headers, item.body),
            "import",
            item.where,
        )
        if not item.article:
            raise DropItem(f"copied, not an article: {item.target_uri}", "DEBUG")
        return item.page(Capture(item.captured_at, ref))
