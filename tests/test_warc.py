"""WARC capture: files standard tools read, records readable alone, revisits, rotation."""

import gzip
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive.warc import Exchange, WarcFiles, payload_digest

BODY = "<html><p>Tin tức</p></html>".encode()


def exchange(body=BODY, url="https://honglinh.hatinh.gov.vn/a.aspx"):
    return Exchange(
        target_uri=url,
        method="GET",
        request_headers=[("User-Agent", "portal-archive")],
        status=200,
        reason="OK",
        response_headers=[("Content-Type", "text/html; charset=utf-8")],
        body=body,
        fetched_at=datetime(2025, 6, 15, 5, 0, tzinfo=UTC),
    )


def warcio_check(*paths):
    return subprocess.run(
        [str(Path(sys.executable).with_name("warcio")), "check", *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_records_are_standard_and_readable_alone(tmp_path):
    files = WarcFiles(tmp_path, "test")
    first = files.write(exchange(), revisit_of=None)
    again = files.write(
        exchange(), revisit_of=("https://honglinh.hatinh.gov.vn/a.aspx", "2025-06-15T05:00:00Z")
    )
    files.close()
    path = tmp_path / first.warc_file
    assert warcio_check(path).returncode == 0
    types = [r.rec_type for r in ArchiveIterator(path.open("rb"))]
    assert types == ["response", "request", "revisit", "request"]
    assert (first.record_type, again.record_type) == ("response", "revisit")
    assert first.payload_digest == payload_digest(exchange().body)
    with path.open("rb") as stream:  # one gzip member per record: seek and read it alone
        stream.seek(first.offset)
        record = next(iter(ArchiveIterator(stream)))
        assert record.content_stream().read() == exchange().body
    raw = gzip.decompress(path.read_bytes()[first.offset : first.offset + first.length])
    assert raw.startswith(b"WARC/1.")


def test_files_rotate_by_size(tmp_path):
    files = WarcFiles(tmp_path, "test", max_bytes=2_000)
    written = {files.write(exchange(body=bytes(range(256)) * 20), None).warc_file for _ in range(5)}
    files.close()
    assert len(written) >= 2
    assert warcio_check(*tmp_path.glob("*.warc.gz")).returncode == 0
