"""WARC capture: files standard tools read, records readable alone, revisits, rotation."""

import gzip
import random
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


def crashed_file(tmp_path, cut):
    """A file as a writer killed during its third exchange leaves it: ``cut`` bytes into it."""
    files = WarcFiles(tmp_path, "test")
    first = files.write(exchange(), None)
    files.write(exchange(body=BODY * 2), None)
    path = tmp_path / first.warc_file
    whole = path.stat().st_size  # two whole exchanges
    noise = random.Random(1).randbytes(100_000)
    third = files.write(exchange(body=noise), None)  # big: its response member is ~100 KB
    files.close()
    with path.open("r+b") as handle:
        handle.truncate(third.offset + cut)
    return path, whole


def test_a_record_left_partial_by_a_crash_is_cut_off_by_the_next_writer(tmp_path):
    for cut in (5, 60, 5_000, 60_000):  # in the gzip header, just after, mid-body, near the end
        folder = tmp_path / str(cut)
        folder.mkdir()
        path, whole = crashed_file(folder, cut)
        assert path.stat().st_size == whole + cut
        WarcFiles(folder, "test").close()  # opening a writer repairs the directory
        assert path.stat().st_size == whole
        assert warcio_check(path).returncode == 0
        assert [r.rec_type for r in ArchiveIterator(path.open("rb"))] == ["response", "request"] * 2


def test_a_cut_between_records_or_a_whole_file_is_left_alone(tmp_path):
    files = WarcFiles(tmp_path, "test")
    name = files.write(exchange(), None).warc_file
    files.close()
    size = (tmp_path / name).stat().st_size
    WarcFiles(tmp_path, "test").close()
    assert (tmp_path / name).stat().st_size == size


def test_a_file_being_written_is_not_touched(tmp_path):
    writing = WarcFiles(tmp_path, "live")
    record = writing.write(exchange(), None)
    path = tmp_path / record.warc_file
    with path.open("ab") as handle:  # looks partial, but its writer is alive
        handle.write(b"\x1f\x8b\x08\x00partial")
    size = path.stat().st_size
    WarcFiles(tmp_path, "other").close()
    assert path.stat().st_size == size
    writing.close()
