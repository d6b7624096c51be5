"""The crawler on every simulated portal family, end to end (crawl subprocess, simulator here)."""

import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import datetime
from pathlib import Path

import pytest

from crawler.portals import get_portal
from pipelines.extraction.dates import VIETNAM
from simulator import DEFAULT_CLOCK, Fault, Simulator
from simulator.families.daksong import CATEGORIES
from tests.simcrawl import crawl, last_run_stats, stored

pytestmark = pytest.mark.slow  # end-to-end: crawls in a subprocess

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
        # "Thông báo" pages only by __doPostBack: its later pages are reached by posting back.
        postback = [str(a.id) for a in site.visible(clock, CATEGORIES["17"])]
        assert len(postback) > 2 * site.page_size
        assert set(postback) <= set(got)
    assert set(got) == visible
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
    # The bomb's article is lost, and said so: the crawl fails, and the next one tries it again.
    assert result.returncode == 1, result.stderr[-3000:]
    assert "FAILED: 1 article page(s) could not be fetched" in result.stdout
    got = set(stored(db, "honglinh"))
    assert got == {str(a.id) for a in articles} - {str(bombed.id)}
    assert all(f.hits >= 1 for f in faults)
    with sqlite3.connect(db) as conn:
        failures = conn.execute(
            "SELECT url, error, warc_file FROM captures WHERE record_type = 'failure'"
        ).fetchall()
    # The dropped connection got no response, so no WARC record, but the index says what failed.
    dropped_url = f"https://{site.host}{path(dropped)}"
    assert [(url, warc) for url, _, warc in failures if url == dropped_url] == [(dropped_url, None)]
    assert all(error for _, error, _ in failures)


def test_a_moved_site_is_not_followed_off_its_host(sim, tmp_path):
    sim.set_clock(DEFAULT_CLOCK)
    db = tmp_path / "moved.db"
    result = crawl(sim, "longmy", db)
    assert result.returncode == 0
    assert stored(db, "longmy") == {}
    stats = last_run_stats(db)
    assert stats["portal/offsite_redirect/last"] == "https://thixalongmy.haugiang.gov.vn/"
    assert "DNS" not in result.stderr
    assert (
        "nothing stored: the site sends its pages elsewhere "
        "(https://thixalongmy.haugiang.gov.vn/): it moved, or was merged" in result.stdout
    )


def test_every_response_is_archived_in_warc_and_unchanged_refetches_are_revisits(sim, tmp_path):
    from warcio.archiveiterator import ArchiveIterator

    sim.set_clock(DEFAULT_CLOCK)
    db = tmp_path / "warc.db"
    assert crawl(sim, "thanhuy-backan", db).returncode == 0
    assert crawl(sim, "thanhuy-backan", db).returncode == 0
    with sqlite3.connect(db) as conn:
        runs = dict(conn.execute("SELECT id, pages FROM runs").fetchall())
        by_run = dict(
            conn.execute(
                "SELECT run_id, group_concat(DISTINCT record_type) FROM captures GROUP BY run_id"
            ).fetchall()
        )
        captures = conn.execute("SELECT warc_file, offset, url, status FROM captures").fetchall()
    assert len(captures) == sum(runs.values())  # robots.txt, listings, articles: all of them
    assert by_run[2] == "revisit"  # nothing changed between the two crawls
    with sqlite3.connect(db) as conn:
        first_urls = conn.execute(
            "SELECT count(DISTINCT url), sum(record_type = 'response') FROM captures "
            "WHERE run_id = 1"
        ).fetchone()
    assert first_urls[0] == first_urls[1]  # one full record per URL; a re-fetch is a revisit
    assert any(url.endswith("/robots.txt") for _, _, url, _ in captures)
    warc_dir = tmp_path / "warc-warc"
    files = sorted(warc_dir.glob("*.warc.gz"))
    checked = subprocess.run(
        [str(Path(sys.executable).with_name("warcio")), "check", *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout
    warc_file, offset, url, _ = captures[0]
    with (warc_dir / warc_file).open("rb") as stream:
        stream.seek(offset)
        record = next(iter(ArchiveIterator(stream)))
    assert record.rec_headers.get_header("WARC-Target-URI") == url
    assert url.startswith("https://thanhuy.backan.dcs.vn/")


def test_a_full_disk_stops_the_crawl_as_failed_and_loses_nothing_stored(sim, tmp_path):
    """The WARC files fill first (the usual case): the crawl stops, exits 1, says why and is
    recorded as failed; what was committed stays, and no article is stored without its
    capture. Needs root, for a 32 KiB tmpfs as the WARC folder."""
    import os
    import subprocess

    if os.geteuid() != 0:
        pytest.skip("a small tmpfs needs root (mount); the full-disk path is not exercised")
    warc = tmp_path / "warc"
    warc.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=32k", "tmpfs", str(warc)])
    if mounted.returncode != 0:
        pytest.skip("mount is not permitted here; the full-disk path is not exercised")
    try:
        sim.set_clock(DEFAULT_CLOCK)
        db = tmp_path / "full.db"
        result = crawl(sim, "baohatinh", db, "-s", f"ARCHIVE_WARC_DIR={warc}")
        assert result.returncode == 1, result.stdout
        assert "No space left on device" in result.stdout
        assert "Traceback" not in result.stderr
        with closing(sqlite3.connect(db)) as conn:
            (status,) = conn.execute("SELECT status FROM runs").fetchone()
            orphans = conn.execute(
                "SELECT count(*) FROM articles WHERE capture_id IS NULL"
            ).fetchone()[0]
        assert status == "failed" and orphans == 0
        assert last_run_stats(db)["archive/warc/write_failed"] >= 1
    finally:
        subprocess.run(["umount", str(warc)], check=False)
