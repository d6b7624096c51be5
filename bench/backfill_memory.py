"""Memory of a deep backfill: peak RSS of the crawl process on a large simulated portal.

    python -m bench.backfill_memory [--articles N]

The simulator (in this process) serves a Hồng Lĩnh-style portal with N articles (default
100,000) on 127.0.0.1; ``portal-archive backfill`` (a child process) pulls its whole history.
Prints articles stored, pages, time, and the child's peak RSS (target: ≤ 400 MB), then a JSON
line. 100k articles take about half an hour on 2 cores.
"""

from __future__ import annotations

import argparse
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

from bench.report import print_figures
from simulator import DEFAULT_CLOCK, Simulator

PORTAL = "honglinh"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    args = parser.parse_args()
    db = Path(tempfile.mkdtemp(prefix="bench-backfill-")) / "archive.db"
    with Simulator(seed=1, articles=args.articles, only=[PORTAL]) as sim:
        sim.set_clock(DEFAULT_CLOCK)
        visible = len(sim.sites[PORTAL].visible(DEFAULT_CLOCK))
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "archive", "backfill", PORTAL, "--since", "2000-01-01"]
            + ["--db", str(db), "--fetch-base", sim.base_url(PORTAL)],
            capture_output=True,
            text=True,
            check=False,
        )
        elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"backfill failed:\n{result.stdout}\n{result.stderr[-2000:]}")
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # Linux: KiB
    with closing(sqlite3.connect(db)) as conn:
        stored, pages = conn.execute(
            "SELECT (SELECT count(*) FROM articles), pages FROM runs ORDER BY id DESC LIMIT 1"
        ).fetchone()
    figures = {
        "articles_on_site": visible,
        "articles_stored": stored,
        "pages_fetched": pages,
        "seconds": round(elapsed, 1),
        "peak_rss_mb": round(peak_kib / 1024, 1),
    }
    print_figures("backfill_memory", figures)


if __name__ == "__main__":
    main()
