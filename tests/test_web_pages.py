"""The web interface's pages in this process (Datasette's own test client, no browser, no
crawl): what they show, what they refuse, and that they change nothing."""

import asyncio
import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import cli
from archive.db import Store
from archive.web import make_app, pages
from crawler.portals import get_portal
from tests.conftest import make_article

PARTY = "Đại hội Đảng bộ thị xã Hồng Lĩnh lần thứ XX"


@pytest.fixture
def archive_db(tmp_path):
    db = tmp_path / "news.db"
    with Store(db) as store:
        store.save_source(get_portal("honglinh"))
        store.save_article(make_article(url="https://x.vn/1.aspx", article_key="1", title=PARTY))
        store.save_article(
            make_article(
                url="https://x.vn/2.aspx",
                article_key="2",
                title="Hội nghị chuyển đổi số",
                published="2021-05-01T08:00:00+07:00",
                images=({"src": "https://x.vn/a.jpg", "alt": "", "caption": "Quang cảnh"},),
            )
        )
    return db


def get(db, *paths):
    app = make_app(db)

    async def fetch():
        await app.invoke_startup()
        return [await app.client.get(path) for path in paths]

    return asyncio.run(fetch())


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_pages_show_the_archive(archive_db):
    home, found, article, missing = get(
        archive_db, "/", "/-/search?q=dang+bo", "/-/article/2", "/-/article/99"
    )
    assert home.status_code == 200 and "2 articles from 1 portals" in home.text
    assert home.text.count('class="bar"') == 2  # 2021-05 and 2023-01
    assert "Content-Security-Policy" in home.headers
    assert found.status_code == 200 and "1 article for" in found.text
    assert "<mark>Đảng</mark> <mark>bộ</mark>" in found.text
    assert 'href="/-/search?q=dang+bo&amp;year=2023"' in found.text  # a facet link
    assert "<figcaption>Quang cảnh</figcaption>" in article.text
    assert "<img" not in article.text  # nothing is loaded from the portal's site
    assert missing.status_code == 404


def test_nothing_changes_the_archive(archive_db):
    before = digest(archive_db)
    app = make_app(archive_db)

    async def attempts():
        await app.invoke_startup()
        sql = await app.client.get("/news.json?sql=DELETE+FROM+articles")
        capture = await app.client.get("/-/capture/1")
        return sql, capture

    sql, capture = asyncio.run(attempts())
    assert sql.status_code == 400 and "must be a SELECT" in sql.text
    assert capture.status_code == 404  # no capture rows in this archive
    assert digest(archive_db) == before


def test_serve_refuses_a_missing_archive_in_one_line(tmp_path):
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: no archive at {tmp_path / 'none.db'}"


def test_the_chart_stacks_portals_by_month():
    svg = pages.monthly_chart([("a", "2024-01", 2), ("b", "2024-01", 1), ("a", "2024-03", 1)])
    assert svg.count('class="bar"') == 3
    assert "a 2024-03: 1" in svg and svg.startswith("<svg")
    assert pages.monthly_chart([]).startswith("<p")
