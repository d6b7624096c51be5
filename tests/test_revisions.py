"""Re-crawls on the simulator: edits become revisions, removals are marked, nothing is deleted."""

import sqlite3
import subprocess
import sys
from datetime import timedelta

import pytest

from simulator import DEFAULT_CLOCK, Simulator
from tests.archives import copy_archive
from tests.simcrawl import crawl, last_run_stats

pytestmark = pytest.mark.slow  # end-to-end: crawls in a subprocess

PORTAL = "baohatinh"
EDIT_NOTE = "Cập nhật: số liệu trong bài đã được điều chỉnh"


@pytest.fixture(scope="module")
def recrawled(tmp_path_factory):
    """Crawl, then let the site edit one article and remove another, then crawl --recheck."""
    db = tmp_path_factory.mktemp("revisions") / "archive.db"
    first_clock = DEFAULT_CLOCK - timedelta(days=30)
    with Simulator(seed=5, articles=30, only=[PORTAL]) as sim:
        site = sim.sites[PORTAL]
        site.edits.clear()
        site.removals.clear()
        sim.set_clock(first_clock)
        first = crawl(sim, PORTAL, db)
        assert first.returncode == 0, first.stderr[-3000:]
        visible = [a for a in site.visible(first_clock) if not a.seed]
        edited, removed = visible[2], visible[4]
        site.edits[edited.id] = first_clock + timedelta(days=1)
        site.removals[removed.id] = (first_clock + timedelta(days=1), 410)
        sim.set_clock(first_clock + timedelta(days=3))
        second = crawl(sim, PORTAL, db, "--recheck")
        assert second.returncode == 0, second.stderr[-3000:]
    return db, str(edited.id), str(removed.id), len(visible) + 1, second.stdout


def test_an_edited_article_keeps_its_previous_version_as_a_revision(recrawled):
    db, edited, _, _, _ = recrawled
    with sqlite3.connect(db) as conn:
        url, text, capture_id = conn.execute(
            "SELECT url, text, capture_id FROM articles WHERE article_key = ?", [edited]
        ).fetchone()
        revisions = conn.execute(
            "SELECT article_url, text, capture_id, fetched_at, replaced_at FROM article_revisions"
        ).fetchall()
    assert EDIT_NOTE in text
    assert len(revisions) == 1  # only the edited article changed
    article_url, old_text, old_capture, fetched_at, replaced_at = revisions[0]
    assert article_url == url
    assert EDIT_NOTE not in old_text and text.startswith(old_text)
    assert old_capture is not None and old_capture != capture_id
    assert fetched_at < replaced_at


def test_a_removed_article_is_marked_with_date_and_status_but_kept(recrawled):
    db, _, removed, stored_first, stdout = recrawled
    with sqlite3.connect(db) as conn:
        count = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        marked = conn.execute(
            "SELECT article_key, removed_status, removed_at, text FROM articles "
            "WHERE removed_at IS NOT NULL"
        ).fetchall()
        (run_started,) = conn.execute("SELECT max(started_at) FROM runs").fetchone()
    assert count == stored_first  # nothing deleted
    assert [(key, status) for key, status, _, _ in marked] == [(removed, 410)]
    assert marked[0][2] >= run_started[:19]
    assert marked[0][3]  # its text is still there
    assert last_run_stats(db)["archive/articles/removed"] == 1
    assert "1 removed by the site" in stdout


def test_a_recheck_writes_revisits_exactly_for_unchanged_payloads(recrawled):
    db = recrawled[0]
    with sqlite3.connect(db) as conn:
        (second_run,) = conn.execute("SELECT max(id) FROM runs").fetchone()
        captures = conn.execute(
            "SELECT record_type, EXISTS (SELECT 1 FROM captures e WHERE e.id < c.id "
            "AND e.url = c.url AND e.payload_digest = c.payload_digest) FROM captures c "
            "WHERE run_id = ?",
            [second_run],
        ).fetchall()
    assert {kind for kind, _ in captures} == {"response", "revisit"}
    # Pages whose sidebars changed with the removal are stored again; identical ones are not.
    assert all((kind == "revisit") == bool(seen_before) for kind, seen_before in captures)


def snapshot(db):
    with sqlite3.connect(db) as conn:
        articles = conn.execute("SELECT * FROM articles ORDER BY url").fetchall()
        revisions = conn.execute(
            "SELECT * FROM article_revisions ORDER BY article_url, fetched_at"
        ).fetchall()
    return articles, revisions


def reextract(db, *extra):
    return subprocess.run(
        [sys.executable, "-m", "archive", "reextract", "--db", str(db), *extra],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_reextract_rebuilds_articles_revisions_and_removals_from_warc_alone(recrawled, tmp_path):
    db = copy_archive(recrawled[0], tmp_path / "archive.db")
    before = snapshot(db)
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM articles")
        conn.execute("DELETE FROM article_revisions")
    result = reextract(db, "--jobs", "2")
    assert result.returncode == 0, result.stderr[-3000:]
    assert snapshot(db) == before  # same rows, same text, same revision, same removal
    assert "1 removed" in result.stdout and "0 failed" in result.stdout
    # Everything is now extracted by this extractor: --changed-only has nothing to do.
    again = reextract(db, "--changed-only")
    assert again.returncode == 0 and "Re-extracted 0 captures" in again.stdout
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE articles SET extractor = 'older-extractor' WHERE rowid = 1")
    once = reextract(db, "--changed-only", "--jobs", "1")
    assert "Re-extracted 0 captures" not in once.stdout and " unchanged;" in once.stdout
    assert "Re-extracted 0 captures" in reextract(db, "--changed-only").stdout


def test_reextract_says_what_is_missing(recrawled, tmp_path):
    db = copy_archive(recrawled[0], tmp_path / "archive.db", with_warc=False)
    result = reextract(db)
    assert result.returncode == 1
    assert "WARC file(s) missing" in result.stderr and "Traceback" not in result.stderr
    assert "no archive at" in reextract(tmp_path / "none.db").stderr
