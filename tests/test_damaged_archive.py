"""A damaged database page (a bad disk, a copy cut short) ends a command with one line saying
so and how to recover, never a traceback."""

import os

import pytest

from archive.db import Store
from tests.simcrawl import portal_archive

pytestmark = pytest.mark.slow  # commands in a subprocess


@pytest.fixture
def damaged(tmp_path):
    path = tmp_path / "damaged.db"
    with Store(path) as store:
        store.db.table("articles").insert_all(
            {
                "url": f"https://honglinh.hatinh.gov.vn/portal/pages/2024-01-01/Tin-{n}.aspx",
                "portal": "honglinh",
                "article_key": str(n),
                "title": f"Tin {n}",
                "text": f"Văn bản số {n} về chuyển đổi số " * 150,
                "content_hash": str(n),
                "text_hash": str(n),
                "word_count": 750,
                "fetched_at": "2024-01-01T00:00:00+00:00",
                "published": "2024-01-01",
            }
            for n in range(300)
        )
        store.db.conn.commit()
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        (page_size,) = store.db.execute("PRAGMA page_size").fetchone()
        pages = [
            number
            for (number,) in store.db.execute(
                "SELECT pageno FROM dbstat WHERE name = 'articles' AND pagetype = 'leaf' "
                "ORDER BY pageno"
            )
        ]
    with open(path, "r+b") as file:  # one page in the middle of the table, overwritten
        file.seek((pages[len(pages) // 2] - 1) * page_size)
        file.write(b"\xff" * page_size)
    return path


@pytest.mark.parametrize(
    "command",
    [("export", "--format", "jsonl"), ("dedupe",), ("stats", "--check")],
    ids=["export", "dedupe", "stats-check"],
)
def test_a_damaged_page_is_one_clear_line(damaged, tmp_path, command):
    extra = ("--out", str(tmp_path / "out")) if command[0] == "export" else ()
    result = portal_archive(*command, "--db", damaged, *extra)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "the archive database is damaged (database disk image is malformed)" in (
        result.stderr + result.stdout
    )
    assert os.path.getsize(damaged) > 0


def test_stats_check_passes_a_whole_archive(tmp_path):
    path = tmp_path / "whole.db"
    with Store(path):
        pass
    result = portal_archive("stats", "--check", "--db", path)
    assert result.returncode == 0, result.stderr
