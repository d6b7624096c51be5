"""Size of the raw archive (WARC files) against the raw response bytes, and what else would give.

    python -m bench.warc_size [--db PATH]

Without ``--db``, crawls the replayed Hanoi portal first. "Raw response bytes" are what the
crawl received: HTTP headers plus body of every response, revisits included (what a plain copy
of every response would take). The archive is every WARC file on disk: responses, revisits and
request records, gzip per record, as written. For comparison, the same records recompressed
one by one (so each stays readable alone from its offset) with gzip -9, zstd -9, and zstd -9
with a dictionary trained on a tenth of the records (the dictionary counted once), and the
whole uncompressed WARC in one zstd -9 stream (no random access; a lower bound).
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import sqlite3
import tempfile
from pathlib import Path
from typing import Literal

from backports import zstd
from warcio.archiveiterator import ArchiveIterator

from archive.warc import warc_dir_for
from bench.reextract import crawl_hanoi

DICT_SIZE = 112_640  # zstd's default dictionary size
LEVEL = 9  # zstd level: -19 saves another 0.3 point of ratio at ten times the time


def uncompressed_records(warc: Path) -> list[bytes]:
    """Every record of a gzip-per-record WARC file, uncompressed, one bytes object each."""
    with gzip.open(warc) as stream:  # gzip.decompress is quadratic in the number of members
        raw = stream.read()
    out = []
    iterator = ArchiveIterator(io.BytesIO(raw))
    for _ in iterator:
        iterator.read_to_end()
        start = iterator.get_record_offset()
        out.append(raw[start : start + iterator.get_record_length()])
    return out


def response_lengths(warc: Path) -> dict[int, int]:
    """Offset of each response record in the file -> its HTTP message length (headers + body)."""
    lengths = {}
    with warc.open("rb") as stream:
        iterator = ArchiveIterator(stream)
        for record in iterator:
            if record.rec_type == "response":
                lengths[iterator.get_record_offset()] = record.length
    return lengths


def received_bytes(db: Path, files: list[Path]) -> int:
    """HTTP bytes of every response the crawls received; a revisit counts its payload's record."""
    lengths = {(f.name, offset): n for f in files for offset, n in response_lengths(f).items()}
    with sqlite3.connect(db) as conn:
        sources = conn.execute(
            "SELECT coalesce(src.warc_file, c.warc_file), coalesce(src.offset, c.offset) "
            "FROM captures c LEFT JOIN captures src ON c.record_type = 'revisit' AND src.id = ("
            "SELECT min(id) FROM captures s WHERE s.url = c.url AND s.payload_digest = "
            "c.payload_digest AND s.record_type = 'response') "
            "WHERE c.record_type IN ('response', 'revisit')"
        ).fetchall()
    return sum(lengths.get((name, offset), 0) for name, offset in sources)


def per_record_zstd(every: list[bytes], dictionary: zstd.ZstdDict | None = None) -> int:
    """Bytes of every record as its own zstd frame (one compressor reused: no new context each)."""
    compressor = zstd.ZstdCompressor(level=LEVEL, zstd_dict=dictionary)
    frame: Literal[2] = zstd.ZstdCompressor.FLUSH_FRAME
    return sum(len(compressor.compress(record, mode=frame)) for record in every)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="an archive crawled with WARC capture on")
    args = parser.parse_args()
    db = args.db
    if db is None:
        db = Path(tempfile.mkdtemp(prefix="bench-warc-")) / "hanoi.db"
        crawl_hanoi(db)
    files = sorted(Path(warc_dir_for(db)).glob("*.warc.gz"))
    every = [record for warc in files for record in uncompressed_records(warc)]
    received = received_bytes(db, files)
    sample = every[::10]
    dictionary = zstd.train_dict(sample, DICT_SIZE)
    sizes = {
        "warc_gzip_per_record (as written)": sum(f.stat().st_size for f in files),
        "gzip-9 per record": sum(len(gzip.compress(r, 9, mtime=0)) for r in every),
        "zstd-9 per record": per_record_zstd(every),
        "zstd-9 per record + portal dictionary": len(dictionary.dict_content)
        + per_record_zstd(every, dictionary),
        "zstd-9 whole file (no random access)": len(zstd.compress(b"".join(every), LEVEL)),
    }
    print(f"WARC files          {len(files)}")
    print(f"records             {len(every)}")
    print(f"raw response bytes  {received / 1e6:.1f} MB (revisits counted as re-sent payloads)")
    for name, size in sizes.items():
        print(f"{name:<40}  {size / 1e6:7.1f} MB  {size / received:6.1%}")
    figures = {name: round(size / received, 4) for name, size in sizes.items()}
    print(json.dumps({"bench": "warc_size", "raw_response_bytes": received, "ratios": figures}))


if __name__ == "__main__":
    main()
