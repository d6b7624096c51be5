"""Site fates on the simulator: alive before the 2025 reform; after it, a town portal redirects
to the province, a district portal goes dark, a city portal freezes, the paper lives on."""

from datetime import datetime

import pytest

from pipelines.extraction.dates import VIETNAM
from simulator import DEFAULT_CLOCK, Simulator
from tests.simcrawl import portal_archive

SITES = ["honglinh", "daksong", "hatinhcity", "baohatinh"]
AFTER = datetime(2025, 9, 15, tzinfo=VIETNAM)


@pytest.fixture(scope="module")
def archive_db(tmp_path_factory):
    return tmp_path_factory.mktemp("status") / "a.db"


@pytest.fixture(scope="module")
def sim():
    with Simulator(seed=6, articles=25, only=SITES) as simulator:
        yield simulator


def crawl_all(sim, db):
    bases = [f"--fetch-base={site}={sim.base_url(site)}" for site in SITES]
    return portal_archive("crawl", *SITES, "--db", str(db), "--parallel", "4", *bases)


def fates(output):
    rows = [line.split() for line in output.splitlines()[2:] if line.strip()]
    return {row[0]: row[1] for row in rows if row[0] in SITES}


def test_every_portal_alive_before_the_reform(sim, archive_db):
    sim.set_clock(DEFAULT_CLOCK)
    crawled = crawl_all(sim, archive_db)
    assert crawled.returncode == 0, crawled.stdout + crawled.stderr
    result = portal_archive("status", "--db", str(archive_db), "--now", "2025-06-15")
    assert result.returncode == 0, result.stdout
    assert fates(result.stdout) == dict.fromkeys(SITES, "alive")


def test_fates_after_the_reform(sim, archive_db):
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
