"""Recovery of a vanished portal from web archives, end to end, on 127.0.0.1.

The archives are real: pywb (Webrecorder's Wayback) serves WARC collections built from the
simulator's history of Hồng Lĩnh, a town portal that now redirects to the province: part of its
articles captured, some several times, on http/https and www. or not, soft 404s after removals,
empty shells, redirects after the reform. In front of it, a front pages the CDX answers as the
Wayback does and misbehaves on demand (429 with Retry-After, dropped connections, a CDX page cut
short, records cut short, a wrong digest, the toolbar). Common Crawl's layout is a pywb index
plus a server of the WARC files that honours Range.
"""

import gzip
import json
import re
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from datetime import UTC
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from archive import Archive
from simulator import build_sites
from simulator.wayback import ArchiveFront, FrontFaults, Pywb, RangeServer
from simulator.webarchive import capture_history, write_warc
from tests.simcrawl import last_run_stats, portal_archive

stats_of = last_run_stats

PORTAL = "honglinh"
CC = "CC-MAIN-2025-26"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def collection(tmp_path_factory):
    site = build_sites(seed=3, articles=160, only=[PORTAL])[PORTAL]
    captures, truth = capture_history(site, seed=5)
    root = tmp_path_factory.mktemp("webarchive")
    warc = write_warc(captures, root / "in" / "honglinh-2016-2025.warc.gz")
    paper = build_sites(seed=3, articles=160, only=["baohatinh"])["baohatinh"]
    paper_warc = write_warc(capture_history(paper, seed=6)[0], root / "in" / "baohatinh.warc.gz")
    collections = {PORTAL: [warc], CC: [warc], "baohatinh": [paper_warc]}
    with Pywb(root / "pywb", collections) as pywb:
        yield pywb, captures, truth, site


def stored(db):
    with closing(sqlite3.connect(db)) as conn:
        rows = conn.execute("SELECT url, published, source FROM articles").fetchall()
    return {urlsplit(url).path: (published[:10], source) for url, published, source in rows}


def assert_recovered_everything(db, truth, source):
    got = stored(db)
    assert set(got) == set(truth.good)  # every article with a good capture; nothing else
    assert {path: day for path, (day, _) in got.items()} == {
        path: day.isoformat() for path, day in truth.good.items()
    }
    assert {s for _, s in got.values()} == {source}


