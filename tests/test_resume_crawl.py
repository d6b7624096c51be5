"""A crawl cut short (--limit, kill -9, a listing page given up) is finished by the next plain
crawl: it reads on where the walks stopped instead of stopping at page 1, where nothing is new.
Before walks were resumed, the second crawl stored only a handful more articles."""

import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing

import pytest

from simulator import DEFAULT_CLOCK, Simulator
from simulator.site import Fault
from tests.simcrawl import crawl, crawl_ok, stored

pytestmark = pytest.mark.slow  # end-to-end: crawls in a subprocess

LISTINGS_ONLY = "hatinhcity"  # found through its listings alone
WITH_SITEMAPS = "baohatinh"  # through sitemaps and listings


@pytest.fixture(scope="module")
def sim():
    with Simulator(seed=8, articles=400, only=[LISTINGS_ONLY, WITH_SITEMAPS]) as simulator:
        for site in simulator.sites.values():
            site.edits.clear()
            site.removals.clear()
        simulator.set_clock(DEFAULT_CLOCK)
        yield simulator


def everything(sim, portal):
    return {str(a.id) for a in sim.sites[portal].visible(DEFAULT_CLOCK)}


def walk_marks(db):
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute("SELECT count(*) FROM walk_resumes").fetchone()[0]


def stored_so_far(db, portal):
    """Articles stored by a crawl under way (0 before it has made its tables)."""
    try:
        return len(stored(db, portal))
    except sqlite3.OperationalError:
        return 0


@pytest.mark.parametrize("portal", [LISTINGS_ONLY, WITH_SITEMAPS])
def test_a_crawl_cut_by_the_limit_is_finished_by_the_next_crawl(sim, tmp_path, portal):
    db = tmp_path / "limit.db"
    crawl_ok(sim, portal, db, "--limit", "60")
    assert len(stored(db, portal)) <= 60
    if portal == LISTINGS_ONLY:
        assert walk_marks(db) > 0
    crawl_ok(sim, portal, db)
    assert set(stored(db, portal)) == everything(sim, portal)
    assert walk_marks(db) == 0  # every walk ended by its own rules


@pytest.mark.parametrize("portal", [LISTINGS_ONLY, WITH_SITEMAPS])
def test_a_killed_crawl_is_finished_by_the_next_crawl(sim, tmp_path, portal):
    db = tmp_path / "killed.db"
    command = [sys.executable, "-m", "archive", "crawl", portal, "--db", str(db)]
    command += ["--fetch-base", sim.base_url(portal)]
    victim = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and victim.poll() is None:
        if 60 <= stored_so_far(db, portal):
            break
        time.sleep(0.2)
    assert victim.poll() is None, "the crawl ended before it could be killed"
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    before = len(stored(db, portal))
    assert before < len(everything(sim, portal))
    result = crawl(sim, portal, db)
    assert result.returncode == 0, result.stderr[-2000:]
    assert set(stored(db, portal)) == everything(sim, portal)
    with closing(sqlite3.connect(db)) as conn:
        statuses = [s for (s,) in conn.execute("SELECT status FROM runs ORDER BY id")]
    assert statuses == ["interrupted", "finished"]


def test_a_listing_page_given_up_is_read_by_the_next_crawl(sim, tmp_path):
    portal = LISTINGS_ONLY
    db = tmp_path / "fault.db"
    site = sim.sites[portal]
    # Listing pages from 3 on answer 503 "come back in an hour": the walk gives them up.
    fault = Fault(r"^/tin-tuc-su-kien\.html\?page=(?:[3-9]|\d\d)$", "status", retry_after=3600)
    site.faults.append(fault)
    try:
        first = crawl(sim, portal, db)
    finally:
        site.faults.remove(fault)
    missing = everything(sim, portal) - set(stored(db, portal))
    assert missing, "the fault cost nothing: it tests nothing"
    assert first.returncode != 0  # pages were lost: not a success
    crawl_ok(sim, portal, db)
    assert set(stored(db, portal)) == everything(sim, portal)
