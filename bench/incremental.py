"""What a scheduled crawl costs: a second crawl of an unchanged portal, and one with k new
articles, against the first full crawl (simulated Báo Hà Tĩnh, on 127.0.0.1).

    python -m bench.incremental [--articles N] [--days D]

Prints requests per crawl, the ratios the issue sets targets for (second/first ≤ 2 %; with k
new articles ≤ k + listing pages + a small constant) and a final JSON line.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from archive import Archive
from bench.report import print_figures
from simulator import DEFAULT_CLOCK, Simulator

PORTAL = "baohatinh"


def crawl(sim: Simulator, db: Path) -> tuple[int, int, float]:
    """(requests, new articles, seconds) of one crawl, through the Python API (the first in
    this process, the next ones in a child process: Scrapy's reactor runs once per process)."""
    started = time.perf_counter()
    result = Archive(db).crawl(PORTAL, fetch_base=sim.base_url(PORTAL), progress=False)
    if not result.ok:
        sys.exit(f"crawl failed: {result.finish_reason} {result.failure or ''}")
    stats = result.stats
    requests = stats.get("downloader/request_count", 0)
    return requests, stats.get("archive/articles/new", 0), time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=3000, help="articles on the site")
    parser.add_argument("--days", type=int, default=7, help="simulated days between crawls")
    args = parser.parse_args()
    db = Path(tempfile.mkdtemp(prefix="bench-incremental-")) / "archive.db"
    first_clock = DEFAULT_CLOCK - timedelta(days=args.days)
    with Simulator(seed=1, articles=args.articles, only=[PORTAL]) as sim:
        site = sim.sites[PORTAL]
        site.edits.clear()
        site.removals.clear()
        sim.set_clock(first_clock)
        first = crawl(sim, db)
        second = crawl(sim, db)
        sim.set_clock(DEFAULT_CLOCK)
        fresh = len(site.visible(DEFAULT_CLOCK)) - len(site.visible(first_clock))
        third = crawl(sim, db)
    sections = len(site.sections)
    figures = {
        "first_crawl_requests": first[0],
        "first_crawl_articles": first[1],
        "first_crawl_seconds": round(first[2], 1),
        "unchanged_recrawl_requests": second[0],
        "unchanged_ratio": round(second[0] / first[0], 4),
        "new_articles": fresh,
        "stored_new": third[1],
        "with_new_requests": third[0],
        "with_new_overhead": third[0] - fresh,
        "listing_pages_bound": 2 + 2 * sections,
    }
    print_figures("incremental", figures)


if __name__ == "__main__":
    main()
