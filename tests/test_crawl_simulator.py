"""The crawler on every simulated portal family, end to end (crawl subprocess, simulator here)."""

import json
import sqlite3
import subprocess
import sys
from datetime import datetime

import pytest

from archive.simulator import DEFAULT_CLOCK, Fault, Simulator
from archive.simulator.families.daksong import CATEGORIES
from crawler.portals import get_portal
from pipelines.extraction.dates import VIETNAM

SEED_TITLES = {
    "hatinhcity": "Thành phố Hà Tĩnh giao ban bí thư",
    "honglinh": "Ban thường vụ Thị ủy tổ chức hội nghị Ban chấp hành Đảng bộ thị xã",
    "baohatinh": "TP Hà Tĩnh tăng tốc thực hiện nhiệm vụ KT-XH trọng tâm năm 2021",
    "thanhuy-backan": "Thường trực Thành ủy tổ chức Hội nghị giao ban công tác tháng 02/2017",
    "longmy": "Hội nghị Ban Chấp hành Đảng bộ thị xã lần thứ 8 (mở rộng)",
    "thixalongmy": "Hội nghị Ban Chấp hành Đảng bộ thị xã lần thứ 8 (mở rộng)",
}


@pytest.fixture(scope="module")
def sim():
    with Simulator(seed=11, articles=40) as simulator:
        yield simulator


def crawl(sim, portal, db, *extra):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "archive",
            "crawl",
            portal,
            "--db",
            str(db),
            "--fetch-base",
            sim.base_url(portal),
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return result


def stored(db, portal):
    with sqlite3.connect(db) as conn:
        return {
            k: (t, u)
            for k, t, u in conn.execute(
                "SELECT article_key, title, url FROM articles WHERE portal = ?", [portal]
            )
        }


def last_run_stats(db):
    with sqlite3.connect(db) as conn:
        (stats,) = conn.execute("SELECT stats FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    return json.loads(stats)


@pytest.mark.parametrize(
    "portal",
    ["hatinhcity", "honglinh", "baohatinh", "thanhuy-backan", "thixalongmy", "daksong", "longmy"],
)
def test_crawl_stores_every_reachable_article_and_the_seed(sim, tmp_path, portal):
    clock = datetime(2018, 6, 1, tzinfo=VIETNAM) if portal == "longmy" else DEFAULT_CLOCK
    sim.set_clock(clock)
    db = tmp_path / "sim.db"
    result = crawl(sim, portal, db)
    assert result.returncode == 0, result.stderr[-3000:]
    site = sim.sites[portal]
    visible = {str(a.id) for a in site.visible(clock)}
    got = stored(db, portal)
    if portal == "daksong":
        # "Thông báo" pages only by __doPostBack: only its first page is reachable.
        postback = [str(a.id) for a in site.visible(clock, CATEGORIES["17"])]
        reachable = visible - set(postback[site.page_size :])
        assert len(postback) > site.page_size
    else:
        reachable = visible
    assert set(got) == reachable
    declaration = get_portal(portal)
    assert all(url.startswith(declaration.origin + "/") for _, url in got.values())
    if portal in SEED_TITLES:
        assert any(title.startswith(SEED_TITLES[portal]) for title, _ in got.values())


def test_faults_cost_nothing_but_the_bomb(sim, tmp_path):
    sim.set_clock(DEFAULT_CLOCK)
    site = sim.sites["honglinh"]
    articles = site.visible(DEFAULT_CLOCK)
    bombed, dropped, truncated = articles[3], articles[5], articles[7]
    path = lambda a: site.family.article_path(site, a)  # noqa: E731
    faults = [
        Fault(r"Page=2", "status", status=503, retry_after=1, times=1),
        Fault(r"Page=3", "status", status=500, times=1),
        Fault(path(dropped), "drop", times=1),
        Fault(path(truncated), "truncate", times=1),
        Fault(path(bombed), "gzip_bomb"),
        Fault(r"default\.aspx", "slow", delay=0.5, times=1),
    ]
    for fault in faults:
        sim.add_fault("honglinh", fault)
    try:
        db = tmp_path / "faults.db"
        result = crawl(sim, "honglinh", db)
    finally:
        sim.clear_faults()
    assert result.returncode == 0, result.stderr[-3000:]
    got = set(stored(db, "honglinh"))
    assert got == {str(a.id) for a in articles} - {str(bombed.id)}
    assert all(f.hits >= 1 for f in faults)


def test_a_moved_site_is_not_followed_off_its_host(sim, tmp_path):
    sim.set_clock(DEFAULT_CLOCK)
    db = tmp_path / "moved.db"
    result = crawl(sim, "longmy", db)
    assert result.returncode == 0
    assert stored(db, "longmy") == {}
    stats = last_run_stats(db)
    assert stats["portal/offsite_redirect/last"] == "https://thixalongmy.haugiang.gov.vn/"
    assert "DNS" not in result.stderr
