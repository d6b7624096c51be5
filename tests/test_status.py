"""Site fates on the simulator: alive before the 2025 reform; after it, a town portal redirects
to the province, a district portal goes dark, a city portal freezes, the paper lives on."""

from datetime import datetime

import pytest

from pipelines.extraction.dates import VIETNAM
from simulator import DEFAULT_CLOCK, Simulator
from tests.archives import copy_archive
from tests.simcrawl import portal_archive

pytestmark = pytest.mark.slow  # end-to-end: crawls in a subprocess

SITES = ["honglinh", "daksong", "hatinhcity", "baohatinh"]
AFTER = datetime(2025, 9, 15, tzinfo=VIETNAM)


@pytest.fixture(scope="module")
def sim():
    with Simulator(seed=6, articles=25, only=SITES) as simulator:
        yield simulator


@pytest.fixture(scope="module")
def before_reform(sim, tmp_path_factory):
    """An archive of every site crawled before the reform (tests copy it, never change it)."""
    db = tmp_path_factory.mktemp("status") / "a.db"
    sim.set_clock(DEFAULT_CLOCK)
    return db, crawl_all(sim, db)


def crawl_all(sim, db):
    bases = [f"--fetch-base={site}={sim.base_url(site)}" for site in SITES]
    return portal_archive("crawl", *SITES, "--db", str(db), "--parallel", "4", *bases)


def fates(output):
    rows = [line.split() for line in output.splitlines()[2:] if line.strip()]
    return {row[0]: row[1] for row in rows if row[0] in SITES}


def test_every_portal_alive_before_the_reform(before_reform):
    archive_db, crawled = before_reform
    assert crawled.returncode == 0, crawled.stdout + crawled.stderr
    result = portal_archive("status", "--db", str(archive_db), "--now", "2025-06-15")
    assert result.returncode == 0, result.stdout
    assert fates(result.stdout) == dict.fromkeys(SITES, "alive")


def test_fates_after_the_reform(sim, before_reform, tmp_path):
    archive_db = copy_archive(before_reform[0], tmp_path / "a.db")
    sim.set_clock(AFTER)
    crawled = crawl_all(sim, archive_db)
    assert crawled.returncode == 3  # some portals failed: the dark one
    result = portal_archive("status", "--db", str(archive_db), "--now", "2025-09-15")
    assert result.returncode == 1
    assert fates(result.stdout) == {
        "honglinh": "redirected",
        "daksong": "gone",
        "hatinhcity": "frozen",
        "baohatinh": "alive",
    }
    assert "redirects to https://hatinh.gov.vn/" in result.stdout
    assert "3 portal(s) need attention" in result.stdout
