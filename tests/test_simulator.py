"""The portal simulator's behaviour over HTTP: clock, changes, fates, faults, encodings, traps."""

import gzip
import http.client
import urllib.error
import urllib.request
from datetime import datetime
from urllib.parse import urlsplit

import pytest

from pipelines.extraction.dates import VIETNAM
from pipelines.extraction.html import decode_html
from simulator import DEFAULT_CLOCK, REFORM, Fault, Simulator, build_sites


@pytest.fixture
def sim():
    with Simulator(seed=7, articles=30) as simulator:
        yield simulator


def fetch(url, method="GET"):
    """(status, headers, body) without following redirects; raises on a dropped connection."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.request(method, parts.path + (f"?{parts.query}" if parts.query else ""))
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, dict(response.getheaders()), body


def article_url(sim, key, article):
    site = sim.sites[key]
    return sim.base_url(key) + site.family.article_path(site, site.version(article, sim.now()))


def test_same_seed_same_sites_other_seed_other_sites():
    titles = lambda sites: [a.title for s in sites.values() for a in s.articles]  # noqa: E731
    assert titles(build_sites(seed=3, articles=10)) == titles(build_sites(seed=3, articles=10))
    assert titles(build_sites(seed=3, articles=10)) != titles(build_sites(seed=4, articles=10))


def test_each_site_carries_its_seed_article():
    sites = build_sites(articles=5)
    seeds = {key: [a.seed for a in site.articles if a.seed] for key, site in sites.items()}
    assert seeds["hatinhcity"] == ["000_cad0c324125f52df.txt"]
    assert seeds["honglinh"] == ["001_103eab66ddfbbfde.txt"]
    assert seeds["baohatinh"] == ["002_04829f3178903c67.txt"]
    assert seeds["thanhuy-backan"] == ["003_4c5cb58dc73e78a6.txt"]
    assert seeds["longmy"] == seeds["thixalongmy"] == ["004_97f1dc1c73792410.txt"]


def test_clock_decides_what_is_published(sim):
    site = sim.sites["honglinh"]
    sim.set_clock(datetime(2022, 1, 1, tzinfo=VIETNAM))
    early = site.visible(sim.now())
    future = next(a for a in site.articles if a.published > sim.now())
    status, _, _ = fetch(sim.base_url("honglinh") + site.family.article_path(site, future))
    assert status == 404
    sim.set_clock(DEFAULT_CLOCK)
    assert len(site.visible(sim.now())) > len(early)
    assert fetch(sim.base_url("honglinh") + site.family.article_path(site, future))[0] == 200
    newest = site.visible(sim.now())[0]
    _, _, listing = fetch(sim.base_url("honglinh") + "/portal/pages/tin-tuc-su-kien.aspx")
    assert site.family.article_path(site, newest).encode() in listing  # new items on top


def test_edits_and_removals_happen_on_schedule(sim):
    site = sim.sites["hatinhcity"]
    edited_id, edited_at = next(iter(site.edits.items()))
    article = next(a for a in site.articles if a.id == edited_id)
    sim.set_clock(edited_at.replace(second=0) - (edited_at - article.published) / 2)
    _, _, before = fetch(article_url(sim, "hatinhcity", article))
    sim.set_clock(edited_at)
    _, _, after = fetch(article_url(sim, "hatinhcity", article))
    assert "Cập nhật".encode() not in before and "Cập nhật".encode() in after
    removed_id, (removed_at, status) = next(iter(site.removals.items()))
    removed = next(a for a in site.articles if a.id == removed_id)
    sim.set_clock(removed_at)
    assert fetch(article_url(sim, "hatinhcity", removed))[0] == status in (404, 410)


def test_fates_after_the_reform(sim):
    sim.set_clock(REFORM)
    status, headers, _ = fetch(sim.base_url("honglinh") + "/portal/pages/default.aspx")
    assert (status, headers["Location"]) == (301, "https://hatinh.gov.vn/")
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        fetch(sim.base_url("daksong") + "/Pages/home.aspx")
    status, _, body = fetch(sim.base_url("hatinhcity") + "/")
    assert status == 200 and "ngừng cập nhật".encode() in body
    sim.advance(days=200)
    newest = sim.sites["hatinhcity"].visible(sim.now())[0]
    assert newest.published < REFORM  # frozen: nothing new appears


def test_old_longmy_host_moves_to_the_new_one(sim):
    sim.set_clock(datetime(2018, 1, 1, tzinfo=VIETNAM))
    assert fetch(sim.base_url("longmy") + "/")[0] == 200
    sim.set_clock(DEFAULT_CLOCK)
    status, headers, _ = fetch(sim.base_url("longmy") + "/")
    assert status == 301 and headers["Location"] == "https://thixalongmy.haugiang.gov.vn/"


def test_newspaper_redesign_redirects_old_urls(sim):
    site = sim.sites["baohatinh"]
    article = site.visible(sim.now())[-1]
    old = site.family.old_path(site, article)
    sim.set_clock(datetime(2023, 1, 1, tzinfo=VIETNAM))
    assert fetch(sim.base_url("baohatinh") + old)[0] == 200
    assert fetch(sim.base_url("baohatinh") + "/rss/xa-hoi.xml")[1]["Content-Type"].startswith(
        "application/rss+xml"
    )
    sim.set_clock(DEFAULT_CLOCK)
    status, headers, _ = fetch(sim.base_url("baohatinh") + old)
    assert status == 301 and headers["Location"] == site.family.new_path(article)
    assert b"<sitemapindex" in fetch(sim.base_url("baohatinh") + "/sitemap.xml")[2]
    assert b"<!ENTITY lol9" in fetch(sim.base_url("baohatinh") + "/sitemaps/tin-moi.xml")[2]
    assert b"Sitemap: /sitemap.xml" in fetch(sim.base_url("baohatinh") + "/robots.txt")[2]


def test_status_fault_with_retry_after_then_recovers(sim):
    sim.add_fault(
        "honglinh", Fault(r"tin-tuc-su-kien", "status", status=503, retry_after=3, times=2)
    )
    url = sim.base_url("honglinh") + "/portal/pages/tin-tuc-su-kien.aspx?Page=2"
    assert [fetch(url)[0] for _ in range(3)] == [503, 503, 200]
    sim.add_fault("honglinh", Fault(r"default", "status", status=429, retry_after=60, times=1))
    status, headers, _ = fetch(sim.base_url("honglinh") + "/portal/pages/default.aspx")
    assert (status, headers["Retry-After"]) == (429, "60")


def test_drop_truncate_slow_and_gzip_bomb(sim):
    base = sim.base_url("thanhuy-backan")
    sim.add_fault("thanhuy-backan", Fault(r"^/$", "drop", times=1))
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        fetch(base + "/")
    assert fetch(base + "/")[0] == 200
    sim.add_fault("thanhuy-backan", Fault(r"^/$", "truncate", times=1))
    with pytest.raises(http.client.IncompleteRead):
        fetch(base + "/")
    sim.add_fault("thanhuy-backan", Fault(r"^/$", "slow", delay=0.3, times=1))
    with pytest.raises(TimeoutError):
        urllib.request.urlopen(base + "/", timeout=0.1)
    sim.add_fault("thanhuy-backan", Fault(r"bomb", "gzip_bomb"))
    status, headers, body = fetch(base + "/bomb.html")
    assert headers["Content-Encoding"] == "gzip" and len(body) < 1_000_000
    assert len(gzip.decompress(body)) == 200 * 1024 * 1024


def test_unknown_fault_kind_is_refused():
    with pytest.raises(ValueError, match="unknown fault kind"):
        Fault(".", "explode")


def test_encodings_windows_1258_and_misdeclared_latin(sim):
    sim.set_clock(datetime(2018, 6, 1, tzinfo=VIETNAM))
    status, headers, body = fetch(sim.base_url("longmy") + "/tin-tuc.aspx")
    assert headers["Content-Type"] == "text/html; charset=windows-1258"
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert "Tin tức" in decode_html(body, headers)
    sim.set_clock(DEFAULT_CLOCK)
    _, headers, body = fetch(sim.base_url("thanhuy-backan") + "/")
    assert headers["Content-Type"] == "text/html; charset=iso-8859-1"
    assert "Thành ủy Bắc Kạn" in decode_html(body, headers)
    assert "Thành ủy Bắc Kạn" not in body.decode("iso-8859-1")


def test_daksong_mixes_entities_and_combining_marks(sim):
    site = sim.sites["daksong"]
    _, _, body = fetch(article_url(sim, "daksong", site.visible(sim.now())[0]))
    assert b"&ocirc;" in body and "\u0301".encode() in body


def test_traps_calendar_and_session_ids(sim):
    base = sim.base_url("hatinhcity")
    _, _, page = fetch(base + "/lich-cong-tac.html?ngay=1999-01-01")
    assert b"ngay=1998-12-31" in page and b"ngay=1999-01-02" in page
    sim.set_clock(datetime(2018, 6, 1, tzinfo=VIETNAM))
    first = fetch(sim.base_url("longmy") + "/tin-tuc.aspx")[2]
    second = fetch(sim.base_url("longmy") + "/tin-tuc.aspx")[2]
    assert first != second and b"sid=" in first


def test_clock_can_be_set_over_http(sim):
    url = sim.base_url("honglinh") + "/_simulator/clock?set=2025-08-01T00:00:00%2B07:00"
    assert fetch(url)[2].startswith(b"2025-08-01")
    assert sim.now() == datetime(2025, 8, 1, tzinfo=VIETNAM)
