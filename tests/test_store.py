import sqlite3
import threading
import time

import pytest

from archive.db import Store, StoreError
from crawler.portals import get_portal
from tests.conftest import make_article


def test_save_is_idempotent_and_detects_changes(store):
    article = make_article()
    assert store.save_article(article) == "new"
    assert store.save_article(article) == "unchanged"
    edited = make_article(text=article.text + "\nĐoạn bổ sung.", fetched_at="2023-02-01T00:00:00Z")
    assert store.save_article(edited) == "updated"
    row = store.db.table("articles").get(article.url)
    assert row["text"].endswith("Đoạn bổ sung.")
    assert row["first_seen"] == article.fetched_at
    assert row["last_seen"] == "2023-02-01T00:00:00Z"
    assert store.count_articles() == 1


def test_same_article_under_another_section_is_stored_once(store):
    first = make_article()
    other_section = make_article(url=first.url.replace("/pages/", "/tin-tuc/pages/"))
    assert store.save_article(first) == "new"
    assert store.save_article(other_section) == "unchanged"
    assert [r["url"] for r in store.db.table("articles").rows] == [first.url]


def test_full_text_search_with_and_without_diacritics(store):
    store.save_article(make_article())
    assert [r["title"] for r in store.matching("mùa xuân", {})] == [make_article().title]
    assert len(store.matching("mua xuan", {})) == 1
    assert store.matching("bóng đá", {}) == []


def test_database_is_in_wal_mode_with_sources_and_runs(store):
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.save_source(get_portal("hanoi-sotttt"))
    run_id = store.start_run("hanoi-sotttt", "crawl")
    store.finish_run(run_id, "finished", {"archive/articles/new": 3, "downloader/request_count": 9})
    run = store.run(run_id)
    assert (run["status"], run["articles_new"], run["requests"]) == ("finished", 3, 9)
    assert store.db.table("sources").get("hanoi-sotttt")["province"] == "Hà Nội"


def test_reopening_keeps_schema_and_rows(tmp_path):
    with Store(tmp_path / "a.db") as store:
        store.save_article(make_article())
    with Store(tmp_path / "a.db") as store:
        assert store.count_articles() == 1


def test_write_waits_for_another_writer_holding_the_lock(tmp_path):
    path = tmp_path / "a.db"
    Store(path).close()
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    released = threading.Event()

    def release_later():
        time.sleep(0.6)
        holder.execute("COMMIT")
        released.set()

    threading.Thread(target=release_later).start()
    with Store(path, busy_timeout_ms=50) as store:  # far shorter than the hold: tenacity retries
        assert store.save_article(make_article()) == "new"
    assert released.is_set()
    holder.close()


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="folder does not exist"):
        Store(tmp_path / "nope" / "a.db")


def test_garbage_file_is_a_clear_error(tmp_path):
    path = tmp_path / "a.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="not a database"):
        Store(path)


def test_full_disk_is_a_clear_error_and_keeps_what_was_stored(tmp_path):
    path = tmp_path / "a.db"
    with Store(path) as store:
        store.save_article(make_article())
        pages = store.db.execute("PRAGMA page_count").fetchone()[0]
        store.db.execute(f"PRAGMA max_page_count = {pages + 2}")
        big = make_article(url="https://x.gov.vn/big", article_key="big", text="chữ " * 200_000)
        with pytest.raises(StoreError, match="full"):
            store.save_article(big)
    with Store(path) as store:
        assert store.count_articles() == 1


def test_an_archive_from_an_older_version_is_migrated(tmp_path):
    import sqlite_utils

    from archive.db.schema import MIGRATIONS

    path = tmp_path / "old.db"
    old = sqlite_utils.Database(path)
    MIGRATIONS[0](old)
    old.execute("PRAGMA user_version = 1")
    old.close()
    with Store(path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert store.save_article(make_article(author_unit="Văn phòng Thành ủy")) == "new"
        assert (
            store.db.table("articles").get(make_article().url)["author_unit"]
            == "Văn phòng Thành ủy"
        )


def test_recheck_targets_follow_the_revisit_policy(store):
    def saved(key, first_seen):
        url = f"https://honglinh.hatinh.gov.vn/portal/pages/a-{key}.aspx"
        store.save_article(
            make_article(url=url, fetched_url=url, article_key=key, fetched_at=first_seen)
        )
        return url

    old = saved("1", "2025-01-01T00:00:00+00:00")
    recent_seen = saved("2", "2025-06-10T00:00:00+00:00")
    recent_due = saved("3", "2025-06-05T00:00:00+00:00")
    store.touch("honglinh", recent_seen, "2025-06-14T20:00:00+00:00")
    gone = saved("4", "2025-06-06T00:00:00+00:00")
    store.mark_removed("honglinh", gone, 410, "2025-06-07T00:00:00+00:00")
    # Policy at 2025-06-15 00:00: first seen in the last 14 days, not seen for 24 hours.
    due = store.recheck_targets(
        "honglinh", "2025-06-01T00:00:00+00:00", "2025-06-14T00:00:00+00:00"
    )
    assert [url for url, _, _ in due] == [recent_due]
    assert {url for url, _, _ in store.recheck_targets("honglinh")} == {
        old,
        recent_seen,
        recent_due,
    }
