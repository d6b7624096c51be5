"""The connection to an archive: opening (WAL, busy timeout, the schema brought up to date),
short write transactions retried with tenacity while another process holds the write lock, and
the plain row writes the crawl's hot path uses.

Write methods whose names start with ``_`` (``_save_article``, ``_touch``, ``_insert_capture``...)
run inside a transaction their caller already holds: ``write``, or archive.writer's batches.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any, Self

import sqlite_utils
from tenacity import (
    before_sleep_log,
    retry,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

from archive.db.schema import migrate, schema_version
from crawler.errors import ArchiveError

logger = logging.getLogger(__name__)


class StoreError(ArchiveError):
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


class Database:
    """The connection to an archive database at ``path`` (created, with its schema, on first
    use): WAL mode, a busy timeout, short write transactions retried while another process
    holds the lock. The query groups (archive.db.articles, captures, runs, clusters) build on
    it."""

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

    @classmethod
    def read_only(cls, path: str | Path) -> Self:
        """The archive at ``path`` opened for reading only (no write lock, no migration): for
        the web interface, which must never change it. StoreError when it is no archive."""
        store = cls.__new__(cls)
        store.path = Path(path)
        if not store.path.is_file():
            raise StoreError(f"no archive at {store.path}")
        try:
            conn = read_only_connection(store.path, check_same_thread=False)
            store.db = sqlite_utils.Database(conn)
            version = store.db.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as error:
            raise StoreError(f"cannot read {store.path} as an archive: {error}") from None
        if version < schema_version():
            raise StoreError(
                f"{store.path} has an older schema; open it once with a command that writes "
                "(portal-archive stats) to bring it up to date"
            )
        return store

    def damage(self) -> list[str]:
        """What SQLite's quick_check finds wrong with the file (empty when nothing): it reads
        every page, about a second per few hundred MB."""
        try:
            rows = [row[0] for row in self.db.execute("PRAGMA quick_check").fetchall()]
        except sqlite3.DatabaseError as error:
            return [str(error)]
        return [] if rows == ["ok"] else rows

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Self:
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


def jsonable(stats: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in stats.items():
        if isinstance(value, datetime):
            value = value.isoformat()
        elif hasattr(value, "__dataclass_fields__"):
            value = asdict(value)
        out[key] = value
    return out
