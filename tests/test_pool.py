"""Extraction on worker processes: same results as extracting inline, and a page that hangs,
kills its worker or raises costs only that page."""

import sqlite3
import time
from concurrent.futures import wait

import pytest

from crawler.portals import get_portal
from pipelines.extraction import NotAnArticle, extract_article
from pipelines.pool import ExtractionPool, WorkerFailure
from pipelines.record import article_record
from tests.faulty_extraction import fault
from tests.simcrawl import crawl_ok, steady_simulator
from tests.test_fixtures import CASES, load

FAULTY = "tests.faulty_extraction.extract"


def seed_page():
    case = next(case for case in CASES if case.parent.name == "baohatinh" and case.name == "seed")
    meta, _, body = load(case)
    return meta, body


def test_workers_give_what_inline_extraction_gives():
    pool = ExtractionPool(get_portal("baohatinh"), workers=2)
    try:
        pages = [load(case) for case in CASES if case.parent.name == "baohatinh"]
        futures = [
            pool.submit(meta["url"], body, meta["headers"], meta["fetched_at"])
            for meta, _, body in pages
        ]
        wait(futures, timeout=60)
        for future, (meta, _, body) in zip(futures, pages, strict=True):
            inline = extract_article(
                meta["url"], body, meta["headers"], meta["fetched_at"], get_portal("baohatinh")
            )
            assert pool.outcome(future) == article_record(inline)
    finally:
        pool.close()


def test_not_an_article_comes_back_as_such():
    pool = ExtractionPool(get_portal("baohatinh"), workers=1)
    try:
        future = pool.submit("https://baohatinh.vn/", b"<html><body></body></html>", {}, "2025")
        outcome = pool.outcome(future)
        assert isinstance(outcome, NotAnArticle)
        assert outcome.reason
    finally:
        pool.close()


def test_a_hang_a_crash_and_an_exception_cost_only_their_page():
    meta, body = seed_page()
    pool = ExtractionPool(get_portal("baohatinh"), workers=2, timeout=2, function=FAULTY)
    try:
        started = time.monotonic()
        urls = {
            kind: meta["url"].replace(".htm", f"-fault-{kind}.htm")
            for kind in ("hang", "crash", "raise")
        }
        faulty = {
            kind: pool.submit(url, body, meta["headers"], meta["fetched_at"])
            for kind, url in urls.items()
        }
        # The good pages queued behind them still come through, on the replaced workers.
        good = [
            pool.submit(meta["url"], body, meta["headers"], meta["fetched_at"]) for _ in range(4)
        ]
        wait([*faulty.values(), *good], timeout=60)
        outcomes = {kind: pool.outcome(future) for kind, future in faulty.items()}
        assert all(isinstance(outcome, WorkerFailure) for outcome in outcomes.values())
        assert outcomes["hang"].reason == "timeout: no result after 2 s"
        assert outcomes["crash"].reason == "worker died: exit code -9"
        assert outcomes["raise"].reason == "ValueError: the page broke the extractor"
        assert all(isinstance(pool.outcome(future), dict) for future in good)
        assert time.monotonic() - started < 30
    finally:
        pool.close()


@pytest.mark.slow
def test_a_crawl_records_pages_that_hang_crash_or_raise_and_goes_on(tmp_path):
    portal = get_portal("hatinhcity")
    db = tmp_path / "faults.db"
    with steady_simulator("hatinhcity", seed=5, articles=40) as simulator:
        result = crawl_ok(
            simulator,
            "hatinhcity",
            db,
            *("-s", f"ARCHIVE_EXTRACT_FUNCTION={FAULTY}"),
            *("-s", "ARCHIVE_EXTRACT_TIMEOUT=2"),
            *("-s", "ARCHIVE_EXTRACT_WORKERS=2"),
        )
    with sqlite3.connect(db) as conn:
        fetched = {
            url
            for (url,) in conn.execute("SELECT url FROM captures WHERE status = 200")
            if portal.is_article(url)
        }
        failed = dict(conn.execute("SELECT url, reason FROM extraction_failures"))
        stored_from = {url for (url,) in conn.execute("SELECT fetched_url FROM articles")}
    reasons = {
        "hang": "timeout: no result after 2 s",
        "crash": "worker died: exit code -9",
        "raise": "ValueError: the page broke the extractor",
    }
    faulty = {url: fault(url) for url in fetched if fault(url)}
    assert set(faulty.values()) == set(reasons), "the sample must have each kind of fault"
    assert failed == {url: reasons[kind] for url, kind in faulty.items()}
    assert stored_from == fetched - set(faulty)
    assert f"extraction failures: {len(faulty)}" in result.stdout


CHILD = """
import sys, time
sys.path.insert(0, {root!r})
from concurrent.futures import ProcessPoolExecutor
import multiprocessing
from pipelines.pool import ExtractionPool, die_with_parent

if __name__ == "__main__":
    pool = ExtractionPool(None, workers=2)
    pages = [pool.submit("https://x.vn/a", b"<html></html>", {{}}, "2025-01-01") for _ in "ab"]
    [page.exception() for page in pages]
    executor = ProcessPoolExecutor(2, multiprocessing.get_context("fork"), die_with_parent)
    list(executor.map(abs, [1, 2]))
    print("ready", flush=True)
    time.sleep(60)
"""


def test_workers_die_with_their_parent_even_after_kill_9(tmp_path):
    """The crawl's pebble workers (children of a fork server) and re-extraction's (children of
    the command) used to outlive a killed command for half an hour."""
    import signal
    import subprocess
    import sys
    from pathlib import Path

    script = tmp_path / "child.py"
    script.write_text(CHILD.format(root=str(Path(__file__).resolve().parent.parent)))
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    assert parent.stdout.readline().strip() == "ready"
    descendants = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(parent.pid)], capture_output=True, text=True
    ).stdout.split()
    workers = [int(pid) for pid in descendants]
    for child in list(workers):  # the fork server's own children: the pebble workers
        grandchildren = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(child)], capture_output=True, text=True
        ).stdout.split()
        workers += [int(pid) for pid in grandchildren]
    assert len(workers) >= 4
    parent.send_signal(signal.SIGKILL)
    parent.wait()

    def alive(pid):
        try:
            with open(f"/proc/{pid}/stat") as stat:
                return stat.read().split()[2] != "Z"
        except FileNotFoundError:
            return False

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(alive(pid) for pid in workers):
        time.sleep(0.1)
    assert [pid for pid in workers if alive(pid)] == []
