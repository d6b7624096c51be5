"""The queries of a dataset export, on a read-only snapshot of the archive.

The export reads every row in one read transaction on a connection that can only read (a crawl
writing at the same time is never blocked and never half-seen), in URL order, a batch at a time,
one batch read ahead by a helper thread.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from archive.db.clusters import NEAR_MIN_WORDS
from archive.db.connection import StoreError, read_only_connection

# Each exported field, as the expression selecting it (a: articles, s: sources, c: captures).
COLUMN_SQL = {
    "id": "a.url",
    "url": "a.url",
    "portal": "a.portal",
    "portal_name": "s.name",
    "province": "s.province",
    "province_after_2025": "s.province_after_2025",
    "level": "s.level",
    "kind": "s.kind",
    "title": "a.title",
    "lead": "a.lead",
    "text": "a.text",
    "author": "a.author",
    "author_unit": "a.author_unit",
    "published": "a.published",
    "section": "a.section",
    "tags": "a.tags",
    "images": "a.images",
    "language": "a.language",
    "word_count": "a.word_count",
    "content_hash": "a.content_hash",
    "text_hash": "a.text_hash",
    "cluster_id": "a.cluster_id",
    "first_seen": "a.first_seen",
    "last_seen": "a.last_seen",
    "removed_at": "a.removed_at",
    "fetched_at": "a.fetched_at",
    "fetched_from": "c.fetched_from",
    "source": "a.source",
    "warc_file": "c.warc_file",
    "warc_offset": "c.offset",
    "warc_length": "c.length",
    "extractor": "a.extractor",
}


@dataclass(frozen=True)
class Selection:
    """Which articles an export takes, and which fields (names of COLUMN_SQL)."""

    fields: tuple[str, ...]
    portals: tuple[str, ...] = ()
    province: str | None = None
    level: str | None = None
    since: date | None = None
    until: date | None = None
    min_words: int = 0
    dedupe: str = "none"  # none, exact (one per text_hash), near (one per cluster)
    batch_rows: int = 4_000


def snapshot_connection(db_path: str | Path) -> sqlite3.Connection:
    """A read-only connection to the archive (StoreError when it is none), in autocommit mode:
    the caller's BEGIN starts the snapshot."""
    path = Path(db_path)
    if not path.is_file():
        raise StoreError(f"no archive at {path}")
    try:
        # read by a helper thread too (see _read_ahead), never by two threads at once
        conn = read_only_connection(path, timeout=30, check_same_thread=False)
        conn.execute("SELECT count(*) FROM articles").fetchone()
    except sqlite3.DatabaseError as error:
        raise StoreError(f"cannot read {path} as an archive: {error}") from None
    conn.isolation_level = None
    return conn


def source_names(conn: sqlite3.Connection) -> tuple[set[str], set[str], set[str]]:
    """The portal ids, province names (before and after 2025) and levels the archive has."""
    portals = {p for (p,) in conn.execute("SELECT id FROM sources")}
    provinces = {
        name
        for row in conn.execute("SELECT province, province_after_2025 FROM sources")
        for name in row
        if name
    }
    levels = {lvl for (lvl,) in conn.execute("SELECT DISTINCT level FROM sources") if lvl}
    return portals, provinces, levels


def sources(conn: sqlite3.Connection, portals: Counter[str]) -> list[dict[str, Any]]:
    """The ``sources`` rows of ``portals``."""
    rows = conn.execute(
        "SELECT id, name, province, province_after_2025, level, kind, origin FROM sources "
        "ORDER BY id"
    ).fetchall()
    keys = ("id", "name", "province", "province_after_2025", "level", "kind", "origin")
    return [dict(zip(keys, row, strict=True)) for row in rows if row[0] in portals]


def _where(options: Selection) -> tuple[str, list[Any]]:
    clauses: list[str] = ["1"]
    params: list[Any] = []
    if options.portals:
        clauses.append(f"a.portal IN ({', '.join('?' for _ in options.portals)})")
        params += options.portals
    if options.province:
        clauses.append("(s.province = ? OR s.province_after_2025 = ?)")
        params += [options.province, options.province]
    if options.level:
        clauses.append("s.level = ?")
        params.append(options.level)
    if options.since:
        clauses.append("substr(a.published, 1, 10) >= ?")
        params.append(options.since.isoformat())
    if options.until:
        clauses.append("substr(a.published, 1, 10) <= ?")
        params.append(options.until.isoformat())
    if options.min_words:
        clauses.append("a.word_count >= ?")
        params.append(options.min_words)
    return " AND ".join(clauses), params


