"""A crawl's writes to the archive, queued and committed together in short transactions.

A crawl writes for every response (the capture's index row) and every page (the article, a
"seen unchanged", a removal, a sitemap stamp). One transaction each made the commit and the
write lock's retry wrapper a large part of a crawl's own CPU time; here they are queued in order
and committed together once ``max_ops`` are waiting or the oldest has waited ``max_delay``
seconds, whichever comes first, so the write lock is held for milliseconds at a time and other
processes (a second crawl, ``status``) never wait long.

A crawl has one writer, owned by its archive.session.ArchiveSession: the capture middleware and
the store pipeline both write through it, so a capture row always commits before, or with, the
article read from it.
A capture's id is only known once its row is written; until then its ``CaptureRef`` stands in
for it, and the article row receives the id when both are written.

A crash loses at most the queued writes (``max_delay`` seconds of them); the pages they were
about are then not in the archive, and the next crawl fetches them again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from archive.db import Store
from crawler.items import CaptureRef, WalkProgress
from pipelines.record import ArticleRecord

Done = Callable[[Any], None]


def capture_id(capture: int | CaptureRef | None) -> int | None:
    return capture.id if isinstance(capture, CaptureRef) else capture


class BatchWriter:
    """Queues writes to ``store``; ``flush`` commits them in one transaction, in order."""

    def __init__(self, store: Store, max_ops: int = 200, max_delay: float = 0.5) -> None:
        self.store = store
        self.max_ops = max_ops
        self.max_delay = max_delay
        self._queue: list[tuple[Callable[[], Any], Done | None]] = []
        self._oldest = 0.0
        self._pending_responses: dict[tuple[str, str], tuple[str, str]] = {}
        self.transactions = 0
        self.writes = 0

    # queueing ------------------------------------------------------------------------------

    def add_capture(self, record: dict[str, Any]) -> CaptureRef:
        ref = CaptureRef()
        if record.get("record_type") == "response":
            key = (record["url"], record["payload_digest"])
            self._pending_responses.setdefault(key, (record["url"], record["fetched_at"]))

        def insert() -> int:
            ref.id = self.store._insert_capture(record)
            return ref.id

        self._enqueue(insert, None)
        return ref

    def save_article(
        self,
        record: ArticleRecord,
        run_id: int | None,
        capture: int | CaptureRef | None,
        done: Done | None = None,
    ) -> None:
        self._enqueue(lambda: self.store._save_article(record, run_id, capture_id(capture)), done)

    def touch(self, portal: str, url: str, at: str, done: Done | None = None) -> None:
        self._enqueue(lambda: self.store._touch(portal, url, at), done)

    def mark_removed(
        self, portal: str, url: str, status: int, at: str, done: Done | None = None
    ) -> None:
        self._enqueue(lambda: self.store._mark_removed(portal, url, status, at), done)

    def record_lastmod(self, portal: str, identity: str, lastmod: str) -> None:
        self._enqueue(lambda: self.store._record_lastmod(portal, identity, lastmod), None)

    def record_walk(self, step: WalkProgress) -> None:
        self._enqueue(lambda: self.store._record_walk(step), None)

    def record_failure(
        self,
        portal: str,
        url: str,
        reason: str,
        capture: int | CaptureRef | None,
        run_id: int | None,
    ) -> None:
        def insert() -> None:
            self.store._record_failure(portal, url, reason, capture_id(capture), run_id)

        self._enqueue(insert, None)

    def earlier_capture(self, url: str, payload_digest: str) -> tuple[str, str] | None:
        """(url, fetched_at) of the first response of ``url`` with this payload, written or
        queued."""
        return self._pending_responses.get((url, payload_digest)) or self.store.earlier_capture(
            url, payload_digest
        )

    def _enqueue(self, write: Callable[[], Any], done: Done | None) -> None:
        if not self._queue:
            self._oldest = time.monotonic()
        self._queue.append((write, done))

    # committing ----------------------------------------------------------------------------

    @property
    def pending(self) -> int:
        return len(self._queue)

    def due(self) -> bool:
        return bool(self._queue) and (
            len(self._queue) >= self.max_ops or time.monotonic() - self._oldest >= self.max_delay
        )

    def flush(self) -> None:
        """Commit every queued write in one transaction, then tell each caller its outcome.

        On StoreError (disk full, read-only file) the transaction is rolled back and the queue
        dropped: what earlier flushes committed stays, and the error is the caller's to report.
        """
        if not self._queue:
            return
        queue, self._queue = self._queue, []
        self._pending_responses.clear()
        results = self.store.write(lambda: [write() for write, _ in queue])
        self.transactions += 1
        self.writes += len(queue)
        for (_, done), result in zip(queue, results, strict=True):
            if done is not None:
                done(result)

    def flush_if_due(self) -> None:
        if self.due():
            self.flush()
