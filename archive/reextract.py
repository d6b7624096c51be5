"""Re-extraction: today's extractor over yesterday's captures, from the WARC files, no network.

Every 200 capture of an article URL is read back from its WARC record (a revisit from the
record it points to) and handed to the same pure ``extract_article`` the crawl uses, with the
capture's own URL, headers and fetch time, so the portal layout valid at that time applies.
Extraction runs in a process pool (Scrapy's reactor is one core; this is not Scrapy); results
come back in capture order and are saved in batches, so replaying every capture into an empty
table reproduces what the crawls stored, revisions included.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from archive.db import SaveOutcome, Store
from crawler.portals import Portal, all_portals
from pipelines.extraction import EXTRACTOR_VERSION, NotAnArticle, extract_article
from pipelines.extraction.core import layout_tag
from pipelines.pool import die_with_parent
from pipelines.record import ArticleRecord, article_record

BATCH = 200  # articles saved per transaction
CHUNK = 16  # captures per task sent to a worker


@dataclass(frozen=True)
class CaptureJob:
    """One capture to re-extract: where its payload is and what the crawl knew about it."""

    capture_id: int
    url: str
    portal: str
    warc_path: str
    offset: int
    fetched_at: str
    run_id: int | None
    status: int = 200  # 304: seen unchanged; 404/410: removed by the site. Nothing to extract.


@dataclass
class ReextractResult:
    captures: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    not_articles: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (url, error)

    def count(self, outcome: str) -> None:
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1


def capture_jobs(
    store: Store,
    warc_dir: Path,
    portal: str | None = None,
    since: str | None = None,
    changed_only: bool = False,
    portals: dict[str, Portal] | None = None,
) -> list[CaptureJob]:
    """The article captures to re-extract, oldest first, with the 304s (seen unchanged) and
    404/410s (removed) that tell the article's story between them.

    ``since``: captures fetched on or after this date. ``changed_only``: skip captures whose
    article (or revision, or the article stored from the same URL) was extracted by this very
    extractor and layout already.
    """
    portals = portals or all_portals()
    jobs = []
    for row in store.article_captures(portal, since):
        capture_id, url, portal_id, fetched_at, run_id, status, warc_file, offset, extractor = row
        declaration = portals.get(portal_id)
        if declaration is None or warc_file is None or not declaration.is_article(url):
            continue
        if changed_only and (
            status != 200 or (extractor and _is_current(extractor, declaration, fetched_at))
        ):
            continue
        jobs.append(
            CaptureJob(
                capture_id,
                url,
                portal_id,
                str(warc_dir / warc_file),
                offset,
                fetched_at,
                run_id,
                status,
            )
        )
    return jobs


def _is_current(extractor: str, portal: Portal, fetched_at: str) -> bool:
    layout, _ = portal.layout_at(fetched_at)
    return extractor.startswith(f"{EXTRACTOR_VERSION}:") and extractor.endswith(
        layout_tag(portal, layout)
    )


def reextract(
    store: Store,
    jobs: list[CaptureJob],
    workers: int | None = None,
    on_progress: Callable[[int], None] | None = None,
    portals: dict[str, Portal] | None = None,
) -> ReextractResult:
    """Extract ``jobs`` on ``workers`` processes (1: in this process) and save the articles."""
    workers = workers or os.cpu_count() or 1
    portals = portals or all_portals()
    result = ReextractResult(captures=len(jobs))
    batch: list[tuple[ArticleRecord, int | None, int | None]] = []
    for job, outcome in _extracted(jobs, workers, portals):
        if outcome is None:  # a 304 or 404/410, in its place among the saves
            _save(store, batch, result)
            if job.status == 304 and store.touch(job.portal, job.url, job.fetched_at):
                result.count("not_modified")
            elif job.status != 304 and store.mark_removed(
                job.portal, job.url, job.status, job.fetched_at
            ):
                result.count("removed")
        elif isinstance(outcome, dict):
            batch.append((outcome, job.run_id, job.capture_id))
        elif isinstance(outcome, NotAnArticle):
            result.not_articles += 1
        else:
            result.failures.append((job.url, outcome))
        if len(batch) >= BATCH:
            _save(store, batch, result)
        if on_progress is not None:
            on_progress(1)
    _save(store, batch, result)
    return result


def _save(
    store: Store, batch: list[tuple[ArticleRecord, int | None, int | None]], result: ReextractResult
) -> None:
    outcomes: list[SaveOutcome] = store.save_articles(batch) if batch else []
    for outcome in outcomes:
        result.count(outcome)
    batch.clear()


def _extracted(
    jobs: list[CaptureJob], workers: int, portals: dict[str, Portal]
) -> Iterator[tuple[CaptureJob, ArticleRecord | NotAnArticle | str | None]]:
    if workers <= 1 or len(jobs) < 2 * CHUNK:
        _init_worker(portals)
        yield from zip(jobs, map(extract_capture, jobs), strict=True)
        return
    # fork: workers start at once with everything imported (trafilatura takes a second to load)
    # and with the caller's portal declarations; the parent holds no threads or open writes.
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, context, _init_worker, (portals,)) as pool:
        yield from zip(jobs, pool.map(extract_capture, jobs, chunksize=CHUNK), strict=True)


_PORTALS: dict[str, Portal] = {}


def _init_worker(portals: dict[str, Portal]) -> None:
    die_with_parent()
    _PORTALS.clear()
    _PORTALS.update(portals)


def extract_capture(job: CaptureJob) -> ArticleRecord | NotAnArticle | str | None:
    """The article in ``job``'s WARC record, as a row ready to save (the worker does that work,
    not the parent); NotAnArticle, or an error message, otherwise."""
    if job.status != 200:
        return None
    try:
        body, headers = read_payload(job.warc_path, job.offset)
        article = extract_article(job.url, body, headers, job.fetched_at, _PORTALS[job.portal])
        return article_record(article)
    except NotAnArticle as declined:
        return declined
    except Exception as error:  # noqa: BLE001 - one bad record must not stop the rest
        return f"{type(error).__name__}: {error}"


def read_payload(warc_path: str, offset: int) -> tuple[bytes, dict[str, str]]:
    """The decoded HTTP payload and headers (first value of each) of the record at ``offset``."""
    from warcio.archiveiterator import ArchiveIterator

    with open(warc_path, "rb") as stream:
        stream.seek(offset)
        record = next(iter(ArchiveIterator(stream)))
        body = record.content_stream().read()
        headers: dict[str, str] = {}
        for name, value in record.http_headers.headers:
            headers.setdefault(name, value)
    return body, headers
