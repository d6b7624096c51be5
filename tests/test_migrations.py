"""An archive made at each earlier schema version, upgraded by today's code: nothing lost, and
what later migrations add is filled (text hashes, word counts, the đ-folded search index), so
dedupe, search and crawls work on it as on a new archive. The migrations themselves are the
old code: applying the first N gives an archive as version N made it."""

import sqlite3
from contextlib import closing

import pytest
import sqlite_utils

from archive import Archive
from archive.db import Store
from archive.db.schema import MIGRATIONS
from archive.dedupe import dedupe
from pipelines.record import normalised_words, text_hash

ORIGIN = "https://honglinh.hatinh.gov.vn"
TEXTS = {
    "Đại hội Đảng bộ thị xã Hồng Lĩnh": "Đảng bộ thị xã tổ chức đại hội nhiệm kỳ mới. " * 8,
    "Chuyển đổi số ở xã Thuận Lộc": "Xã triển khai chuyển đổi số trong cải cách hành chính. " * 8,
    "Phòng chống lụt bão năm 2024": "Huyện diễn tập phòng chống lụt bão và tìm kiếm cứu nạn. " * 8,
}


def archive_at(path, version):
    """An archive at schema ``version`` holding three distinct articles, written with the
    columns that version had."""
    with closing(sqlite3.connect(path)) as conn:
        db = sqlite_utils.Database(conn)
        for migration in MIGRATIONS[:version]:
            migration(db)
        conn.execute(f"PRAGMA user_version = {version}")
        columns = {column.name for column in db.table("articles").columns}
        for number, (title, text) in enumerate(TEXTS.items()):
            row = {
                "url": f"{ORIGIN}/portal/pages/2024-0{number + 1}-01/Tin-{number}.aspx",
                "portal": "honglinh",
                "article_key": str(number),
                "title": title,
                "text": text,
                "content_hash": f"c{number}",
                "fetched_at": "2024-05-01T08:00:00+00:00",
                "first_seen": "2024-05-01T08:00:00+00:00",
                "last_seen": "2024-05-01T08:00:00+00:00",
                "published": f"2024-0{number + 1}-01T09:30:00+07:00",
                # as the code of that version wrote them, where it had the column
                "text_hash": text_hash(text),
                "word_count": len(normalised_words(text)),
            }
            db.table("articles").insert({k: v for k, v in row.items() if k in columns})
        conn.commit()


@pytest.mark.parametrize("version", range(1, len(MIGRATIONS)))
def test_an_archive_of_each_earlier_schema_is_upgraded_whole(tmp_path, version):
    path = tmp_path / f"v{version}.db"
    archive_at(path, version)
    with Store(path) as store:
        (now,) = store.db.execute("PRAGMA user_version").fetchone()
        rows = store.db.execute(
            "SELECT title, text_hash, word_count FROM articles ORDER BY title"
        ).fetchall()
        assert store.walk_resumes("honglinh") == []
        result = dedupe(store)
    assert now == len(MIGRATIONS)
    assert [title for title, _, _ in rows] == sorted(TEXTS)
    assert [h for _, h, _ in rows] == [text_hash(TEXTS[title]) for title in sorted(TEXTS)]
    assert all(words and words > 40 for _, _, words in rows)
    assert result.clusters == 0  # three distinct articles stay three
    found = Archive(path).search("dang bo")
    assert [article["title"] for article in found] == ["Đại hội Đảng bộ thị xã Hồng Lĩnh"]
