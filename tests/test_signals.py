"""SIGTERM and SIGINT stop a crawl within seconds whatever it waits on (here a site paused for a
503's Retry-After), record the run as interrupted, and leave the next crawl to finish the job.
Before, Scrapy's graceful stop waited out the pause, and `timeout` or systemd sent SIGKILL."""

import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing

import pytest

from simulator import DEFAULT_CLOCK
from simulator.site import Fault
from tests.simcrawl import crawl_ok, steady_simulator, stored

pytestmark = pytest.mark.slow  # end-to-end: crawls in a subprocess

PORTAL = "hatinhcity"
PAUSE = 120  # seconds the site asks for: far beyond what a stop may take


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_a_crawl_paused_by_retry_after_within_seconds(tmp_path, signum):
    with steady_simulator(PORTAL, seed=4, articles=200) as sim:
        sim.set_clock(DEFAULT_CLOCK)
        fault = Fault(r"\?page=2$", "status", retry_after=PAUSE, times=1)
        sim.sites[PORTAL].faults.append(fault)
        db = tmp_path / "signal.db"
        command = [sys.executable, "-m", "archive", "crawl", PORTAL, "--db", str(db)]
        command += ["--fetch-base", sim.base_url(PORTAL)]
        crawl = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while fault.hits == 0 and time.monotonic() < deadline and crawl.poll() is None:
            time.sleep(0.1)
        assert fault.hits == 1, "the crawl never reached the paused page"
        time.sleep(1)  # the articles already queued are fetched; then only the pause is left
        sent = time.monotonic()
        crawl.send_signal(signum)
        out, err = crawl.communicate(timeout=PAUSE)
        took = time.monotonic() - sent
        assert took < 10, f"{took:.1f} s to stop: {err[-2000:]}"
        assert crawl.returncode != 0
        assert "Traceback" not in err
        with closing(sqlite3.connect(db)) as conn:
            (status,) = conn.execute("SELECT status FROM runs").fetchone()
        assert status == "interrupted"
        sim.sites[PORTAL].faults.clear()
        crawl_ok(sim, PORTAL, db)  # the lock was let go; the walk goes on where it stopped
        assert set(stored(db, PORTAL)) == {str(a.id) for a in sim.sites[PORTAL].visible(sim.now())}
