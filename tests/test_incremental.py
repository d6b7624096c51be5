"""Scheduled crawls cost what is new: known articles are not fetched again, and pagination stops
at the first listing page that brings nothing new."""

import sqlite3
from contextlib import closing
from datetime import timedelta

import pytest

from simulator import DEFAULT_CLOCK
from tests.archives import copy_archive
from tests.simcrawl import crawl, crawl_ok, steady_simulator

pytestmark = pytest.mark.slow  # end-to-end: crawls in a subprocess

PORTAL = "baohatinh"
FIRST = DEFAULT_CLOCK - timedelta(days=60)


def last_run(db):
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(
            "SELECT requests, articles_new, articles_updated FROM runs ORDER BY id DESC LIMIT 1"
        ).fetchone()


@pytest.fixture(scope="module")
def sim():
    with steady_simulator(PORTAL, seed=3, articles=500) as simulator:
        yield simulator


@pytest.fixture(scope="module")
def first_crawl(sim, tmp_path_factory):
    db = tmp_path_factory.mktemp("incremental") / "archive.db"
    sim.set_clock(FIRST)
    crawl_ok(sim, PORTAL, db)
    return db, last_run(db)


def test_a_second_crawl_of_an_unchanged_portal_costs_under_2_percent(sim, first_crawl, tmp_path):
    db = copy_archive(first_crawl[0], tmp_path / "archive.db")
    first_requests, first_new, _ = first_crawl[1]
    assert first_new == len(sim.sites[PORTAL].visible(FIRST))
    sim.set_clock(FIRST)
    assert crawl(sim, PORTAL, db).returncode == 0
    requests, new, updated = last_run(db)
    assert (new, updated) == (0, 0)
    assert requests <= 0.02 * first_requests, (requests, first_requests)


def test_k_new_articles_cost_k_requests_and_a_few_listing_pages(sim, first_crawl, tmp_path):
    db = copy_archive(first_crawl[0], tmp_path / "archive.db")
    site = sim.sites[PORTAL]
    later = FIRST + timedelta(days=45)
    fresh = {a.id for a in site.visible(later)} - {a.id for a in site.visible(FIRST)}
    assert len(fresh) >= 5
    sim.set_clock(later)
    assert crawl(sim, PORTAL, db).returncode == 0
    requests, new, _ = last_run(db)
    assert new == len(fresh)
    sections = len(site.sections)
    # robots.txt, the home page, each section's first page and, where that page was all new,
    # its next one; the sitemap index and the child sitemaps whose <lastmod> changed (one per
    # section, and tin-moi.xml, which has none); nothing else but the new articles themselves.
    listings = 2 + 2 * sections
    sitemaps = 1 + sections + 1
    assert requests <= len(fresh) + listings + sitemaps, (requests, len(fresh))
    with closing(sqlite3.connect(db)) as conn:
        stored = {int(k) for (k,) in conn.execute("SELECT article_key FROM articles")}
    assert fresh <= stored
