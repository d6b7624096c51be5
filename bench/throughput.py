"""Extraction throughput on the Hanoi pages: the lxml parse floor, bare trafilatura, ours on one
core and ours on every core (the crawl's worker pool), side by side in one run.

    python -m bench.throughput [--sample N] [--workers N]

"ours (declared)" is what a crawl of the Hanoi portal runs: its declaration's selectors, then
the Vietnamese cleaning, dates, byline, and the row the archive stores (hashes, word count).
"ours (generic)" is the same for a portal nobody declared. "all cores" goes through
pipelines.pool.ExtractionPool exactly as the crawl does (same in-flight bound, results in
completion order); its start is not timed. Ratios are against bare trafilatura on one core,
measured minutes apart on the same pages, since absolute speeds on a shared VM drift. Target:
ours on 2 cores at least 1.8x bare trafilatura on one core.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, wait

import lxml.html
import trafilatura

from bench.extraction import FETCHED_AT, Page, hanoi_pages
from bench.report import print_figures
from crawler.portals import Portal, get_portal
from pipelines.extract import IN_FLIGHT_PER_WORKER
from pipelines.extraction import NotAnArticle, extract_article
from pipelines.pool import ExtractionPool, WorkerFailure, default_workers
from pipelines.record import article_record


def parse_only(url: str, body: bytes) -> None:
    lxml.html.document_fromstring(body)


def bare_trafilatura(url: str, body: bytes) -> None:
    trafilatura.extract(body, url=url, include_comments=False)


def ours(portal: Portal | None) -> Callable[[str, bytes], None]:
    def run(url: str, body: bytes) -> None:
        try:
            article_record(extract_article(url, body, {}, FETCHED_AT, portal))
        except NotAnArticle:
            pass

    return run


def one_core(pages: list[Page], function: Callable[[str, bytes], None]) -> float:
    started = time.perf_counter()
    for url, body, _, _ in pages:
        function(url, body)
    return time.perf_counter() - started


def all_cores(pages: list[Page], portal: Portal | None, workers: int) -> float:
    pool = ExtractionPool(portal, workers)
    try:
        warm_up = [pool.submit(url, body, {}, FETCHED_AT) for url, body, _, _ in pages[:workers]]
        wait(warm_up)
        started = time.perf_counter()
        in_flight: set[Future] = set()
        failures = 0
        for url, body, _, _ in pages:
            if len(in_flight) >= IN_FLIGHT_PER_WORKER * workers:
                done, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
                failures += sum(_failed(pool, future) for future in done)
            in_flight.add(pool.submit(url, body, {}, FETCHED_AT))
        failures += sum(_failed(pool, future) for future in wait(in_flight).done)
        elapsed = time.perf_counter() - started
    finally:
        pool.close()
    if failures:
        raise SystemExit(f"{failures} pages failed on the pool")
    return elapsed


def _failed(pool: ExtractionPool, future: Future) -> bool:
    return isinstance(pool.outcome(future), WorkerFailure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, help="N of the Hanoi pages instead of all")
    parser.add_argument("--workers", type=int, default=default_workers(), help="default: cores")
    args = parser.parse_args()
    pages = hanoi_pages(args.sample)
    hanoi = get_portal("hanoi-sotttt")

    seconds = {
        "lxml parse only (floor), 1 core": one_core(pages, parse_only),
        "trafilatura, 1 core": one_core(pages, bare_trafilatura),
        "ours (declared), 1 core": one_core(pages, ours(hanoi)),
        f"ours (declared), {args.workers} cores": all_cores(pages, hanoi, args.workers),
        "ours (generic), 1 core": one_core(pages, ours(None)),
        f"ours (generic), {args.workers} cores": all_cores(pages, None, args.workers),
    }
    baseline = seconds["trafilatura, 1 core"]
    print(f"{len(pages)} Hanoi article pages\n")
    print(f"{'extractor':34} {'seconds':>8} {'pages/s':>8} {'x trafilatura 1 core':>21}")
    for name, elapsed in seconds.items():
        print(f"{name:34} {elapsed:8.1f} {len(pages) / elapsed:8.1f} {baseline / elapsed:21.2f}")
    print()
    declared = seconds[f"ours (declared), {args.workers} cores"]
    figures = {
        "pages": len(pages),
        "workers": args.workers,
        **{
            f"pages_per_second/{name}": round(len(pages) / elapsed, 1)
            for name, elapsed in seconds.items()
        },
        "ours_all_cores_vs_trafilatura_1_core": round(baseline / declared, 2),
        "ours_generic_all_cores_vs_trafilatura_1_core": round(
            baseline / seconds[f"ours (generic), {args.workers} cores"], 2
        ),
        "pool_speedup_declared": round(seconds["ours (declared), 1 core"] / declared, 2),
        "target_1_8x_met": baseline / declared >= 1.8,
    }
    print_figures("throughput", figures)


if __name__ == "__main__":
    main()
