"""Backfills: walk a portal's history back to a date, and survive kill -9 (resume, nothing lost,
nothing twice)."""

import gzip
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from datetime import date

import pytest

from simulator import DEFAULT_CLOCK, Fault, Simulator
from tests.simcrawl import last_run_stats

PORTAL = "honglinh"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sim():
    with Simulator(seed=1, articles=400, only=[PORTAL]) as simulator:
        simulator.sites[PORTAL].removals.clear()
        simulator.set_clock(DEFAULT_CLOCK)
        yield simulator


def backfill_command(sim, db, since):
    return [sys.executable, "-m", "archive", "backfill", PORTAL, "--since", since]  + [
        "--db", str(db), "--fetch-base", sim.base_url(PORTAL)
    ]  # fmt: skip


def stored_keys(db):
    with closing(sqlite3.connect(db)) as conn:
        keys = [k for (k,) in conn.execute("SELECT article_key FROM articles")]
    return keys


def test_backfill_stops_by_date(sim, tmp_path):
    db = tmp_path / "a.db"
    since = date(2022, 5, 17)
    result = subprocess.run(backfill_command(sim, db, since.isoformat()), capture_output=True,
                            text=True, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    visible = sim.sites[PORTAL].visible(DEFAULT_CLOCK)
    wanted = {str(a.id) for a in visible if a.published.date() >= since}
    keys = set(stored_keys(db))
    assert wanted <= keys
    assert len(keys) < len(wanted) + 2 * sim.sites[PORTAL].page_size  # not the whole history
    assert last_run_stats(db)["portal/listing/before_since"] >= 1
    assert "oldest listing date reached: 2022-" in result.stdout


def test_backfill_until_leaves_out_newer_articles(sim, tmp_path):
    db = tmp_path / "a.db"
    since, until = date(2022, 5, 17), date(2023, 1, 31)
    command = backfill_command(sim, db, since.isoformat()) + ["--until", until.isoformat()]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    visible = sim.sites[PORTAL].visible(DEFAULT_CLOCK)
    wanted = {str(a.id) for a in visible if since <= a.published.date() <= until}
    newer = {str(a.id) for a in visible if a.published.date() > until}
    keys = set(stored_keys(db))
    assert wanted <= keys
    assert not keys & newer
    assert last_run_stats(db)["portal/article/after_until"] >= len(newer)


def test_backfill_refuses_an_impossible_date_range(sim, tmp_path):
    command = backfill_command(sim, tmp_path / "a.db", "2023-01-01") + ["--until", "2022-01-01"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert "--until 2022-01-01 is before --since 2023-01-01" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "a.db").exists()


def test_kill_9_then_resume_loses_nothing_and_stores_nothing_twice(sim, tmp_path):
    db = tmp_path / "a.db"
    command = backfill_command(sim, db, "2010-01-01")
    # The walk is held at a listing page past the 120th article until the kill, so the backfill
    # cannot have finished first, however fast the machine (pages are walked one after another).
    held = sim.sites[PORTAL].page_size
    stall = Fault(rf"Page={150 // held + 2}\b", "slow", delay=30, times=1)
    sim.add_fault(PORTAL, stall)
    first = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        time.sleep(0.2)
        try:
            if stall.hits and len(stored_keys(db)) >= 120:
                break
        except sqlite3.OperationalError:
            pass  # not created yet
    first.send_signal(signal.SIGKILL)
    first.wait()
    interrupted = stored_keys(db)
    visible = {str(a.id) for a in sim.sites[PORTAL].visible(DEFAULT_CLOCK)}
    assert 120 <= len(interrupted) < len(visible)
    resumed = subprocess.run(command, capture_output=True, text=True, check=False)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    keys = stored_keys(db)
    assert len(keys) == len(set(keys))  # nothing twice
    assert set(keys) == visible  # nothing lost
    stats = last_run_stats(db)
    assert stats["archive/articles/new"] == len(visible) - len(interrupted)
    with closing(sqlite3.connect(db)) as conn:
        statuses = [s for (s,) in conn.execute("SELECT status FROM runs ORDER BY id")]
    assert statuses == ["interrupted", "finished"]  # the killed run, marked by the next
    assert stats["portal/article/known"] >= len(interrupted)  # not fetched again
    for warc in (tmp_path / "a-warc").glob("*.warc.gz"):  # no record left cut by the kill
        gzip.decompress(warc.read_bytes())


def test_backfill_eta_follows_the_pace_of_the_walk_so_far():
    from crawler.extensions import backfill_eta

    since = date(2020, 1, 1)
    # 100 days walked in 60 s, 500 days left: 300 s
    assert backfill_eta(since, "2021-08-24", "2021-05-16", 60) == "~5 min"
    assert backfill_eta(since, "2021-08-24", "2021-08-24", 60) is None  # no pace yet
    assert backfill_eta(since, "2021-08-24", "2019-12-31", 60) == "reached"
    assert backfill_eta(None, "2021-08-24", "2021-05-16", 60) is None  # not a backfill


def test_backfill_stops_by_date_on_date_based_paging(tmp_path):
    """Đắk Song's category 16 pages by date (``PublishedDate=``), not by page number."""
    with Simulator(seed=2, articles=300, only=["daksong"]) as daksong:
        daksong.sites["daksong"].removals.clear()
        daksong.set_clock(DEFAULT_CLOCK)
        since = date(2023, 6, 1)
        command = [sys.executable, "-m", "archive", "backfill", "daksong", "--since", str(since)]
        command += ["--db", str(tmp_path / "a.db"), "--fetch-base", daksong.base_url("daksong")]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr[-3000:]
        visible = daksong.sites["daksong"].visible(DEFAULT_CLOCK, "Tin Kinh tế - Đời sống")
    keys = set(stored_keys(tmp_path / "a.db"))
    wanted = {str(a.id) for a in visible if a.published.date() >= since}
    older = {str(a.id) for a in visible if a.published.date() < since}
    assert wanted <= keys
    # the page that crossed --since and "related" links of the articles near it; not the
    # history before it
    assert len(older) > 50 and len(keys & older) < 2 * 10
    assert last_run_stats(tmp_path / "a.db")["portal/listing/before_since"] >= 1
