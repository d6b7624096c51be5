"""SQLite ingest: articles saved per second with the full-text index on, and bytes per article.

    python -m bench.ingest [--articles N]

The articles are the Hanoi portal's, extracted once with its declaration (real Vietnamese text,
real lengths), copied under new URLs up to N. They are saved into a fresh archive through the
store's own save path, with its FTS5 triggers, WAL and synchronous=NORMAL: in transactions of 200
(how a crawl's archive.writer.BatchWriter commits) and one transaction per article (how crawls
wrote before it), on the same rows. Size: the database file after a checkpoint, per article,
split by table and index (SQLite's dbstat), against the article's own text (title, lead, body)
in UTF-8, measured on the real articles alone (copies would share the index's vocabulary).
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from concurrent.futures import wait
from contextlib import closing
from pathlib import Path
from typing import Any

from archive.db import Store
from archive.writer import BatchWriter
from bench.extraction import FETCHED_AT, hanoi_pages
from bench.report import print_figures
from crawler.portals import get_portal
from pipelines.pool import ExtractionPool
from pipelines.record import ArticleRecord

BATCH = 200


def hanoi_records() -> list[ArticleRecord]:
    pool = ExtractionPool(get_portal("hanoi-sotttt"))
    try:
        futures = [pool.submit(url, body, {}, FETCHED_AT) for url, body, _, _ in hanoi_pages(None)]
        wait(futures)
        outcomes = [pool.outcome(future) for future in futures]
    finally:
        pool.close()
    return [outcome for outcome in outcomes if isinstance(outcome, dict)]


def copies(records: list[ArticleRecord], total: int) -> list[ArticleRecord]:
    """``total`` rows: the records again and again, each copy under its own URL and key."""
    rows = []
    for n in range(total):
        record = dict(records[n % len(records)])
        copy = n // len(records)
        if copy:
            record["url"] = record["fetched_url"] = f"{record['url']}?copy={copy}"
            record["article_key"] = f"{record['article_key']}-{copy}"
        rows.append(record)
    return rows


def batched(path: Path, rows: list[ArticleRecord]) -> float:
    with Store(path) as store:
        writer = BatchWriter(store, max_ops=BATCH)
        started = time.perf_counter()
        for row in rows:
            writer.save_article(row, None, None)
            if writer.pending >= BATCH:
                writer.flush()
        writer.flush()
        return time.perf_counter() - started


def one_by_one(path: Path, rows: list[ArticleRecord]) -> float:
    with Store(path) as store:
        started = time.perf_counter()
        for row in rows:
            store.save_article(row)
        return time.perf_counter() - started


def sizes(path: Path) -> tuple[dict[str, int], int]:
    """Bytes by part of the database, and the file's size, after a checkpoint."""
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        by_name = dict(conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"))
    parts = {"articles": 0, "full-text index": 0, "other indexes and tables": 0}
    for name, size in by_name.items():
        if name.startswith("articles_fts"):
            parts["full-text index"] += size
        elif name == "articles":
            parts["articles"] += size
        else:
            parts["other indexes and tables"] += size
    return parts, path.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    args = parser.parse_args()
    records = hanoi_records()
    rows = copies(records, args.articles)
    folder = Path(tempfile.mkdtemp(prefix="portal-archive-bench-ingest-"))
    fast = batched(folder / "batched.db", rows)
    slow_rows = rows[: max(BATCH, args.articles // 4)]
    slow = one_by_one(folder / "one-by-one.db", slow_rows)
    # Size on the real articles only: copies would share the full-text index's vocabulary.
    batched(folder / "unique.db", records)
    parts, file_size = sizes(folder / "unique.db")
    text_bytes = sum(len((row["title"] + row["lead"] + row["text"]).encode()) for row in records)

    n, unique = len(rows), len(records)
    figures: dict[str, Any] = {
        "articles": n,
        "articles_per_second/batched_200": round(n / fast, 1),
        "articles_per_second/one_per_transaction": round(len(slow_rows) / slow, 1),
        "batching_speedup": round((n / fast) / (len(slow_rows) / slow), 2),
        "text_bytes_per_article": round(text_bytes / unique),
        "db_bytes_per_article": round(file_size / unique),
        **{f"db_bytes_per_article/{name}": round(size / unique) for name, size in parts.items()},
        "db_bytes_per_text_byte": round(file_size / text_bytes, 2),
    }
    print(f"{n} articles ({len(records)} Hanoi articles, copied), FTS5 on, WAL, in {folder}\n")
    print_figures("ingest", figures)


if __name__ == "__main__":
    main()
