"""status from the runs table alone (no crawl): a run in progress, a killed one, error rates
that count pages given up rather than retries."""

from datetime import datetime

from archive.db import Store
from archive.locks import portal_lock
from archive.status import portal_statuses
from crawler.portals import get_portal
from tests.conftest import make_article

NOW = datetime(2023, 1, 25)


def archive(tmp_path, status, stats):
    db = tmp_path / "a.db"
    with Store(db) as store:
        store.save_source(get_portal("honglinh"))
        store.save_article(make_article())
        run = store.start_run("honglinh", "crawl")
        if status != "running":
            store.finish_run(run, status, stats)
    return db


def fate(db):
    with Store(db) as store:
        (row,) = portal_statuses(store, NOW)
    return row


def test_a_crawl_under_way_is_running_not_failing(tmp_path):
    db = archive(tmp_path, "running", {})
    with portal_lock(db, "honglinh"):
        row = fate(db)
        assert (row.fate, row.needs_attention) == ("running", False)
    killed = fate(db)  # the lock went with its holder: that run was killed
    assert killed.fate == "failing" and "interrupted" in killed.detail


def test_the_next_crawl_marks_a_killed_run_interrupted(tmp_path):
    db = archive(tmp_path, "running", {})
    with Store(db) as store:
        assert store.mark_interrupted("honglinh") == 1
        assert store.run(1)["status"] == "interrupted"
        assert store.mark_interrupted("honglinh") == 0


def test_retries_are_not_counted_as_failed_pages(tmp_path):
    stats = {
        "response_received_count": 20,
        "downloader/response_status_count/503": 9,  # three pages, each tried three times
        "retry/max_reached": 1,  # one of them given up
    }
    row = fate(archive(tmp_path, "finished", stats))
    assert row.error_rate == 0.05 and row.fate == "alive"
    (tmp_path / "x").mkdir()
    given_up = {"response_received_count": 1, "retry/max_reached": 5}
    worst = fate(archive(tmp_path / "x", "finished", given_up))
    assert worst.error_rate == 1.0  # never above 100 %
