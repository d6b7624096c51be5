"""Auto-declaration against the hand-written declarations, on the same sites in one run.

    python -m bench.autodeclare [--articles N] [--skip-hanoi]

For every simulated family and the Hanoi replay, the site's declaration is hidden: the site is
learned from its start page (``crawler.inference``, as ``portal-archive add`` and ``crawl URL``
do), then crawled with what was learned, beside a crawl with the hand-written declaration.
Reported per site: probe requests (target ≤ 40), whether learning twice gives the same file,
articles stored by each crawl and by the site, rows that are not articles of the site (traps,
print views, listings), the seed page against the user's gold, and for Hanoi text F1 against
the mirror's silver truth, published days right, and the wrong metadata (toolbar tags, CMS
accounts as authors) the issue names. The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from archive.api import Archive
from bench.extraction import seed_golds
from bench.metric import score
from crawler.clock import VIETNAM
from crawler.inference.declare import Inference, infer_portal
from crawler.inference.writing import render
from crawler.portals import Portal, all_portals, get_portal
from crawler.urls import canonical_url
from pipelines.extraction.byline import is_cms_account
from simulator import SITE_PLANS, Simulator
from simulator.replay import ReplayServer
from tests.hanoi_mirror import articles as hanoi_articles
from tests.hanoi_mirror import mirror_dir, reachable_articles

HANOI = "hanoi-sotttt"
ALIVE_AT = {"longmy": datetime(2018, 6, 1, tzinfo=VIETNAM)}  # it moved to thixalongmy in 2019


def learn(url: str, base: str) -> tuple[Inference, bool]:
    """The site learned twice from its start page: (inference, same file both times)."""
    first = infer_portal(url, fetch_base=base, delay=0)
    second = infer_portal(url, fetch_base=base, delay=0)
    return first, render(first) == render(second)


def stored(db: Path) -> list[dict[str, Any]]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute("SELECT * FROM articles")]


@dataclass
class Crawled:
    rows: list[dict[str, Any]]  # the articles stored
    ok: bool | None  # None: not crawled (a site with no hand-written declaration)
    refused: int = 0  # links refused: denied, or traps by their shape


def crawl(portal: Portal, base: str | None, db: Path) -> Crawled:
    result = Archive(db).crawl(portal, fetch_base=base, progress=False)
    refused = sum(
        count
        for key, count in result.stats.items()
        if key == "portal/links/denied" or key.startswith("portal/links/trap/")
    )
    return Crawled(stored(db), result.ok, refused)


def family(key: str, articles: int, folder: Path) -> dict[str, Any]:
    """One simulated site: learned, crawled, beside its hand-written declaration if it has one
    (quangngai and quangnam have none: no rule was ever written for them)."""
    hand = all_portals().get(key)
    with Simulator(seed=7, articles=articles, only=[key]) as sim:
        if key in ALIVE_AT:  # a site that has moved on: learned as it was while it lived
            sim.set_clock(ALIVE_AT[key])
        base = sim.base_url(key)
        site = sim.sites[key]
        origin = f"https://{site.host}"
        start = hand.origin + hand.start_paths[0] if hand else origin + site.family.home_path(site)
        # Every visible article, by its URL under the site's origin.
        visible = {
            canonical_url(origin + site.family.article_path(site, a))
            for a in site.visible(sim.now())
        }
        try:
            inference, same = learn(start, base)
        except Exception as error:  # noqa: BLE001 - reported, the other sites go on
            return {"site": key, "learned": False, "why": str(error)}
        by_hand = crawl(hand, base, folder / f"{key}-hand.db") if hand else Crawled([], None)
        auto = crawl(inference.portal, base, folder / f"{key}-auto.db")
    urls = {r["url"] for r in auto.rows}
    return {
        "site": key,
        "learned": True,
        "declared": hand is not None,
        "platform": inference.platform,
        "probe_requests": inference.requests,
        "deterministic": same,
        "site_articles": len(visible),
        "stored_by_hand": len(by_hand.rows) if hand else None,
        "stored_inferred": len(auto.rows),
        "share_of_site": round(len(urls & visible) / max(1, len(visible)), 4),
        "not_article_rows": len(urls - visible),
        "links_refused": auto.refused,
        "crawl_ok": auto.ok,
        "hand_crawl_ok": by_hand.ok,
        "inference": inference,
    }


def hanoi(folder: Path) -> dict[str, Any]:
    hand = get_portal(HANOI)
    reachable = reachable_articles()
    with ReplayServer(mirror_dir() / "site") as server:
        inference, same = learn(hand.origin + hand.start_paths[0], server.base_url)
        crawled = crawl(inference.portal, server.base_url, folder / "hanoi-auto.db")
    auto = crawled.rows
    truth = {str(r["article_id"]): r for r in hanoi_articles()}
    pairs, days, rows = [], 0, 0
    for row in auto:
        key = hand.article_key(row["url"])
        record = truth.get(key or "")
        if record is None:
            continue
        rows += 1
        expected = "\n".join(
            ([record["sapo"]] if record.get("sapo") else []) + record["body_paragraphs"]
        )
        got = "\n".join(part for part in (row["lead"], row["text"]) if part)
        if expected.strip():
            pairs.append((expected, got))
        published = record.get("published") or ""
        days += bool(row["published"]) and row["published"][:10] == published[:10]
    keys = {hand.article_key(r["url"]) for r in auto}
    text = score(pairs)
    toolbar_tags = sum(1 for r in auto if "In bài viết" in (r.get("tags") or ""))
    cms_authors = sum(1 for r in auto if r.get("author") and is_cms_account(r["author"]))
    return {
        "site": HANOI,
        "platform": inference.platform,
        "probe_requests": inference.requests,
        "deterministic": same,
        "site_articles": len(reachable),
        "stored_inferred": len(auto),
        "share_of_site": round(len(keys & reachable) / len(reachable), 4),
        "not_article_rows": len(
            [r for r in auto if not hand.is_article(r["url"]) or hand.is_denied(r["url"])]
        ),
        "text_f1": round(text.f1, 4),
        "published_day_right": round(days / max(1, rows), 4),
        "toolbar_tags": toolbar_tags,
        "cms_account_authors": cms_authors,
        "links_refused": crawled.refused,
        "crawl_ok": crawled.ok,
        "inference": inference,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300, help="articles per simulated site")
    parser.add_argument("--skip-hanoi", action="store_true")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="autodeclare-"))
    results = [family(key, args.articles, folder) for key in SITE_PLANS]
    if not args.skip_hanoi:
        results.append(hanoi(folder))
    inferred = {r["site"]: r["inference"].portal for r in results if r.get("inference")}
    golds = seed_golds(inferred)
    print(
        f"{'site':16} {'platform':13} {'req':>4} {'same':>5} {'site':>6} {'hand':>6} "
        f"{'auto':>6} {'of site':>8} {'foreign':>8} {'refused':>8}"
    )
    for r in results:
        if not r.get("learned", True):
            print(f"{r['site']:16} not learned: {r['why']}")
            continue
        print(
            f"{r['site']:16} {r['platform']:13} {r['probe_requests']:>4} "
            f"{str(r['deterministic']):>5} "
            f"{r['site_articles']:>6} {r.get('stored_by_hand') or '-':>6} "
            f"{r['stored_inferred']:>6} "
            f"{r['share_of_site']:>8.2%} {r['not_article_rows']:>8} {r['links_refused']:>8}"
        )
    for r in results:
        if r["site"] == HANOI:
            print(
                f"\nHanoi, declaration hidden: text F1 {r['text_f1']:.4f}, published day right "
                f"{r['published_day_right']:.2%}, toolbar tags {r['toolbar_tags']}, CMS accounts "
                f"as authors {r['cms_account_authors']}"
            )
    print(
        "seed pages meeting the gold with the inferred declarations: "
        f"{golds['passed']}/{golds['total']} {golds['failures'] or ''}"
    )
    for r in results:
        r.pop("inference", None)
    print(json.dumps({"sites": results, "seed_golds": golds}, ensure_ascii=False))


if __name__ == "__main__":
    main()
