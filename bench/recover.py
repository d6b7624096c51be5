"""Recovery of a dark portal from a web archive, and import of a large WARC file.

    .venv/bin/python -m bench.recover [--articles 1500] [--import-records 10000]

Recovery: the simulated Đắk Song district portal (dark since 1 July 2025) with its whole history
is captured as a web archive would hold it (simulator.webarchive: about 70 % of the articles,
some several times, http/https and www., soft 404s, empty shells, home pages), served by pywb
behind a front that pages the CDX answers by 500 rows as the Wayback does. ``recover`` runs
once; the bench compares what was stored with what the collection holds. Targets (issue 14):
recovered >= 99 % of the article URLs with a good capture, 0 rows that are not articles,
published day right for >= 99 %, archive requests <= 1.02 per recovered article plus the CDX
pages; every WARC file passes ``warcio check``.

Import: a WARC file of ``--import-records`` records (responses of the simulated Hồng Lĩnh and
Báo Hà Tĩnh, their requests, and records of hosts no portal declares) is imported; target
>= 100 records/s on 2 cores.
"""

from __future__ import annotations

import argparse
import io
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive import Archive
from simulator import build_sites
from simulator.wayback import ArchiveFront, Pywb
from simulator.webarchive import capture_history, write_warc

PORTAL = "daksong"


def warcio_ok(folder: Path) -> bool:
    files = sorted(folder.glob("*.warc.gz"))
    warcio = Path(sys.executable).parent / "warcio"
    done = subprocess.run([warcio, "check", *files], capture_output=True, check=False)
    return bool(files) and done.returncode == 0


def bench_recovery(articles: int, workdir: Path) -> dict[str, float]:
    site = build_sites(seed=7, articles=articles, only=[PORTAL])[PORTAL]
    captures, truth = capture_history(site, seed=17)
    warc = write_warc(captures, workdir / "in" / f"{PORTAL}.warc.gz")
    db = workdir / "recovered.db"
    with (
        Pywb(workdir / "pywb", {PORTAL: [warc]}) as pywb,
        ArchiveFront(pywb.base_url, page_size=500) as front,
    ):
        started = time.monotonic()
        result = Archive(db).recover(PORTAL, front.cdx(PORTAL), progress=False)
        elapsed = time.monotonic() - started
    with closing(sqlite3.connect(db)) as conn:
        rows = conn.execute("SELECT url, published FROM articles").fetchall()
    stored = {urlsplit(url).path + _query(url): (published or "")[:10] for url, published in rows}
    good = truth.good
    recovered = [path for path in stored if path in good]
    day_right = sum(stored[path] == good[path].isoformat() for path in recovered)
    stats = result.stats
    figures = {
        "captures_in_collection": truth.captures,
        "cdx_rows_seen": stats.get("recover/cdx/rows", 0),
        "cdx_pages": front.counts["cdx"],
        "article_urls_with_good_capture": len(good),
        "recovered": len(recovered),
        "recovered_share": len(recovered) / max(len(good), 1),
        "rows_not_articles": len(set(stored) - set(good)),
        "published_day_right": day_right / max(len(recovered), 1),
        "memento_requests": front.counts["memento"],
        "requests_per_recovered": front.counts["memento"] / max(len(recovered), 1),
        "seconds": round(elapsed, 1),
        "warcio_check_ok": warcio_ok(workdir / "recovered-warc"),
        "run_ok": result.ok,
    }
    print(f"Recovery of {PORTAL} (dark since 2025-07-01) from pywb behind a paged front")
    print(
        f"  collection: {truth.captures} captures "
        + ", ".join(f"{kind} {n}" for kind, n in sorted(truth.by_kind.items()))
    )
    print(
        f"  CDX rows seen {figures['cdx_rows_seen']} in {figures['cdx_pages']} pages; "
        f"article URLs with a good capture {len(good)}"
    )
    print(
        f"  recovered {len(recovered)} ({figures['recovered_share']:.2%}), rows that are not "
        f"articles {figures['rows_not_articles']}, published day right "
        f"{figures['published_day_right']:.2%}"
    )
    print(
        f"  archive requests: {front.counts['memento']} mementos = "
        f"{figures['requests_per_recovered']:.3f} per recovered article, plus "
        f"{front.counts['cdx']} CDX pages; {elapsed:.1f} s; warcio check "
        f"{'passed' if figures['warcio_check_ok'] else 'FAILED'}"
    )
    return figures


def import_file(records: int, workdir: Path) -> tuple[Path, int]:
    """A WARC file of about ``records`` records: responses of two portals with their request
    records, and responses of a host no portal declares (a twentieth)."""
    path = workdir / "import.warc.gz"
    per_site = int(records * 0.95 / 2 / 2 / 2.1)  # two records a capture, ~2.1 captures an article
    captures = []
    for key in ("honglinh", "baohatinh"):
        site = build_sites(seed=11, articles=per_site, only=[key])[key]
        captures += capture_history(site, seed=13, share=1.0)[0]
    write_warc(captures, path)
    written = len(captures)
    with open(path, "ab") as handle:
        writer = WARCWriter(handle, gzip=True)
        for capture in captures:
            request = StatusAndHeaders(
                f"GET {urlsplit(capture.url).path} HTTP/1.1", [], is_http_request=True
            )
            writer.write_record(
                writer.create_warc_record(
                    capture.url, "request", payload=io.BytesIO(b""), length=0, http_headers=request
                )
            )
            written += 1
        body = b"<html><body>" + b"<p>elsewhere</p>" * 200 + b"</body></html>"
        while written < records:
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], "HTTP/1.1")
            record = writer.create_warc_record(
                f"https://example.org/{written}",
                "response",
                payload=io.BytesIO(body),
                length=len(body),
                http_headers=http,
            )
            writer.write_record(record)
            written += 1
    return path, written


def bench_import(records: int, workdir: Path) -> dict[str, float]:
    path, written = import_file(records, workdir)
    started = time.monotonic()
    report = Archive(workdir / "imported.db").import_files([path], progress=False)
    elapsed = time.monotonic() - started
    stored = sum(
        r.stats.get("archive/articles/new", 0) + r.stats.get("archive/articles/updated", 0)
        for r in report.results
    )
    figures = {
        "import_records": written,
        "import_seconds": round(elapsed, 1),
        "import_records_per_second": round(written / elapsed, 1),
        "import_articles_stored": stored,
        "import_unknown_host_records": report.unknown,
        "import_ok": all(r.ok for r in report.results),
    }
    print(
        f"Import of one WARC file of {written:,} records ({report.records['response']:,} "
        f"responses, {report.records['request']:,} requests; {report.unknown} of a host no "
        f"portal declares): {elapsed:.1f} s = {written / elapsed:.0f} records/s, "
        f"{stored:,} article versions stored"
    )
    return figures


def _query(url: str) -> str:
    query = urlsplit(url).query
    return f"?{query}" if query else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1500)
    parser.add_argument("--import-records", type=int, default=10_000)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        figures = bench_recovery(arguments.articles, Path(folder))
        figures |= bench_import(arguments.import_records, Path(folder))
    print(json.dumps({"bench": "recover", **figures}))


if __name__ == "__main__":
    main()
