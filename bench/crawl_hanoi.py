"""Full crawl of the replayed Hanoi portal: coverage of the reachable articles, traps, speed.

    python -m bench.crawl_hanoi [--db PATH]

Crawls from the home page into a fresh database through the real command, then prints a table
and a final JSON line: reachable articles (computed from the mirror's links, independently of the
crawler), stored, coverage, non-article rows, wall time, pages/s.
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
from crawler.portals import get_portal
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
    print_figures("crawl_hanoi", figures)


if __name__ == "__main__":
    main()
