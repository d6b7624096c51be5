"""Full crawl of the replayed Hanoi portal: coverage of the reachable articles, traps, speed, and
what the crawl costs beyond extracting its pages.

    python -m bench.crawl_hanoi [--db PATH]

Crawls from the home page into a fresh database through the real command (politeness off, as
for every crawl of 127.0.0.1: no delay, 16 requests in flight), then prints a table and a final
JSON line: reachable articles (computed from the mirror's links, independently of the crawler),
stored, coverage, non-article rows, wall time, pages/s. Then it reads back from the WARC files
the very pages the crawl handed to extraction and extracts them again on one core, with bare
trafilatura and with ours: the crawl's wall time over those is its overhead (fetching, link
discovery, WARC, SQLite; extraction runs on the other core meanwhile). Target: at most 1.25x
bare extraction.
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.report import print_figures
from crawler.portals import Portal, get_portal
from tests.hanoi_mirror import reachable_articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="database to create (default: a temp file)")
    args = parser.parse_args()
    db = args.db or Path(tempfile.mkdtemp()) / "hanoi-bench.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)

    reachable = reachable_articles()
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "archive", "crawl", "hanoi-sotttt", "--db", str(db)],
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"crawl failed:\n{result.stdout}\n{result.stderr[-2000:]}")

    portal = get_portal("hanoi-sotttt")
    with sqlite3.connect(db) as conn:
        keys = {k for (k,) in conn.execute("SELECT article_key FROM articles")}
        urls = [u for (u,) in conn.execute("SELECT fetched_url FROM articles")]
        (stats_json,) = conn.execute("SELECT stats FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    stats = json.loads(stats_json)
    pages = stats.get("response_received_count", 0)
    not_articles = sum(
        1
        for u in urls
        if not portal.is_article(u)
        or portal.is_denied(u)
        or re.search(r"(/[^/]+/-/view_content).*\1", u)
    )
    figures = {
        "reachable_articles": len(reachable),
        "stored_articles": len(keys),
        "stored_of_reachable": len(keys & reachable),
        "coverage": round(len(keys & reachable) / len(reachable), 4),
        "non_article_rows": not_articles,
        "pages_fetched": pages,
        "wall_seconds": round(elapsed, 1),
        "pages_per_second": round(pages / elapsed, 1),
    }
    figures.update(overhead(db, portal, elapsed))
    print_figures("crawl_hanoi", figures)


def overhead(db: Path, portal: Portal, wall: float) -> dict[str, float | int]:
    """Bare extraction, one core, of the pages the crawl extracted; the crawl against it."""
    from archive.reextract import read_payload
    from archive.warc import warc_dir_for
    from bench.throughput import bare_trafilatura, ours

    warc_dir = Path(warc_dir_for(str(db)))
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT url, warc_file, offset FROM captures WHERE status = 200 "
            "AND record_type = 'response' AND content_type LIKE '%html%'"
        ).fetchall()
    pages = [
        (url, read_payload(str(warc_dir / warc_file), offset)[0])
        for url, warc_file, offset in rows
        if portal.is_article(url)
    ]
    timings = {}
    for name, function in (("trafilatura", bare_trafilatura), ("ours", ours(portal))):
        started = time.perf_counter()
        for url, body in pages:
            function(url, body)
        timings[name] = time.perf_counter() - started
    return {
        "extracted_pages": len(pages),
        "bare_trafilatura_1_core_seconds": round(timings["trafilatura"], 1),
        "ours_1_core_seconds": round(timings["ours"], 1),
        "crawl_vs_bare_trafilatura": round(wall / timings["trafilatura"], 2),
        "crawl_vs_ours_1_core": round(wall / timings["ours"], 2),
    }


if __name__ == "__main__":
    main()
