"""The SQLite archive. The only module that talks to the database.

Tables: ``sources`` (declared portals), ``articles`` (one row per canonical URL, FTS5-indexed over
title, lead and text), ``runs`` (one row per crawl, with its stats). WAL mode lets readers
(``stats``, exports, datasette) work while a crawl writes. Writes take the write lock up front
(BEGIN IMMEDIATE) and are retried with tenacity when another process holds it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
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

if TYPE_CHECKING:
    from crawler.portals import Portal
    from pipelines.extraction import Article

logger = logging.getLogger(__name__)

SaveOutcome = Literal["new", "updated", "unchanged"]
HASHED_FIELDS = ("title", "lead", "text", "author", "author_unit", "published", "section", "tags")


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


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def content_hash(record: dict[str, Any]) -> str:
    joined = "\x1f".join(str(record.get(name) or "") for name in HASHED_FIELDS)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


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

    def save_article(self, article: Article, run_id: int | None = None) -> SaveOutcome:
        """Insert or update ``article``; idempotent for unchanged content."""
        outcome: SaveOutcome = self._write(self._save_article, article, run_id)
        return outcome

    def _save_article(self, article: Article, run_id: int | None) -> SaveOutcome:
        record = article.as_record()
        record["images"] = json.dumps(record["images"], ensure_ascii=False)
        record["tags"] = json.dumps(record["tags"], ensure_ascii=False)
        record["content_hash"] = content_hash(record)
        existing = self._existing_article(article)
        table = self.db["articles"]
        if existing is None:
            record.update(
                first_seen=article.fetched_at, last_seen=article.fetched_at, run_id=run_id
            )
            table.insert(record)
            return "new"
        if existing["content_hash"] == record["content_hash"]:
            table.update(existing["url"], {"last_seen": article.fetched_at})
            return "unchanged"
        record.pop("url")
        record.update(last_seen=article.fetched_at, run_id=run_id)
        table.update(existing["url"], record)
        return "updated"

    def _existing_article(self, article: Article) -> dict[str, Any] | None:
        rows = self.db.execute(
            "SELECT url, content_hash FROM articles WHERE url = ? "
            "OR (portal = ? AND article_key = ?) ORDER BY url = ? DESC LIMIT 1",
            [article.url, article.portal, article.article_key, article.url],
        ).fetchall()
        return {"url": rows[0][0], "content_hash": rows[0][1]} if rows else None

    def count_articles(self, portal: str | None = None) -> int:
        if portal is None:
            return int(self.db.execute("SELECT count(*) FROM articles").fetchone()[0])
        return int(
            self.db.execute("SELECT count(*) FROM articles WHERE portal = ?", [portal]).fetchone()[
                0
            ]
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

    def add_capture(self, capture: dict[str, Any]) -> None:
        self._write(lambda: self.db["captures"].insert(capture))

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


def _jsonable(stats: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in stats.items():
        if isinstance(value, datetime):
            value = value.isoformat()
        elif hasattr(value, "__dataclass_fields__"):
            value = asdict(value)
        out[key] = value
    return out