def warcio_check(folder: Path) -> None:
    files = sorted(folder.glob("*.warc.gz"))
    assert files
    warcio = Path(sys.executable).parent / "warcio"
    checked = subprocess.run([warcio, "check", *files], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def first_of_edited(captures, count):
    """(timestamp, path) of the first capture of ``count`` articles captured again after an
    edit: damaging that capture leaves the article a good one to fall back on."""
    bodies: dict[str, list] = {}
    for capture in captures:
        if capture.kind == "article":
            bodies.setdefault(urlsplit(capture.url).path, []).append(capture)
    picked = []
    for path, seen in sorted(bodies.items()):
        if len({c.body for c in seen}) > 1:
            picked.append((seen[0].when.astimezone(UTC).strftime("%Y%m%d%H%M%S"), path))
    assert len(picked) >= count, "the collection needs articles captured before and after edits"
    return picked[:count]


def test_recover_through_a_faulty_paged_wayback(collection, tmp_path):
    pywb, captures, truth, _ = collection
    damaged = first_of_edited(captures, 3)
    faults = FrontFaults(
        cdx_429=2,
        retry_after=1,
        refuse_every=40,
        refuse_burst=3,
        cut_cdx_pages=1,
        cut_records=re.escape(f"{damaged[0][0]}id_/") + ".*" + re.escape(damaged[0][1]),
        wrong_digest=re.escape(f"{damaged[1][0]}id_/") + ".*" + re.escape(damaged[1][1]),
        toolbar=re.escape(f"{damaged[2][0]}id_/") + ".*" + re.escape(damaged[2][1]),
    )
    db = tmp_path / "news.db"
    with ArchiveFront(pywb.base_url, page_size=50, faults=faults) as front:
        command = [sys.executable, "-m", "archive", "recover", PORTAL, "--from"] + [
            front.cdx(PORTAL), "--db", str(db), "--quiet",
            "-s", "ARCHIVE_RECOVER_BACKOFF=0.2", "-s", "ARCHIVE_RECOVER_BACKOFF_MAX=1",
            "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1",  # one connection, as toward a real archive
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    assert "Recovery of honglinh finished" in done.stdout
    assert re.search(r"CDX rows seen: \d+ in \d+ page\(s\); article URLs: \d+", done.stdout)
    assert "captures fetched, by year: " in done.stdout
    assert_recovered_everything(db, truth, "wayback")
    stats = last_run_stats(db)
    assert stats["portal/retry_after/honoured"] == 2  # the two 429s, each waited for
    # Dropped connections: Twisted tries an idempotent request once more on its own, then the
    # archive is paused for a while before the next try.
    assert front.counts["refused"] >= 6 and stats["recover/backoff/pauses"] >= 1
    assert stats["recover/cdx/retried"] == 1  # the page cut short, read again
    assert stats["recover/cdx/pages"] >= 5  # paged: 50 rows a page
    assert stats["recover/mementos/damaged/digest_mismatch"] == 2  # cut short, altered
    assert stats["recover/mementos/damaged/archive_toolbar"] == 1
    assert stats["recover/mementos/next_capture"] == 3  # each damaged capture gave way
    assert front.counts["memento"] - 3 <= len(truth.good) + front.counts["refused"]
    warcio_check(tmp_path / "news-warc")


def test_recovered_pages_are_archived_under_their_original_url_and_time(collection, tmp_path):
    pywb, _, truth, _ = collection
    db = tmp_path / "news.db"
    Archive(db).recover(PORTAL, pywb.cdx(PORTAL), progress=False, limit=5)
    with closing(sqlite3.connect(db)) as conn:
        rows = conn.execute(
            "SELECT c.url, c.fetched_at, c.fetched_from, c.source, c.warc_file, c.offset, "
            "a.fetched_at FROM captures c JOIN articles a ON a.capture_id = c.id"
        ).fetchall()
    assert len(rows) == 5
    from warcio.archiveiterator import ArchiveIterator

    for url, fetched_at, fetched_from, source, warc_file, offset, article_time in rows:
        assert source == "wayback" and fetched_at == article_time  # the capture's time
        assert fetched_from.startswith(pywb.base_url) and "id_/" in fetched_from
        with open(tmp_path / "news-warc" / warc_file, "rb") as handle:
            handle.seek(offset)
            record = next(iter(ArchiveIterator(handle)))
        headers = record.rec_headers
        assert headers.get_header("WARC-Target-URI") == url  # the original URL, as captured
        assert headers.get_header("WARC-Date") == fetched_at.replace("+00:00", "Z")
        assert headers.get_header("WARC-Source-URI") == fetched_from
        assert headers.get_header("WARC-Recovered-From") == "wayback"
        assert record.http_headers.get_header("Memento-Datetime") is None  # the archive's own


def test_recover_from_common_crawl_reads_records_by_range(collection, tmp_path):
    pywb, _, truth, _ = collection
    crawls = [{"id": CC, "name": "June 2025", "cdx-api": pywb.cdx(CC)}]
    with RangeServer(pywb.archive_dir(CC), crawls) as data:
        settings = {
            "ARCHIVE_RECOVER_CC_INDEX": data.base_url,
            "ARCHIVE_RECOVER_CC_DATA": data.base_url,
        }
        result = Archive(tmp_path / "cc.db").recover(
            PORTAL, "commoncrawl", settings=settings, progress=False
        )
    assert result.ok, result.stats
    assert_recovered_everything(tmp_path / "cc.db", truth, "commoncrawl")
    # One range request per article, and one per distinct soft 404 payload under fewer than
    # three article URLs (both of this collection's were fetched at once, 16 in flight).
    assert len(truth.good) <= data.counts["range"] <= len(truth.good) + 2
    assert data.counts["file"] == 0
    warcio_check(tmp_path / "cc-warc")


def test_kill_9_during_a_recovery_then_the_same_command(collection, tmp_path):
    pywb, _, truth, _ = collection
    db = tmp_path / "news.db"
    with ArchiveFront(pywb.base_url, faults=FrontFaults(stall_at=60)) as front:
        command = [sys.executable, "-m", "archive", "recover", PORTAL, "--from"] + [
            front.cdx(PORTAL), "--db", str(db), "--quiet",
        ]  # fmt: skip
        one_at_a_time = ["-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"]  # the stall holds them all
        first = subprocess.Popen(
            command + one_at_a_time, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and front.counts["memento"] < 60:
            time.sleep(0.1)
        time.sleep(1.0)  # the pages before the stalled one are extracted and committed
        first.send_signal(signal.SIGKILL)
        first.wait()
        before = stored(db)
        assert 20 <= len(before) < len(truth.good)
        asked = front.counts["memento"]
        again = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stdout + again.stderr[-3000:]
    assert_recovered_everything(db, truth, "wayback")
    with closing(sqlite3.connect(db)) as conn:
        urls = [u for (u,) in conn.execute("SELECT url FROM articles")]
    assert len(urls) == len(set(urls))  # nothing twice
    # Only what was missing is asked again, and the few soft 404s (nothing stores a capture that
    # is not an article, so they are asked once per run).
    unusable = stats_of(db)["recover/mementos/unusable"]
    assert front.counts["memento"] - asked == len(truth.good) - len(before) + unusable
    warcio_check(tmp_path / "news-warc")
    for warc in (tmp_path / "news-warc").glob("*.warc.gz"):
        gzip.decompress(warc.read_bytes())


def test_all_versions_are_kept_as_revisions_in_capture_order(collection, tmp_path):
    pywb, captures, truth, site = collection
    edited = set()  # articles captured before and after an edit of theirs
    for article in site.articles:
        path = site.family.article_path(site, article)
        times = [c.when for c in captures if c.kind == "article" and c.url.endswith(path)]
        edit = site.edits.get(article.id)
        if edit and any(t < edit for t in times) and any(t >= edit for t in times):
            edited.add(path)
    assert edited, "the collection needs articles captured before and after an edit"
    db = tmp_path / "news.db"
    result = Archive(db).recover(PORTAL, pywb.cdx(PORTAL), all_versions=True, progress=False)
    assert result.ok, result.stats
    with closing(sqlite3.connect(db)) as conn:
        revisions = conn.execute(
            "SELECT r.article_url, r.fetched_at, r.replaced_at, a.fetched_at "
            "FROM article_revisions r JOIN articles a ON a.url = r.article_url"
        ).fetchall()
    assert {urlsplit(url).path for url, *_ in revisions} == edited
    assert all(old < replaced <= current for _, old, replaced, current in revisions)
    assert set(stored(db)) == set(truth.good)
    again = Archive(db).recover(PORTAL, pywb.cdx(PORTAL), all_versions=True, progress=False)
    # Every version is read already; only captures found not to be articles are asked again.
    unusable = result.stats.get("recover/mementos/unusable", 0)
    assert again.stats.get("recover/mementos/scheduled", 0) == unusable
    assert again.stats.get("archive/articles/new", 0) == 0


def test_a_redesigned_paper_is_read_with_the_layout_of_each_capture_date(collection, tmp_path):
    """Báo Hà Tĩnh changed its design in June 2024: captures before it are read with the old
    layout's selectors, later ones with the new; then status and export tell the source."""
    pywb = collection[0]
    paper = build_sites(seed=3, articles=160, only=["baohatinh"])["baohatinh"]
    captures, truth = capture_history(paper, seed=6)
    redesign = paper.options["redesign_at"]
    assert any(c.when < redesign for c in captures) and any(c.when > redesign for c in captures)
    db = tmp_path / "paper.db"
    result = Archive(db).recover("baohatinh", pywb.cdx("baohatinh"), progress=False)
    assert result.ok, result.stats
    got = stored(db)
    assert {path for path in got} == set(truth.good)
    assert {path: day for path, (day, _) in got.items()} == {
        path: day.isoformat() for path, day in truth.good.items()
    }
    status = portal_archive("status", "--db", db, "--now", "2025-12-01")
    count = len(truth.good)  # all of them recovered, none live
    assert re.search(rf"baohatinh\s+recovered\s+{count}\s+0\s+{count}\s", status.stdout)
    assert status.returncode == 0  # a recovered portal needs nobody
    out = tmp_path / "dataset"
    Archive(db).export(out, format="jsonl")
    rows = [json.loads(line) for line in (out / "data").glob("*.jsonl").__next__().open()]
    assert {row["source"] for row in rows} == {"wayback"}
    card = (out / "README.md").read_text()
    assert "recovered from a Wayback-style web archive" in card


def test_a_bad_source_is_one_line(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "archive", "recover", PORTAL, "--from", "archive.org"]
        + ["--db", str(tmp_path / "x.db")],
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0
    assert "give wayback, commoncrawl, or a CDX endpoint" in done.stderr
    assert "Traceback" not in done.stderr
