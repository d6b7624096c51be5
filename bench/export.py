"""Dataset export at scale: time and peak memory of `portal-archive export` on synthetic archives.

    python -m bench.export [--sizes 100000,1000000] [--format parquet] [--workdir DIR]

Builds (once, kept in --workdir) archives of the given sizes with realistic article sizes:
titles of about 90 characters, leads of about 250, bodies of 3 to 25 paragraphs drawn from the
simulator's article generator (median about 3,000 characters), 0 to 6 images with captions, 0 to
5 tags, 300 portals in 34 provinces, a capture row per article. The synthetic archives have no
full-text index (export does not read it). Then exports each in a child process and reports wall
time and the child's peak RSS. Target: 1,000,000 articles to Parquet in at most 60 s, memory flat
(the same at 100k and 1M). Paragraphs repeat across articles (a pool of some 20,000), so the
output compresses somewhat better than real text would.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

from archive.db import Store
from bench.report import print_figures
from pipelines.extraction.dates import VIETNAM
from simulator.content import ArticleGenerator

PORTALS = 300
PROVINCES = 34
LEVELS = ("province", "city", "town", "district", "commune")
KINDS = ("government", "party", "newspaper")


def build_archive(path: Path, articles: int, seed: int = 1) -> None:
    """A synthetic archive of ``articles`` rows (written once; reused when it is complete)."""
    if path.exists():
        with closing(sqlite3.connect(path)) as conn:
            try:
                if conn.execute("SELECT count(*) FROM articles").fetchone()[0] == articles:
                    return
            except sqlite3.DatabaseError:
                pass
        path.unlink()
    Store(path).close()  # the real schema
    rng = random.Random(seed)
    paragraphs = _paragraph_pool(seed)
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("PRAGMA synchronous = OFF")
        for trigger in ("articles_ai", "articles_ad", "articles_au"):
            conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO sources (id, name, province, province_after_2025, level, kind, origin, "
            "language, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'vi', '2026-01-01T00:00:00+00:00')",
            [
                (
                    f"portal-{n:03d}",
                    f"Cổng thông tin điện tử số {n}",
                    f"Tỉnh {n % 63}",
                    f"Tỉnh {n % PROVINCES}",
                    LEVELS[n % len(LEVELS)],
                    KINDS[n % len(KINDS)],
                    f"https://portal-{n:03d}.gov.vn",
                )
                for n in range(PORTALS)
            ],
        )
        conn.execute("COMMIT")
        start = datetime(2015, 1, 1, tzinfo=VIETNAM)
        for first in range(0, articles, 10_000):
            rows, captures = [], []
            for n in range(first, min(articles, first + 10_000)):
                rows.append(_article_row(n, rng, paragraphs, start))
                captures.append((n + 1, f"portal-archive-{n // 20_000:05d}.warc.gz", n * 9_000))
            conn.execute("BEGIN")
            conn.executemany(
                "INSERT INTO articles (url, portal, article_key, fetched_url, title, lead, text, "
                "author, published, section, language, images, content_hash, extractor, "
                "fetched_at, first_seen, last_seen, run_id, author_unit, tags, capture_id, "
                "text_hash, cluster_id, word_count) VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'vi', ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            conn.executemany(
                "INSERT INTO captures (id, warc_file, offset, length, status, record_type) "
                "VALUES (?, ?, ?, 9000, 200, 'response')",
                captures,
            )
            conn.execute("COMMIT")


def _paragraph_pool(seed: int) -> list[str]:
    generator = ArticleGenerator(seed)
    moment = datetime(2020, 1, 1, tzinfo=VIETNAM)
    pool: list[str] = []
    for n in range(4_000):
        article = generator.article(n, moment, "Tin tức")
        pool.extend(article.paragraphs)
    return pool


def _article_row(
    n: int, rng: random.Random, paragraphs: list[str], start: datetime
) -> tuple[object, ...]:
    portal = f"portal-{n % PORTALS:03d}"
    url = f"https://{portal}.gov.vn/tin-tuc/bai-viet-so-{n}.html"
    body = "\n".join(rng.choices(paragraphs, k=rng.randint(3, 25)))
    published = (start + timedelta(minutes=n * 5 + rng.randint(0, 4))).isoformat()
    images = [
        {
            "src": f"https://{portal}.gov.vn/img/{n}-{i}.jpg",
            "alt": "",
            "caption": rng.choice(paragraphs)[:120],
        }
        for i in range(rng.randint(0, 6))
    ]
    tags = [f"chủ đề {rng.randint(1, 500)}" for _ in range(rng.randint(0, 5))]
    stamp = "2026-01-01T00:00:00+00:00"
    return (
        url,
        portal,
        str(n),
        url,
        rng.choice(paragraphs)[:90],
        rng.choice(paragraphs)[:250],
        body,
        "Nguyễn Văn A",
        published,
        "Tin tức - Sự kiện",
        json.dumps(images, ensure_ascii=False),
        f"{n:032x}",
        "portal-archive-1+trafilatura-2.3.1:selectors:synthetic@1",
        stamp,
        stamp,
        stamp,
        "Văn phòng HĐND-UBND" if n % 3 == 0 else None,
        json.dumps(tags, ensure_ascii=False),
        n + 1,
        f"{n % 900_000:032x}",  # some exact duplicates
        n // 50 if n % 50 < 2 else None,
        len(body.split()),
    )


def measure_export(db: Path, out: Path, file_format: str) -> dict[str, float]:
    """Wall time and peak RSS of one export, in a child process of its own."""
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "archive", "export", "--db", str(db), "--out", str(out)]
        + ["--format", file_format],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    if status != 0:
        sys.exit(f"export failed: {child.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return {
        "seconds": round(elapsed, 1),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "output_mb": round(size / 1024**2, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--format", default="parquet", choices=["parquet", "jsonl", "csv"])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/portal-archive-bench-export"))
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    figures: dict[str, object] = {"format": args.format}
    for size in (int(s) for s in args.sizes.split(",")):
        db = args.workdir / f"synthetic-{size}.db"
        started = time.perf_counter()
        build_archive(db, size)
        label = f"{size // 1000}k"
        figures[f"{label}_archive_mb"] = round(db.stat().st_size / 1024**2)
        figures[f"{label}_build_seconds"] = round(time.perf_counter() - started, 1)
        result = measure_export(db, args.workdir / f"export-{size}", args.format)
        for name, value in result.items():
            figures[f"{label}_{name}"] = value
        figures[f"{label}_rows_per_second"] = round(size / result["seconds"])
    print_figures("export", figures)


if __name__ == "__main__":
    main()