def _keepers(conn: sqlite3.Connection, options: Selection, where: str, params: list[Any]) -> str:
    """For --dedupe: a temporary table of the URLs to keep, one per duplicate group among the
    selected articles (the cluster's representative if selected, else the first published)."""
    if options.dedupe == "exact":
        group, first = "coalesce(a.text_hash, a.url)", "0"
    else:
        group = "coalesce('c' || a.cluster_id, 'h' || a.text_hash, a.url)"
        first = "(a.url IS NOT cl.representative)"
    conn.execute("DROP TABLE IF EXISTS temp.export_keep")
    conn.execute("CREATE TEMP TABLE export_keep (url TEXT PRIMARY KEY) WITHOUT ROWID")
    conn.execute(
        "INSERT INTO temp.export_keep SELECT url FROM ("
        f" SELECT a.url, row_number() OVER (PARTITION BY {group}"
        f"  ORDER BY {first}, a.published IS NULL, a.published, a.url) AS rank"
        " FROM articles a JOIN sources s ON s.id = a.portal"
        " LEFT JOIN clusters cl ON cl.id = a.cluster_id"
        f" WHERE {where}) WHERE rank = 1",
        params,
    )
    return " AND a.url IN (SELECT url FROM temp.export_keep)"


def selected_rows(
    conn: sqlite3.Connection, options: Selection
) -> tuple[int, int, Counter[str], Iterator[list[tuple[Any, ...]]]]:
    """(row count, articles not yet compared for near duplicates, rows per origin they were
    fetched from, batches of rows in URL order, a row group's worth each)."""
    where, params = _where(options)
    joins = "FROM articles a JOIN sources s ON s.id = a.portal"
    not_compared = 0
    if options.dedupe == "near":
        (not_compared,) = conn.execute(
            f"SELECT count(*) {joins} LEFT JOIN signatures g ON g.url = a.url WHERE {where}"
            " AND a.word_count >= ? AND (g.url IS NULL OR g.text_hash IS NOT a.text_hash)",
            [*params, NEAR_MIN_WORDS],
        ).fetchone()
    if options.dedupe != "none":
        where += _keepers(conn, options, where, params)
    (total,) = conn.execute(f"SELECT count(*) {joins} WHERE {where}", params).fetchone()
    # The origin a row was fetched from; a recovered row's is named with its web archive, an
    # imported row's is "import" (its fetched_from names a file and an offset).
    site = "substr(c.fetched_from, 1, instr(substr(c.fetched_from, 9), '/') + 7)"
    origin = (
        f"CASE a.source WHEN 'live' THEN {site} WHEN 'import' THEN 'import' "
        f"ELSE a.source || ' ' || {site} END"
    )
    origins: Counter[str] = Counter(
        {
            str(fetched or "unknown"): int(n)
            for fetched, n in conn.execute(
                f"SELECT {origin}, count(*) {joins} LEFT JOIN captures c ON c.id = a.capture_id "
                f"WHERE {where} GROUP BY 1",
                params,
            )
        }
    )
    # published and portal are always read: the card counts by them
    columns = [COLUMN_SQL[name] for name in options.fields]
    cursor = conn.execute(
        f"SELECT {', '.join(columns)}, a.published, a.portal, s.province "
        f"{joins} LEFT JOIN captures c ON c.id = a.capture_id WHERE {where} ORDER BY a.url",
        params,
    )

    return total, not_compared, origins, _read_ahead(cursor, options.batch_rows)


def _read_ahead(cursor: sqlite3.Cursor, size: int, depth: int = 2) -> Iterator[list[Any]]:
    """Batches of ``size`` rows, fetched by a thread one or two batches ahead of the writer:
    SQLite and the compressor both release the GIL, so reading overlaps writing on two cores,
    and memory stays bounded (``depth`` batches at most wait)."""
    batches: queue.Queue[list[Any] | BaseException | None] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def read() -> None:
        try:
            while not stop.is_set() and (batch := cursor.fetchmany(size)):
                batches.put(batch)
            batches.put(None)
        except BaseException as error:  # noqa: BLE001 - handed to the consumer
            batches.put(error)

    reader = threading.Thread(target=read, name="export-reader", daemon=True)
    reader.start()
    try:
        while (item := batches.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while reader.is_alive():  # unblock a reader waiting on a full queue
            with suppress(queue.Empty):
                batches.get(timeout=0.1)
        reader.join()
