"""``portal-archive import``: WARC, ARC and WACZ files other tools made, matched to the declared
portals by host, copied into the archive's WARC files, their articles stored once."""

import io
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from simulator import build_sites
from simulator.webarchive import capture_history, write_arc, write_wacz, write_warc
from tests.simcrawl import portal_archive

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def honglinh(tmp_path_factory):
    site = build_sites(seed=4, articles=120, only=["honglinh"])["honglinh"]
    captures, truth = capture_history(site, seed=9)
    return captures, truth, tmp_path_factory.mktemp("files")


def stored(db):
    with closing(sqlite3.connect(db)) as conn:
        rows = conn.execute("SELECT url, published, source FROM articles").fetchall()
    return {urlsplit(url).path: (published[:10], source) for url, published, source in rows}


def with_strangers(warc: Path) -> Path:
    """``warc`` plus a request record and responses of a host no portal declares."""
    with open(warc, "ab") as handle:
        writer = WARCWriter(handle, gzip=True)
        for number in range(3):
            body = b"<html><body>elsewhere</body></html>"
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], "HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(
                    f"https://example.org/{number}", "response", payload=io.BytesIO(body),
                    length=len(body), http_headers=http,
                )
            )  # fmt: skip
        request = StatusAndHeaders("GET / HTTP/1.1", [], is_http_request=True)
        writer.write_record(
            writer.create_warc_record(
                "https://example.org/", "request", payload=io.BytesIO(b""), length=0,
                http_headers=request,
            )
        )  # fmt: skip
    return warc


def test_import_a_warc_file_twice_stores_it_once(honglinh, tmp_path):
    captures, truth, folder = honglinh
    warc = with_strangers(write_warc(captures, folder / "honglinh.warc.gz"))
    db = tmp_path / "news.db"
    first = portal_archive("import", warc, "--db", db, "--quiet")
    assert first.returncode == 0, first.stdout + first.stderr[-3000:]
    assert "3 response(s) of hosts no portal declares, left out: example.org (3)" in first.stdout
    assert "Import of honglinh finished" in first.stdout
    got = stored(db)
    assert set(got) == set(truth.good)  # soft 404s and shells are not articles
    assert got == {path: (day.isoformat(), "import") for path, day in truth.good.items()}
    with closing(sqlite3.connect(db)) as conn:
        captured = conn.execute("SELECT count(*) FROM captures WHERE source = 'import'").fetchone()
    responses = sum(1 for c in captures)
    assert captured[0] == responses  # every record of the portal copied, articles or not
    again = portal_archive("import", warc, "--db", db, "--quiet")
    assert again.returncode == 0, again.stderr[-2000:]
    assert f"imported before: {responses}" in again.stdout
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("SELECT count(*) FROM captures").fetchone() == captured
    warcio = Path(sys.executable).parent / "warcio"
    files = sorted((tmp_path / "news-warc").glob("*.warc.gz"))
    checked = subprocess.run([warcio, "check", *files], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout


def test_import_arc_and_wacz_files(honglinh, tmp_path):
    captures, truth, folder = honglinh
    half = len(captures) // 2
    arc = write_arc(captures[:half], folder / "old.arc.gz")
    wacz = write_wacz(write_warc(captures[half:], folder / "data.warc.gz"), folder / "new.wacz")
    db = tmp_path / "news.db"
    done = portal_archive("import", arc, wacz, "--portal", "honglinh", "--db", db, "--quiet")
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    assert set(stored(db)) == set(truth.good)


def test_a_file_that_is_not_an_archive_is_one_line(tmp_path):
    junk = tmp_path / "notes.warc.gz"
    junk.write_bytes(b"this is not a WARC file\n" * 10)
    done = portal_archive("import", junk, "--db", tmp_path / "x.db")
    assert done.returncode != 0
    assert "notes.warc.gz: not a WARC or ARC file" in done.stderr
    assert "Traceback" not in done.stderr
