"""The Python API the command is built on: Archive(path).crawl / backfill / articles / search /
export, and its errors, one kind for everything a person can get wrong."""

import pytest

import archive.runner
from archive import Archive, ArchiveError
from archive.locks import LockedError, portal_lock
from crawler.options import SettingError
from crawler.portals import UnknownPortalError
from tests.simcrawl import steady_simulator


@pytest.fixture(autouse=True)
def crawls_in_a_child_process(monkeypatch):
    """Scrapy's reactor runs once per process: keep it out of the test process (the runner then
    runs every crawl in a fresh child, as it does for a second crawl in any process)."""
    monkeypatch.setattr(archive.runner, "_reactor_used", True)


@pytest.mark.slow
def test_crawl_search_read_and_export(tmp_path):
    news = Archive(tmp_path / "news.db")
    with steady_simulator("honglinh", seed=4, articles=30) as sim:
        result = news.crawl("honglinh", fetch_base=sim.base_url("honglinh"), progress=False)
        assert result.ok and result.run_id == 1
        assert result.stats["archive/articles/new"] == news.count("honglinh") > 25
        again = news.crawl("honglinh", fetch_base=sim.base_url("honglinh"), progress=False)
        assert again.stats.get("archive/articles/new", 0) == 0
        backfill = news.backfill(
            "honglinh", "2010-01-01", fetch_base=sim.base_url("honglinh"), progress=False
        )
        assert backfill.ok
    newest = next(news.articles("honglinh", limit=1))
    assert newest["portal"] == "honglinh" and newest["text"]
    word = newest["title"].split()[0]
    assert any(hit["url"] == newest["url"] for hit in news.search(f'"{word}"', limit=100))
    summary = news.export(tmp_path / "dataset", format="jsonl")
    assert summary.rows == news.count()
    with news.open() as store:
        commands = [run["command"] for run in store.db.query("SELECT command FROM runs")]
    assert commands == ["crawl", "crawl", "backfill"]


def test_mistakes_are_archive_errors_before_anything_is_fetched(tmp_path):
    news = Archive(tmp_path / "news.db")
    with pytest.raises(UnknownPortalError):
        news.crawl("nowhere")
    with pytest.raises(SettingError, match="no such setting"):
        news.crawl("honglinh", settings=["DOWNLOAD_DELAYY=1"])
    with pytest.raises(SettingError, match="give it with --db"):
        news.crawl("honglinh", settings={"ARCHIVE_DB_PATH": str(tmp_path / "b.db")})
    with pytest.raises(SettingError, match="is not a day"):
        news.backfill("honglinh", "yesterday")
    assert issubclass(LockedError, ArchiveError) and issubclass(SettingError, ArchiveError)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_a_crawl_already_running_is_refused(tmp_path):
    db = tmp_path / "news.db"
    with steady_simulator("honglinh", seed=4, articles=5) as sim, portal_lock(db, "honglinh"):
        with pytest.raises(LockedError, match="already running"):
            Archive(db).crawl("honglinh", fetch_base=sim.base_url("honglinh"), progress=False)
