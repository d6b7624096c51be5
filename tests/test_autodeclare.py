"""Portals nobody declared: URL shapes, selectors learned from articles, platform profiles, the
registry, the declaration file ``add`` writes, and ``crawl URL`` (against the simulator, under
an address no declaration names)."""

import json
import re
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest

from crawler.inference.declare import infer_portal, portal_id_for
from crawler.inference.shapes import group_by_shape, id_regex, shape_regex
from crawler.inference.template import learn_selectors
from crawler.inference.writing import render
from crawler.platforms import detect, get_platform
from crawler.portals import Portal, get_portal, reload_portals
from crawler.registry import registry, registry_entry
from crawler.urls import canonical_url
from simulator import Simulator
from tests.hanoi_mirror import articles as hanoi_articles
from tests.hanoi_mirror import read_page


def test_url_shapes_become_the_patterns_a_person_would_write():
    paths = [
        "/tin-tuc/hdnd-thi-xa-trien-khai-ke-hoach-chuyen-doi-so-quy-350267/",
        "/tin-tuc/phong-van-hoa-va-thong-tin-trien-khai-ke-hoach-an-350271/",
    ]
    assert shape_regex(paths) == r"^/tin-tuc/[^/?]+-\d{3,}/$"
    assert id_regex(paths) == r"-(?P<id>\d{3,})/?$"
    assert id_regex(["/Lists/Posts/ViewPost.aspx?ID=400274"]) == r"[?&]ID=(?P<id>\d+)"
    sections = group_by_shape(["/chinh-tri/", "/kinh-te/", "/", "/chinh-tri/?page=2"])
    assert [g.regex() for g in sections] == [r"^/[^/?]+/$", r"^/$", r"^/chinh-tri/\?page=\d+$"]


def test_selectors_are_learned_by_comparing_articles():
    """On the Hanoi pages: the body is the block that changes, even though Liferay gives the
    sidebar's boxes the body's class; the title is the page's own; dates and bylines found."""
    records = sorted(hanoi_articles(), key=lambda r: r["article_id"])[::400][:6]
    docs = [lxml.html.document_fromstring(read_page("/" + r["mirror_path"])) for r in records]
    learned = learn_selectors(docs, {})
    assert learned.body == "div.journal-content-article"
    assert learned.title == "div.asset-full-content-title"
    assert learned.published == "div.assetPublishDate"
    assert all("> p" not in selector for selector in learned.drop)


def test_platforms_are_told_by_their_fingerprints():
    sharepoint = '<meta name="GENERATOR" content="Microsoft SharePoint 14"><div id="s4-workspace">'
    assert detect(sharepoint, [])[0] == "sharepoint"
    assert (
        detect('<div class="portlet-body"><div class="journal-content-article">', [])[0]
        == "liferay"
    )
    assert detect("<p>nothing known</p>", ["/a.html"]) == ("unknown", [])


def test_a_fingerprint_is_searched_for_branch_by_branch_with_its_flags():
    from crawler.platforms import _branches

    branches = _branches(r"(?i)Liferay\.(Theme|AUI)|/js/liferay/|a[|]b")
    assert [b.pattern for b in branches] == [
        r"(?i)Liferay\.(Theme|AUI)",
        "(?i)/js/liferay/",
        "(?i)a[|]b",
    ]
    pages = ["LIFERAY.AUI()", "<script src='/JS/Liferay/x.js'>", "a|b", "Liferay.Portlet", ""]
    for page in pages:
        whole = re.search(r"(?i)Liferay\.(Theme|AUI)|/js/liferay/|a[|]b", page)
        assert bool(whole) == any(b.search(page) for b in branches), page


def test_a_portal_on_a_known_platform_is_declared_in_five_lines():
    portal = Portal(
        id="bacgiang",
        name="Cổng TTĐT tỉnh Bắc Giang",
        province="Bắc Giang",
        level="province",
        kind="government",
        origin="https://bacgiang.gov.vn",
        platform="liferay",
        listing_pattern=r"^/web/guest/[^/]+$",
    )
    liferay = get_platform("liferay")
    assert portal.article_pattern == liferay.article_pattern
    assert portal.selectors.body == liferay.body[0]
    assert portal.is_article("https://bacgiang.gov.vn/web/guest/tin-tuc/-/view_content/123-ab")
    assert portal.is_denied("https://bacgiang.gov.vn/web/guest/tin?p_p_state=pop_up")
    with pytest.raises(ValueError, match="unknown platform"):
        Portal(
            id="x", name="x", province="", level="", kind="", origin="https://x.vn", platform="zope"
        )
    with pytest.raises(ValueError, match="article_pattern and listing_pattern"):
        Portal(id="x", name="x", province="", level="", kind="", origin="https://x.vn")


def test_a_declaration_round_trips_through_json():
    portal = get_portal("honglinh")
    assert Portal.from_json(portal.to_json()) == portal


def test_the_registry_covers_the_provinces_before_and_after_2025():
    provinces = [e for e in registry() if e.level == "province" and e.kind == "government"]
    assert len(provinces) == 63
    assert len({e.province_after_2025 for e in provinces}) == 34
    assert sum(e.continues_after_2025 for e in provinces) == 34
    assert all(e.source for e in registry())
    entry = registry_entry("www.daksong.daknong.gov.vn")
    assert entry is not None and entry.province_after_2025 == "Lâm Đồng"
    assert portal_id_for("honglinh.hatinh.gov.vn:8080") == "honglinh-hatinh"


