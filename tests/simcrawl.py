"""Running the real command from tests (Scrapy's reactor starts once per process), and
crawling the simulator with it."""

import json
import sqlite3
import subprocess
import sys
from contextlib import contextmanager

from simulator import Simulator


def crawl(sim, portal, db, *extra):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "archive",
            "crawl",
            portal,
            "--db",
            str(db),
            "--fetch-base",
            sim.base_url(portal),
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return result


def crawl_ok(sim, portal, db, *extra):
    """``crawl``, which must succeed."""
    result = crawl(sim, portal, db, *extra)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


@contextmanager
def steady_simulator(portal, seed, articles):
    """A simulator of one portal whose articles are never edited or removed by the simulation
    itself: a test makes the changes it looks for."""
    with Simulator(seed=seed, articles=articles, only=[portal]) as simulator:
        simulator.sites[portal].edits.clear()
        simulator.sites[portal].removals.clear()
        yield simulator


def stored(db, portal):
    with sqlite3.connect(db) as conn:
        return {
            k: (t, u)
            for k, t, u in conn.execute(
                "SELECT article_key, title, url FROM articles WHERE portal = ?", [portal]
            )
        }


def last_run_stats(db):
    with sqlite3.connect(db) as conn:
        (stats,) = conn.execute("SELECT stats FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    return json.loads(stats)


def portal_archive(*args, timeout=900):
    """``portal-archive ARGS...`` in a subprocess; the CompletedProcess, never raising."""
    return subprocess.run(
        [sys.executable, "-m", "archive", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
