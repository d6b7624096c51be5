"""Duplicate clusters: the simulator's town portal republishes the provincial paper's articles."""

import sqlite3
import subprocess
import sys

import pytest

from archive.dedupe import dedupe
from simulator import DEFAULT_CLOCK, Simulator
from tests.conftest import make_article
from tests.simcrawl import crawl_ok

pytestmark = pytest.mark.slow  # end-to-end: crawls in a subprocess

TOWN, PAPER = "hatinhcity", "baohatinh"
PARAGRAPHS = [
    f"Đoạn {n}: Ủy ban nhân dân thành phố triển khai kế hoạch số {n}/KH-UBND về chuyển đổi số "
    f"tại {n + 3} phường, xã, với sự tham gia của các phòng, ban, ngành và đoàn thể liên quan."
    for n in range(1, 8)
]


def test_exact_near_and_unrelated_texts(store):
    text = "\n".join(PARAGRAPHS)
    store.save_article(make_article(url="https://a.gov.vn/1", article_key="1", text=text))
    store.save_article(  # same words, other spacing and case: an exact duplicate
        make_article(url="https://a.gov.vn/2", article_key="2", text=text.upper() + "  ")
    )
    store.save_article(  # one paragraph less: a near duplicate
        make_article(url="https://a.gov.vn/3", article_key="3", text="\n".join(PARAGRAPHS[:-1]))
    )
    store.save_article(  # half of it: not a duplicate
        make_article(url="https://a.gov.vn/4", article_key="4", text="\n".join(PARAGRAPHS[:3]))
    )
    result = dedupe(store)
    assert (result.clusters, result.clustered_articles, result.exact) == (1, 3, 0)
    clustered = {
        url for (url,) in store.db.execute("SELECT url FROM articles WHERE cluster_id = 1")
    }
    assert clustered == {"https://a.gov.vn/1", "https://a.gov.vn/2", "https://a.gov.vn/3"}
    assert dedupe(store).signed == 0  # signatures are kept; unchanged texts are not signed again


@pytest.fixture(scope="module")
def two_portals(tmp_path_factory):
    db = tmp_path_factory.mktemp("dedupe") / "archive.db"
    with Simulator(seed=11, articles=40, only=[TOWN, PAPER]) as sim:
        sim.set_clock(DEFAULT_CLOCK)
        for portal in (PAPER, TOWN):
            crawl_ok(sim, portal, db)
        town = sim.sites[TOWN]
        visible_paper = {a.id: a for a in sim.sites[PAPER].visible(DEFAULT_CLOCK)}
        pairs = {
            (str(a.id), a.extra["republished_from"])
            for a in town.visible(DEFAULT_CLOCK)
            if int(a.extra.get("republished_from", 0)) in visible_paper
        }
    return db, pairs


def test_republished_articles_cluster_across_the_two_portals(two_portals):
    db, pairs = two_portals
    assert len(pairs) >= 3
    result = subprocess.run(
        [sys.executable, "-m", "archive", "dedupe", "--db", str(db)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(db) as conn:
        members = conn.execute(
            "SELECT cluster_id, portal, article_key, url FROM articles WHERE cluster_id IS NOT NULL"
        ).fetchall()
        representatives = dict(conn.execute("SELECT id, representative FROM clusters"))
    clusters: dict[int, dict[str, str]] = {}
    for cluster_id, portal, key, _ in members:
        clusters.setdefault(cluster_id, {})[portal] = key
    # Exactly the republished pairs, nothing else (generated articles share phrases, not texts).
    assert {(c[TOWN], c[PAPER]) for c in clusters.values()} == pairs
    assert all(len(c) == 2 for c in clusters.values())
    paper_urls = {url for _, portal, _, url in members if portal == PAPER}
    assert set(representatives.values()) <= paper_urls  # the original comes first
    assert f"{len(pairs)} across portals" in result.stdout


def test_an_archive_from_before_text_hash_is_filled_and_not_one_cluster(tmp_path):
    """Migration 4 added text_hash without filling it; dedupe then took every older article for
    one text. Migration 10 fills it, and a missing hash never groups articles."""
    import sqlite3
    from contextlib import closing

    import sqlite_utils

    from archive.db import Store
    from archive.db.schema import MIGRATIONS
    from pipelines.record import text_hash

    path = tmp_path / "old.db"
    topics = ("nông thôn mới", "chuyển đổi số", "phòng chống lụt bão")
    texts = [
        " ".join(f"Câu {n} về {topic}: xã triển khai kế hoạch số {n * 7 + i}." for n in range(12))
        for i, topic in enumerate(topics)
    ]
    with closing(sqlite3.connect(path)) as conn:
        db = sqlite_utils.Database(conn)
        for migration in MIGRATIONS[:3]:  # an archive made before migration 4
            migration(db)
        conn.execute("PRAGMA user_version = 3")
        for number, text in enumerate(texts):
            db.table("articles").insert(
                {
                    "url": f"https://x.vn/{number}",
                    "portal": "honglinh",
                    "title": f"Tin {number}",
                    "text": text,
                    "content_hash": str(number),
                    "fetched_at": "2020-01-01",
                    "published": f"2020-01-0{number + 1}",
                }
            )
        conn.commit()
    with Store(path) as store:
        hashes = [h for (h,) in store.db.execute("SELECT text_hash FROM articles ORDER BY url")]
        assert hashes == [text_hash(text) for text in texts]
        result = dedupe(store)
    assert result.articles == 3 and result.clusters == 0
