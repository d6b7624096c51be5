"""End to end: the real Hanoi portal, replayed on 127.0.0.1, crawled from its home page.

Runs the real command in a subprocess (Scrapy's reactor starts once per process). The full
crawl takes about a minute and a half on one core.
"""

import json
import re
import sqlite3
from contextlib import closing

import pytest

from crawler.portals import get_portal
from tests.archives import copy_archive
from tests.hanoi_mirror import articles, reachable_articles
from tests.simcrawl import portal_archive

pytestmark = pytest.mark.slow  # end-to-end: crawls in a subprocess


@pytest.fixture(scope="module")
def full_crawl(tmp_path_factory):
    db = tmp_path_factory.mktemp("crawl") / "hanoi.db"
    result = portal_archive("crawl", "hanoi-sotttt", "--db", str(db))
    assert result.returncode == 0, result.stderr[-3000:]
    return db, result


def rows(db, sql):
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql).fetchall()


def test_stores_at_least_99_percent_of_reachable_articles(full_crawl):
    db, _ = full_crawl
    stored = {key for (key,) in rows(db, "SELECT article_key FROM articles")}
    reachable = reachable_articles()
    assert len(reachable) == 2892
    assert len(stored & reachable) / len(reachable) >= 0.99
    assert stored <= reachable  # the crawler follows a subset of the links the mirror has


def test_no_trap_print_or_listing_page_is_an_article(full_crawl):
    db, _ = full_crawl
    portal = get_portal("hanoi-sotttt")
    for url, fetched_url in rows(db, "SELECT url, fetched_url FROM articles"):
        for candidate in (url, fetched_url):
            assert candidate.startswith("https://sotttt.hanoi.gov.vn/")
            assert portal.is_article(candidate), candidate
            assert not portal.is_denied(candidate), candidate
            assert not re.search(r"(/[^/]+/-/view_content).*\1", candidate), candidate
    (duplicates,) = rows(db, "SELECT count(*) - count(DISTINCT article_key) FROM articles")[0]
    assert duplicates == 0


def test_articles_are_complete(full_crawl):
    db, _ = full_crawl
    ((total, titled, timed),) = rows(
        db,
        "SELECT count(*), count(nullif(title, '')), sum(published LIKE '%T%+07:00') FROM articles",
    )
    assert titled == total
    assert timed / total > 0.99
    # Undated articles are exactly those whose page shows no date (no guessing).
    undated = {
        key for (key,) in rows(db, "SELECT article_key FROM articles WHERE published IS NULL")
    }
    dateless = {str(r["article_id"]) for r in articles() if not r.get("date_raw")}
    assert undated <= dateless
    days = {
        key: day
        for key, day in rows(db, "SELECT article_key, substr(published, 1, 10) FROM articles")
    }
    expected = {str(r["article_id"]): (r.get("published") or "")[:10] for r in articles()}
    assert all(days[k] == expected[k] for k in days if days[k]), (
        "a stored day differs from the page"
    )


def test_run_is_recorded_and_summary_printed(full_crawl):
    db, result = full_crawl
    assert "Crawl of hanoi-sotttt finished" in result.stdout
    ((status, new, stats),) = rows(db, "SELECT status, articles_new, stats FROM runs")
    assert status == "finished"
    assert new == rows(db, "SELECT count(*) FROM articles")[0][0]
    assert json.loads(stats)["archive/articles/new"] == new


def test_second_crawl_adds_nothing(full_crawl, tmp_path):
    db = copy_archive(full_crawl[0], tmp_path / "hanoi.db")
    (before,) = rows(db, "SELECT count(*) FROM articles")[0]
    result = portal_archive("crawl", "hanoi-sotttt", "--db", str(db), "--limit", "300")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "0 new, 0 updated" in result.stdout
    assert rows(db, "SELECT count(*) FROM articles")[0][0] == before
    assert rows(db, "SELECT articles_new, articles_unchanged FROM runs WHERE id = 2")[0][0] == 0


def test_stats_command_reads_the_archive(full_crawl):
    db, _ = full_crawl
    result = portal_archive("stats", "--db", str(db))
    assert result.returncode == 0
    assert re.search(r"hanoi-sotttt .* 2\d{3} +2008-\d\d-\d\d +2022-", result.stdout)


def test_demo_prints_a_readable_summary(tmp_path):
    result = portal_archive("demo", "--db", str(tmp_path / "demo.db"), "--limit", "40")
    assert result.returncode == 0, result.stderr[-3000:]
    for expected in ("Articles per section:", "Newest articles:", "portal-archive stats --db"):
        assert expected in result.stdout
    assert "Traceback" not in result.stderr


def test_reextract_rebuilds_the_hanoi_articles_identically(full_crawl, tmp_path):
    db = copy_archive(full_crawl[0], tmp_path / "hanoi.db")
    every_row = "SELECT * FROM articles ORDER BY url"
    before = rows(db, every_row)
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM articles")
    result = portal_archive("reextract", "--db", str(db))
    assert result.returncode == 0, result.stderr[-3000:]
    assert rows(db, every_row) == before
    assert f"{len(before)} new" in result.stdout and "0 failed" in result.stdout
