"""The SQLite archive. The only module that talks to the database.

Tables: ``sources`` (declared portals), ``articles`` (one row per canonical URL, FTS5-indexed over
title, lead and text), ``runs`` (one row per crawl, with its stats). WAL mode lets readers
(``stats``, exports, datasette) work while a crawl writes. Writes take the write lock up front
(BEGIN IMMEDIATE) and are retried with tenacity when another process holds it. The write methods
whose names start with ``_`` (``_save_article``, ``_touch``, ``_insert_capture``...) run inside a
transaction their caller already holds: ``Store.write``, or archive.writer's batches.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import sqlite_utils
from tenacity import (
    before_sleep_log,
    retry,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

from archive.migrations import migrate
from crawler.clock import now_iso
from pipelines.record import HASHED_FIELDS, ArticleRecord, article_record

if TYPE_CHECKING:
    from crawler.portals import Portal
    from pipelines.extraction import Article

logger = logging.getLogger(__name__)

SaveOutcome = Literal["new", "updated", "unchanged", "reextracted", "older"]
REVISION_FIELDS = (
    *HASHED_FIELDS,
    "images",
    "content_hash",
    "extractor",
    "fetched_at",
    "capture_id",
    "run_id",
)


class StoreError(Exception):
    """The archive cannot be opened or written; the message is meant for the user."""


def _is_locked(error: BaseException) -> bool:
    return isinstance(error, sqlite3.OperationalError) and (
        "locked" in str(error) or "busy" in str(error)
    )


_retry_locked = retry(
    retry=retry_if_exception(_is_locked),
    stop=stop_after_attempt(8),
    wait=wait_exponential(multiplier=0.05, max=2),
    before_sleep=before_sleep_log(logger, logging.WARNING),
    reraise=True,
)


def read_only_connection(path: str | Path, **options: Any) -> sqlite3.Connection:
    """A connection that can only read ``path`` (no write lock, ever: a crawl writing the archive
    is never made to wait). ``options`` go to ``sqlite3.connect``."""
    return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, **options)


class Store:
    """An archive database at ``path`` (created, with its schema, on first use)."""

    def __init__(self, path: str | Path, busy_timeout_ms: int = 5000) -> None:
        self.path = Path(path)
        try:
            if self.path.parent and not self.path.parent.exists():
                raise StoreError(f"cannot open database {self.path}: folder does not exist")
            conn = sqlite3.connect(self.path, timeout=busy_timeout_ms / 1000, isolation_level=None)
            self.db = sqlite_utils.Database(conn)
            self.db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            if self.db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                self.db.enable_wal()
            self.db.execute("PRAGMA synchronous = NORMAL")
            self._write(migrate, self.db)
        except sqlite3.DatabaseError as error:
            raise StoreError(f"cannot open database {self.path}: {error}") from None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One short write transaction, holding the write lock from its start."""
        conn = self.db.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def write(self, fn: Any, *args: Any) -> Any:
        """``fn(*args)`` in one write transaction, retried while another process holds the lock."""
        return self._write(fn, *args)

    @_retry_locked
    def _write(self, fn: Any, *args: Any) -> Any:
        try:
            with self.transaction():
                return fn(*args)
        except sqlite3.OperationalError as error:
            if _is_locked(error):
                raise
            raise StoreError(f"cannot write to {self.path}: {error}") from None

    # sources -------------------------------------------------------------------------------

    def save_source(self, portal: Portal) -> None:
        record = {
            "id": portal.id,
            "name": portal.name,
            "province": portal.province,
            "province_after_2025": portal.province_after_2025,
            "level": portal.level,
            "kind": portal.kind,
            "origin": portal.origin,
            "language": portal.language,
            "updated_at": now_iso(),
        }
        self._write(lambda: self.db["sources"].upsert(record, pk="id"))

    # articles ------------------------------------------------------------------------------

    def save_article(
        self,
        article: Article | ArticleRecord,
        run_id: int | None = None,
        capture_id: int | None = None,
    ) -> SaveOutcome:
        """Insert or update ``article`` (or its row, ``article_record``); idempotent for
        unchanged content.

        A changed article keeps its previous version in ``article_revisions``. ``capture_id`` is
        the captures row the page came from (None when WARC capture is off).
        """
        outcome: SaveOutcome = self._write(self._save_article, article, run_id, capture_id)
        return outcome

    def save_articles(
        self, batch: list[tuple[Article | ArticleRecord, int | None, int | None]]
    ) -> list[SaveOutcome]:
        """``save_article`` for many (article or its row, run_id, capture_id), one transaction."""

        def save_all() -> list[SaveOutcome]:
            return [self._save_article(*entry) for entry in batch]

        outcomes: list[SaveOutcome] = self._write(save_all)
        return outcomes

    def _save_article(
        self, article: Article | ArticleRecord, run_id: int | None, capture_id: int | None
    ) -> SaveOutcome:
        record = dict(article if isinstance(article, dict) else article_record(article))
        record["capture_id"] = capture_id
        fetched_at = record["fetched_at"]
        existing = self._existing_article(record)
        table = _Rows(self.db.conn, "articles", "url")
        if existing is None:
            record.update(first_seen=fetched_at, last_seen=fetched_at, run_id=run_id)
            table.insert(record)
            return "new"
        url = existing["url"]
        if existing["content_hash"] == record["content_hash"]:
            if existing["capture_id"] is not None and existing["capture_id"] == capture_id:
                if existing["extractor"] != record["extractor"]:  # same result, newer extractor
                    table.update(url, {"extractor": record["extractor"]})
                return "unchanged"
            table.update(
                url,
                {
                    "last_seen": max(existing["last_seen"] or "", fetched_at),
                    "removed_at": None,
                    "removed_status": None,
                },
            )
            return "unchanged"
        record.pop("url")
        if capture_id is not None and existing["capture_id"] == capture_id:
            # The same capture read again by a newer extractor: not a change on the site.
            table.update(url, record)
            return "reextracted"
        if fetched_at < existing["fetched_at"]:
            return self._reextract_revision(record, capture_id)
        self._keep_revision(existing, replaced_at=fetched_at)
        record.update(last_seen=fetched_at, run_id=run_id, removed_at=None)
        record["removed_status"] = None
        table.update(url, record)
        return "updated"

    def _keep_revision(self, current: dict[str, Any], replaced_at: str) -> None:
        revision = {name: current[name] for name in REVISION_FIELDS}
        revision.update(article_url=current["url"], replaced_at=replaced_at)
        _Rows(self.db.conn, "article_revisions", "id").insert(revision)

    def _reextract_revision(self, record: dict[str, Any], capture_id: int | None) -> SaveOutcome:
        """An older capture than the article's current one: refresh the revision it made."""
        row = self.db.execute(
            "SELECT id, content_hash FROM article_revisions WHERE capture_id = ?", [capture_id]
        ).fetchone()
        if capture_id is None or row is None:
            return "older"
        if row[1] == record["content_hash"]:
            return "unchanged"
        self.db["article_revisions"].update(
            row[0], {name: record[name] for name in REVISION_FIELDS if name != "capture_id"}
        )
        return "reextracted"

    def _existing_article(self, record: ArticleRecord) -> dict[str, Any] | None:
        url = record["url"]
        cursor = self.db.conn.execute(
            "SELECT * FROM articles WHERE url = ? "
            "OR (portal = ? AND article_key = ?) ORDER BY url = ? DESC LIMIT 1",
            [url, record["portal"], record["article_key"], url],
        )
        row = cursor.fetchone()
        return dict(zip([c[0] for c in cursor.description], row, strict=True)) if row else None

    def mark_removed(self, portal: str, url: str, status: int, at: str) -> bool:
        """Mark the article last fetched from ``url`` as removed by the site (404/410).

        Only the URL the article was stored from counts: its canonical URL or another section's
        copy answering 404 (common on mirrors) says nothing about the article. Nothing is
        deleted. True when a row was marked.
        """
        marked: bool = self._write(self._mark_removed, portal, url, status, at)
        return marked

    def _mark_removed(self, portal: str, url: str, status: int, at: str) -> bool:
        cursor = self.db.conn.execute(
            "UPDATE articles SET removed_at = ?, removed_status = ? "
            "WHERE portal = ? AND fetched_url = ? AND removed_at IS NULL",
            [at, status, portal, url],
        )
        return bool(cursor.rowcount)

    def known_articles(self, portal: str) -> set[str]:
        """What identifies ``portal``'s stored articles to the spider: article ids, and URLs
        (canonical and fetched) for articles without one."""
        known: set[str] = set()
        for key, url, fetched_url in self.db.execute(
            "SELECT article_key, url, fetched_url FROM articles WHERE portal = ?", [portal]
        ):
            known.update((key,) if key else (url, fetched_url))
        return known

    def listed_lastmods(self, portal: str) -> dict[str, str]:
        """What ``portal``'s sitemaps last said of each page (identity -> <lastmod>)."""
        return dict(
            self.db.execute(
                "SELECT identity, lastmod FROM listed_lastmods WHERE portal = ?", [portal]
            ).fetchall()
        )

    def _record_lastmod(self, portal: str, identity: str, lastmod: str) -> None:
        self.db.conn.execute(
            "INSERT INTO listed_lastmods (portal, identity, lastmod) VALUES (?, ?, ?) "
            "ON CONFLICT (portal, identity) DO UPDATE SET lastmod = excluded.lastmod",
            [portal, identity, lastmod],
        )

    def recheck_targets(
        self, portal: str, first_seen_after: str | None = None, last_seen_before: str | None = None
    ) -> list[tuple[str, str | None, str | None]]:
        """(URL, ETag, Last-Modified) of stored, not removed articles of ``portal`` to re-fetch:
        all of them, or those first seen after one time and not seen since another (a revisit
        policy). The validators make the re-fetch conditional."""
        rows = self.db.execute(
            "SELECT a.fetched_url, c.etag, c.last_modified FROM articles a "
            "LEFT JOIN captures c ON c.id = a.capture_id WHERE a.portal = ? "
            "AND a.removed_at IS NULL AND (? IS NULL OR a.first_seen > ?) "
            "AND (? IS NULL OR a.last_seen < ?) ORDER BY a.url",
            [portal, first_seen_after, first_seen_after, last_seen_before, last_seen_before],
        ).fetchall()
        return [(url, etag, modified) for url, etag, modified in rows]

    def touch(self, portal: str, url: str, at: str) -> bool:
        """The article stored from ``url`` was seen unchanged at ``at`` (a 304 answer)."""
        touched: bool = self._write(self._touch, portal, url, at)
        return touched

    def _touch(self, portal: str, url: str, at: str) -> bool:
        cursor = self.db.conn.execute(
            "UPDATE articles SET last_seen = max(coalesce(last_seen, ''), ?), "
            "removed_at = NULL, removed_status = NULL WHERE portal = ? AND fetched_url = ?",
            [at, portal, url],
        )
        return bool(cursor.rowcount)

    def count_articles(self, portal: str | None = None) -> int:
        if portal is None:
            return int(self.db.execute("SELECT count(*) FROM articles").fetchone()[0])
        return int(
            self.db.execute("SELECT count(*) FROM articles WHERE portal = ?", [portal]).fetchone()[
                0
            ]
        )

    def articles(
        self, portal: str | None = None, since: str | None = None, limit: int | None = None
    ) -> Iterator[dict[str, Any]]:
        """Stored articles (every column), newest first."""
        yield from self.db.query(
            "SELECT * FROM articles WHERE (:portal IS NULL OR portal = :portal) "
            "AND (:since IS NULL OR published >= :since) "
            "ORDER BY published DESC, url LIMIT coalesce(:limit, -1)",
            {"portal": portal, "since": since, "limit": limit},
        )

    def search(self, query: str, limit: int = 10) -> list[dict[str, Any]]:
        return list(
            self.db.query(
                "SELECT a.url, a.title, a.published FROM articles_fts f "
                "JOIN articles a ON a.rowid = f.rowid WHERE articles_fts MATCH ? "
                "ORDER BY rank LIMIT ?",
                [query, limit],
            )
        )

    # captures ------------------------------------------------------------------------------

    def earlier_capture(self, url: str, payload_digest: str) -> tuple[str, str] | None:
        """(url, fetched_at) of the first capture of ``url`` with the same payload, if any."""
        row = self.db.execute(
            "SELECT url, fetched_at FROM captures WHERE url = ? AND payload_digest = ? "
            "AND record_type = 'response' ORDER BY id LIMIT 1",
            [url, payload_digest],
        ).fetchone()
        return (row[0], row[1]) if row else None

    def _insert_capture(self, capture: dict[str, Any]) -> int:
        """Index one capture; returns its id."""
        return _Rows(self.db.conn, "captures", "id").insert(capture)

    def _record_failure(
        self, portal: str, url: str, reason: str, capture_id: int | None, run_id: int | None
    ) -> None:
        """A page whose extraction failed (raised, hung, killed its worker): kept with why, so
        it can be looked at and re-extracted from its capture later."""
        self.db.conn.execute(
            "INSERT INTO extraction_failures (portal, url, reason, capture_id, run_id, failed_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [portal, url, reason, capture_id, run_id, now_iso()],
        )

    # runs ----------------------------------------------------------------------------------

    def start_run(self, portal: str, command: str) -> int:
        record = {
            "portal": portal,
            "command": command,
            "started_at": now_iso(),
            "status": "running",
        }

        def insert() -> int:
            return int(self.db["runs"].insert(record).last_pk)

        run_id: int = self._write(insert)
        return run_id

    def finish_run(self, run_id: int, status: str, stats: dict[str, Any]) -> None:
        counts = {
            "requests": stats.get("downloader/request_count", 0),
            "pages": stats.get("response_received_count", 0),
            "articles_new": stats.get("archive/articles/new", 0),
            "articles_updated": stats.get("archive/articles/updated", 0),
            "articles_unchanged": stats.get("archive/articles/unchanged", 0),
            "not_articles": stats.get("archive/not_article", 0),
            "errors": stats.get("log_count/ERROR", 0),
        }
        record = {
            "finished_at": now_iso(),
            "status": status,
            **counts,
            "stats": json.dumps(_jsonable(stats), ensure_ascii=False, sort_keys=True),
        }
        self._write(lambda: self.db["runs"].update(run_id, record))

    def run(self, run_id: int) -> dict[str, Any]:
        return dict(self.db["runs"].get(run_id))


class _Rows:
    """Plain INSERT and UPDATE on one table: saving an article is the crawl's hot path, and
    sqlite-utils' per-call table introspection cost as much as the SQL itself."""

    def __init__(self, conn: sqlite3.Connection, table: str, pk: str) -> None:
        self.conn, self.table, self.pk = conn, table, pk

    def insert(self, record: dict[str, Any]) -> int:
        """Insert ``record``; returns its rowid."""
        names = ", ".join(f'"{name}"' for name in record)
        marks = ", ".join("?" for _ in record)
        cursor = self.conn.execute(
            f'INSERT INTO "{self.table}" ({names}) VALUES ({marks})', [*record.values()]
        )
        return int(cursor.lastrowid or 0)

    def update(self, key: Any, changes: dict[str, Any]) -> None:
        assignments = ", ".join(f'"{name}" = ?' for name in changes)
        self.conn.execute(
            f'UPDATE "{self.table}" SET {assignments} WHERE "{self.pk}" = ?',
            [*changes.values(), key],
        )


def _jsonable(stats: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in stats.items():
        if isinstance(value, datetime):
            value = value.isoformat()
        elif hasattr(value, "__dataclass_fields__"):
            value = asdict(value)
        out[key] = value
    return out
