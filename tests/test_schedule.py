"""Cron safety: several portals in one command, exit codes, and one crawl per portal at a time."""

import socket
import sqlite3
import subprocess
import sys
from contextlib import closing

import pytest

from archive.locks import LockedError, portal_lock
from simulator import DEFAULT_CLOCK, Simulator
from tests.simcrawl import portal_archive

pytestmark = pytest.mark.slow  # end-to-end: crawls in a subprocess


def closed_port_url():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


@pytest.fixture(scope="module")
def sim():
    with Simulator(seed=2, articles=30, only=["honglinh", "thanhuy-backan"]) as simulator:
        simulator.set_clock(DEFAULT_CLOCK)
        yield simulator


def test_several_portals_in_one_command(sim, tmp_path):
    db = tmp_path / "a.db"
    bases = [f"--fetch-base={p}={sim.base_url(p)}" for p in ("honglinh", "thanhuy-backan")]
    result = portal_archive("crawl", "honglinh", "thanhuy-backan", "--db", str(db), *bases)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 portals: 2 crawled, 0 failed" in result.stdout
    # each portal's lines as they come, prefixed with its id
    assert "[honglinh] Crawl of honglinh finished" in result.stdout
    assert "[thanhuy-backan]   pages fetched:" in result.stdout
    with closing(sqlite3.connect(db)) as conn:
        runs = conn.execute("SELECT portal, status, articles_new FROM runs ORDER BY portal")
        assert [(p, s) for p, s, n in runs if n] == [
            ("honglinh", "finished"),
            ("thanhuy-backan", "finished"),
        ]


def test_exit_codes_tell_partial_from_total_failure(sim, tmp_path):
    db = str(tmp_path / "a.db")
    dead = closed_port_url()
    partial = portal_archive(
        "crawl", "honglinh", "thanhuy-backan", "--db", db,
        f"--fetch-base=honglinh={sim.base_url('honglinh')}",
        f"--fetch-base=thanhuy-backan={dead}",
    )  # fmt: skip
    assert partial.returncode == 3, partial.stdout + partial.stderr
    assert "1 failed (thanhuy-backan)" in partial.stdout
    assert "no answer from" in partial.stdout
    total = portal_archive("crawl", "daksong", "--db", db, "--fetch-base", dead)
    assert total.returncode == 1
    with closing(sqlite3.connect(db)) as conn:
        (status,) = conn.execute("SELECT status FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    assert status == "no_response"


def test_a_second_crawl_of_the_same_portal_and_archive_waits_its_turn(sim, tmp_path):
    db = tmp_path / "a.db"
    with portal_lock(db, "honglinh"):
        result = portal_archive(
            "crawl", "honglinh", "--db", str(db), "--fetch-base", sim.base_url("honglinh")
        )
        other = portal_archive(
            "crawl", "thanhuy-backan", "--db", str(db),
            "--fetch-base", sim.base_url("thanhuy-backan"),
        )  # fmt: skip
    assert result.returncode == 75
    assert "already running" in result.stderr and "Traceback" not in result.stderr
    assert other.returncode == 0  # another portal of the same archive is not held up
    again = portal_archive(
        "crawl", "honglinh", "--db", str(db), "--fetch-base", sim.base_url("honglinh")
    )
    assert again.returncode == 0  # the lock went with its holder


def test_usage_mistakes_are_one_line(tmp_path):
    db = str(tmp_path / "a.db")
    assert "name at least one portal" in portal_archive("crawl", "--db", db).stderr
    both = portal_archive("crawl", "honglinh", "daksong", "--fetch-base", "http://127.0.0.1:1")
    assert both.returncode == 2 and "PORTAL=URL" in both.stderr


def test_a_killed_crawl_leaves_no_stale_lock(tmp_path):
    db = tmp_path / "a.db"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom archive.locks import portal_lock\n"
            f"with portal_lock({str(db)!r}, 'honglinh'):\n"
            "    print('locked', flush=True)\n    time.sleep(60)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "locked"
    with pytest.raises(LockedError):
        with portal_lock(db, "honglinh"):
            pass
    holder.kill()  # SIGKILL: no cleanup runs
    holder.wait()
    with portal_lock(db, "honglinh"):
        pass


def test_a_site_that_refuses_connections_is_a_few_lines_not_tracebacks(tmp_path):
    """Scrapy logs each network error with its traceback (a refused connection printed 134
    lines); without --verbose each is one line."""
    result = portal_archive(
        "crawl", "honglinh", "--db", tmp_path / "a.db", "--fetch-base", "http://127.0.0.1:1"
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert 0 < len(result.stderr.splitlines()) <= 6, result.stderr
    assert "no answer from http://127.0.0.1:1" in result.stdout
