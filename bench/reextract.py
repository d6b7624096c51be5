"""Re-extraction from WARC: one process against the pool, and whether the rebuild is identical.

    python -m bench.reextract [--db PATH] [--jobs N]

Without ``--db``, crawls the replayed Hanoi portal first (about two minutes). Then, on copies of
the archive with the articles table emptied, re-extracts every capture: in this process
(``workers=1``, the plain loop) and on the pool, alternately, ``--repeat`` times each (timings
on a shared 2-core VM vary by 10 %; the medians are compared). Prints both times, the speed-up
and whether every rebuild equals the crawled table row for row; a final JSON line for scripts.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from archive.db import Store
from archive.reextract import capture_jobs, reextract
from archive.warc import warc_dir_for
from bench.report import print_figures

EVERY_ROW = "SELECT * FROM articles ORDER BY url"


def crawl_hanoi(db: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "archive", "crawl", "hanoi-sotttt", "--db", str(db)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"crawl failed:\n{result.stdout}\n{result.stderr[-2000:]}")


def rows(db: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(EVERY_ROW).fetchall()


def timed_rebuild(source: Path, workers: int, scratch: Path) -> tuple[float, int, bool]:
    """(seconds, captures, identical) for one rebuild of ``source``'s articles."""
    db = scratch / f"rebuild-{workers}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    with sqlite3.connect(source) as original, sqlite3.connect(db) as copy:
        original.backup(copy)
    expected = rows(db)
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM articles")
        conn.execute("DELETE FROM article_revisions")
    with Store(db) as store:
        jobs = capture_jobs(store, Path(warc_dir_for(source)))
        started = time.perf_counter()
        reextract(store, jobs, workers)
        elapsed = time.perf_counter() - started
    return elapsed, len(jobs), rows(db) == expected


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="an archive crawled with WARC capture on")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="pool size")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each mode")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="bench-reextract-"))
    db = args.db
    if db is None:
        db = scratch / "hanoi.db"
        crawl_hanoi(db)
    runs: dict[int, list[tuple[float, int, bool]]] = {1: [], args.jobs: []}
    for _ in range(args.repeat):
        for workers in runs:
            runs[workers].append(timed_rebuild(db, workers, scratch))
    single = statistics.median(seconds for seconds, _, _ in runs[1])
    pooled = statistics.median(seconds for seconds, _, _ in runs[args.jobs])
    captures = runs[1][0][1]
    single_same = all(same for _, _, same in runs[1])
    pooled_same = all(same for _, _, same in runs[args.jobs])
    figures = {
        "captures": captures,
        "single_process_seconds": round(single, 1),
        "pool_seconds": round(pooled, 1),
        "pool_processes": args.jobs,
        "runs_each": args.repeat,
        "speedup": round(single / pooled, 2),
        "single_rebuild_identical": single_same,
        "pool_rebuild_identical": pooled_same,
    }
    print_figures("reextract", figures)
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
