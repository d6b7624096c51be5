"""Search: words without accents find the accented ones, đ included; ranked, marked, filtered;
an archive made before migration 9 is searchable after it."""

import json
import sqlite3
from contextlib import closing

import sqlite_utils
from click.testing import CliRunner

from archive import Archive
from archive.cli import cli
from archive.db import Store
from archive.db.schema import MIGRATIONS
from archive.search import fold, fts_query, marked, snippet
from tests.conftest import make_article

PARTY = "Đại hội Đảng bộ thị xã Hồng Lĩnh lần thứ XX thành công tốt đẹp"
DIGITAL = "Hồng Lĩnh đẩy mạnh chuyển đổi số trong cải cách hành chính"


def archive_with_articles(path):
    with Store(path) as store:
        store.save_article(make_article(url="https://x.vn/a-1.aspx", article_key="1", title=PARTY))
        store.save_article(
            make_article(
                url="https://x.vn/a-2.aspx",
                article_key="2",
                title=DIGITAL,
                text="Đảng ủy chỉ đạo số hóa hồ sơ.",
                published="2021-05-01T08:00:00+07:00",
            )
        )
    return Archive(path)


def titles(rows):
    return [row["title"] for row in rows]


def test_words_without_accents_or_d_stroke_find_the_article(tmp_path):
    news = archive_with_articles(tmp_path / "a.db")
    assert titles(news.search("dang bo")) == [PARTY]
    assert titles(news.search("Đảng bộ")) == [PARTY]
    assert titles(news.search("DAI HOI")) == [PARTY]
    assert titles(news.search("chuyen doi so")) == [DIGITAL]
    assert set(titles(news.search("dang"))) == {PARTY, DIGITAL}
    assert news.search("covid-19 (") == []  # punctuation is not FTS syntax


def test_filters_and_marks(tmp_path):
    news = archive_with_articles(tmp_path / "a.db")
    assert titles(news.search("dang", since="2022-01-01")) == [PARTY]
    assert titles(news.search("dang", until="2021-12-31")) == [DIGITAL]
    assert news.search("dang", portal="nowhere") == []
    (hit,) = news.search("dang uy")
    assert "**Đảng** **ủy**" in hit["snippet"]


def test_an_edited_text_is_found_by_its_new_words_only(tmp_path):
    path = tmp_path / "a.db"
    news = archive_with_articles(path)
    with Store(path) as store:
        store.db.execute("UPDATE articles SET title = 'Lễ hội đua thuyền' WHERE article_key = '1'")
        store.db.execute("UPDATE articles SET last_seen = 'later'")  # not an indexed column
    assert news.search("dai hoi") == []
    assert titles(news.search("dua thuyen")) == ["Lễ hội đua thuyền"]
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("DELETE FROM articles WHERE article_key = '1'")
        conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
        conn.commit()
    assert news.search("dua thuyen") == []


def test_an_archive_from_before_migration_9_is_reindexed(tmp_path):
    path = tmp_path / "old.db"
    with closing(sqlite3.connect(path)) as conn:
        db = sqlite_utils.Database(conn)
        for migration in MIGRATIONS[:8]:
            migration(db)
        conn.execute("PRAGMA user_version = 8")
        db.table("articles").insert(
            {
                "url": "u",
                "portal": "honglinh",
                "title": PARTY,
                "text": "t",
                "content_hash": "h",
                "fetched_at": "2024-01-01",
            }
        )
        conn.commit()
        assert conn.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'dang'")
    assert titles(Archive(path).search("dang bo")) == [PARTY]


def test_the_search_command(tmp_path):
    archive_with_articles(tmp_path / "a.db")
    runner = CliRunner()
    result = runner.invoke(cli, ["search", "dang bo", "--db", str(tmp_path / "a.db")])
    assert result.exit_code == 0, result.output
    assert "Đại hội **Đảng** **bộ** thị xã" in result.output
    as_json = runner.invoke(cli, ["search", "so", "--db", str(tmp_path / "a.db"), "--json"])
    assert [row["title"] for row in json.loads(as_json.output)] == [DIGITAL]
    missing = runner.invoke(cli, ["search", "x", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 1 and "no archive at" in missing.output
    bad = runner.invoke(cli, ["search", "NEAR(", "--raw", "--db", str(tmp_path / "a.db")])
    assert bad.exit_code == 1 and "not a search expression" in bad.output


def test_folding_and_marking():
    assert fold("Đảng Bộ ĐẮK SONG") == "dang bo dak song"
    assert fts_query('covid-19 "x"') == '"covid" "19" "x"'
    assert marked("Đảng bộ xã", "dang") == "\x02Đảng\x03 bộ xã"
    long = "mở đầu " * 40 + "Đảng bộ" + " kết thúc" * 40
    piece = snippet(long, "dang", width=60)
    assert piece.startswith("…") and "\x02Đảng\x03" in piece and piece.endswith("…")