def run(*args, cwd, env=None):
    return subprocess.run(
        [sys.executable, "-m", "archive", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=cwd,
        env=env,
    )


@pytest.fixture
def simulator():
    with Simulator(seed=7, articles=60, only=["honglinh"]) as simulator:
        yield simulator


@pytest.fixture
def honglinh(simulator):
    return simulator.base_url("honglinh")


@pytest.mark.slow
def test_add_writes_a_declaration_that_loads_and_is_the_same_every_time(honglinh, tmp_path):
    """The site is served under an address no declaration names: nothing is known of it."""
    url = "https://xamoi.hatinh.gov.vn/portal/pages/default.aspx"
    first = infer_portal(url, fetch_base=honglinh, delay=0)
    second = infer_portal(url, fetch_base=honglinh, delay=0)
    assert render(first) == render(second)
    assert first.requests <= 40
    root = Path(__file__).resolve().parent.parent
    env = {**__import__("os").environ, "PYTHONPATH": str(root)}
    added = run(
        "add",
        url,
        "--fetch-base",
        honglinh,
        "--portals-dir",
        str(tmp_path / "mine"),
        "--province",
        "Hà Tĩnh",
        cwd=tmp_path,
        env=env,
    )
    assert added.returncode == 0, added.stderr
    assert "Preview of 5 articles" in added.stdout
    written = (tmp_path / "mine" / "xamoi_hatinh.py").read_text(encoding="utf-8")
    assert "# Evidence:" in written and 'province="Hà Tĩnh"' in written
    listed = run(
        "portals", "--json", "--portals-dir", str(tmp_path / "mine"), cwd=tmp_path, env=env
    )
    assert "xamoi-hatinh" in {p["id"] for p in json.loads(listed.stdout)}
    again = run(
        "add",
        url,
        "--fetch-base",
        honglinh,
        "--portals-dir",
        str(tmp_path / "mine"),
        cwd=tmp_path,
        env=env,
    )
    assert again.returncode == 1 and "declared already, as 'xamoi-hatinh'" in again.stderr
    reload_portals()


@pytest.mark.slow
def test_crawl_url_learns_an_undeclared_site_once_and_keeps_its_declaration(
    simulator, honglinh, tmp_path
):
    url = "https://xamoi.hatinh.gov.vn/portal/pages/default.aspx"
    db = tmp_path / "news.db"
    first = run("crawl", url, "--fetch-base", honglinh, "--db", str(db), cwd=tmp_path)
    assert "nobody declared this site" in first.stdout, first.stderr
    second = run("crawl", url, "--fetch-base", honglinh, "--db", str(db), cwd=tmp_path)
    assert "declaration inferred earlier" in second.stdout
    import sqlite3

    with sqlite3.connect(db) as conn:
        stored = conn.execute(
            "SELECT count(*) FROM articles WHERE portal = 'xamoi-hatinh'"
        ).fetchone()[0]
        (kept,) = conn.execute(
            "SELECT declaration FROM sources WHERE id = 'xamoi-hatinh'"
        ).fetchone()
    visible = simulator.sites["honglinh"].visible(simulator.now())
    assert stored >= 0.98 * len(visible)
    assert Portal.from_json(kept).origin == "https://xamoi.hatinh.gov.vn"
    # A redesign (the start page's template no longer the one learned): learned again.
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE sources SET template = 'old-theme header footer'")
    third = run("crawl", url, "--fetch-base", honglinh, "--db", str(db), cwd=tmp_path)
    assert "nobody declared this site" in third.stdout, third.stderr


def test_add_refuses_what_is_not_a_web_address(tmp_path):
    result = run("add", "not a url at all", cwd=tmp_path)
    assert result.returncode == 1 and "is not a web address" in result.stderr
    assert "Traceback" not in result.stderr


def test_add_refuses_a_site_that_is_declared_already(tmp_path):
    result = run("add", "https://honglinh.hatinh.gov.vn/", cwd=tmp_path)
    assert result.returncode == 1
    assert "declared already, as 'honglinh'" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("family", ["quangngai", "quangnam"])
def test_families_nobody_declared_are_learned_and_crawled_whole(family, tmp_path):
    """A Liferay province portal unlike Hanoi's, and an ASP.NET WebForms portal whose listings
    page only by postback: no declaration or rule was written for either."""
    with Simulator(seed=5, articles=150, only=[family]) as sim:
        site = sim.sites[family]
        url = f"https://{site.host}{site.family.home_path(site)}"
        db = tmp_path / "news.db"
        result = run(
            "crawl", url, "--fetch-base", sim.base_url(family), "--db", str(db), cwd=tmp_path
        )
        assert result.returncode == 0, result.stdout + result.stderr
        expected = {
            canonical_url(f"https://{site.host}{site.family.article_path(site, a)}")
            for a in site.visible(sim.now())
        }
        # `add` fills what the registry knows: both are real provincial portals.
        folder = tmp_path / "mine"
        added = run(
            "add",
            url,
            "--fetch-base",
            sim.base_url(family),
            "--portals-dir",
            str(folder),
            cwd=tmp_path,
        )
        assert added.returncode == 0, added.stderr
        written = next(folder.glob("*.py")).read_text(encoding="utf-8")
        entry = registry_entry(site.host)
        assert f'province="{entry.province}"' in written and 'level="province"' in written
    import sqlite3

    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT url, title, text, published FROM articles").fetchall()
        (kept,) = conn.execute("SELECT declaration FROM sources").fetchone()
    urls = {url for url, *_ in rows}
    assert len(urls & expected) >= 0.98 * len(expected)
    assert urls <= expected  # no trap, print view or listing stored
    assert all(title and text and published for _, title, text, published in rows)
    if family == "quangnam":
        assert Portal.from_json(kept).postback_pager
