"""Politeness beyond Scrapy's defaults, on the simulator: Retry-After, robots.txt errors,
Crawl-delay."""

import sqlite3
from contextlib import closing
from datetime import datetime

import pytest

from crawler.politeness import retry_after_seconds
from simulator import DEFAULT_CLOCK, Fault, Simulator
from tests.simcrawl import crawl, last_run_stats, stored

pytestmark = pytest.mark.slow  # end-to-end: crawls in a subprocess

PORTAL = "thanhuy-backan"


@pytest.fixture
def sim():
    with Simulator(seed=4, articles=8, only=[PORTAL]) as simulator:
        simulator.set_clock(DEFAULT_CLOCK)
        yield simulator


def captures(db, path):
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(
            "SELECT status, fetched_at FROM captures WHERE url = ? ORDER BY id",
            [f"https://thanhuy.backan.dcs.vn{path}"],
        ).fetchall()


def test_retry_after_pauses_the_site_then_the_crawl_goes_on(sim, tmp_path):
    sim.add_fault(PORTAL, Fault(r"^/$", "status", status=503, retry_after=3, times=1))
    db = tmp_path / "a.db"
    assert crawl(sim, PORTAL, db).returncode == 0
    (first, at_first), (second, at_second) = captures(db, "/")
    assert (first, second) == (503, 200)
    waited = datetime.fromisoformat(at_second) - datetime.fromisoformat(at_first)
    assert waited.total_seconds() >= 2  # 3 s asked; timestamps are to the second
    assert last_run_stats(db)["portal/retry_after/honoured"] == 1
    assert len(stored(db, PORTAL)) == len(sim.sites[PORTAL].visible(DEFAULT_CLOCK))


def test_a_wait_too_long_is_not_waited(sim, tmp_path):
    sim.add_fault(PORTAL, Fault(r"^/$", "status", status=429, retry_after=86400, times=1))
    db = tmp_path / "a.db"
    crawl(sim, PORTAL, db)
    assert [status for status, _ in captures(db, "/")] == [429]
    assert last_run_stats(db)["portal/retry_after/too_long"] == 1


def test_a_robots_txt_server_error_disallows_the_site_for_now(sim, tmp_path):
    sim.add_fault(PORTAL, Fault(r"^/robots\.txt$", "status", status=503))
    db = tmp_path / "a.db"
    result = crawl(sim, PORTAL, db)
    stats = last_run_stats(db)
    assert stats["robotstxt/server_error_disallow"] == 1
    assert stats["robotstxt/forbidden"] >= 1
    assert stats["response_received_count"] == 1  # robots.txt, and nothing else
    assert stored(db, PORTAL) == {}
    # not a success: exit 1, the run recorded as failed, and why
    assert result.returncode == 1
    assert "FAILED: robots.txt answered a server error" in result.stdout
    assert run_status(db) == "failed"


def run_status(db):
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute("SELECT status FROM runs ORDER BY id DESC LIMIT 1").fetchone()[0]


def test_an_unreachable_robots_txt_disallows_the_site_for_now(sim, tmp_path):
    """RFC 9309 §2.3.1.4: robots.txt unreachable (the connection dropped) means complete
    disallow; Scrapy would have allowed everything."""
    sim.add_fault(PORTAL, Fault(r"^/robots\.txt$", "drop"))
    db = tmp_path / "a.db"
    result = crawl(sim, PORTAL, db)
    stats = last_run_stats(db)
    assert stats["robotstxt/unreachable_disallow"] == 1
    assert stats["robotstxt/forbidden"] >= 1
    assert stats.get("response_received_count", 0) == 0
    assert result.returncode == 1 and run_status(db) in ("failed", "no_response")


def test_a_start_page_that_fails_is_not_a_finished_crawl(sim, tmp_path):
    sim.add_fault(PORTAL, Fault(r"^/$", "status", status=500))
    db = tmp_path / "a.db"
    result = crawl(sim, PORTAL, db)
    assert result.returncode == 1
    assert "FAILED: the start page could not be fetched" in result.stdout
    assert run_status(db) == "failed"


def test_crawl_delay_spaces_the_requests(sim, tmp_path):
    sim.sites[PORTAL].options["crawl_delay"] = 1
    db = tmp_path / "a.db"
    assert crawl(sim, PORTAL, db).returncode == 0
    stats = last_run_stats(db)
    assert stats["robotstxt/crawl_delay"] == 1.0
    pages = stats["response_received_count"]
    with closing(sqlite3.connect(db)) as conn:
        span = "SELECT min(fetched_at), max(fetched_at) FROM captures"
        first, last = conn.execute(span).fetchone()
    elapsed = (datetime.fromisoformat(last) - datetime.fromisoformat(first)).total_seconds()
    assert pages >= 8 and elapsed >= pages - 2


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("120", 120.0), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0), ("soon", None)],
)
def test_retry_after_values(value, seconds):
    assert retry_after_seconds(value) == seconds
