"""Save simulated article pages as test fixtures (fundus / web-poet style).

    python -m simulator.fixtures [OUT_DIR]   (default tests/fixtures/portals)

For each simulated site: its seed article (when it carries one) and one generated article, as
``<portal>/<case>/page.html.gz`` (the exact bytes the server sends), ``meta.json`` (URL, response
headers, fetch time, simulator clock) and ``expected.json`` (what the page holds: title, lead,
paragraphs, captions, date, byline, tags). Extraction tests read these without any server.
"""

from __future__ import annotations

import gzip
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from simulator import DEFAULT_CLOCK, SITE_PLANS, build_sites
from simulator.content import SimArticle
from simulator.site import Site

FIXTURE_SEED = 7
# (case-name suffix, clock) per site: the old Long Mỹ host before its move; Báo Hà Tĩnh on its
# old CMS (the seed's era) and on the new one.
CLOCKS = {
    "longmy": [("", datetime.fromisoformat("2018-06-01T12:00:00+07:00"))],
    "baohatinh": [
        ("", datetime.fromisoformat("2021-06-01T12:00:00+07:00")),
        ("-new-cms", DEFAULT_CLOCK),
    ],
}


def expected(article: SimArticle) -> dict[str, Any]:
    return {
        "byline": article.byline,
        "captions": [b.text for b in article.blocks if b.kind == "image"],
        "lead": article.lead,
        "paragraphs": article.paragraphs,
        "published": article.published.isoformat(),
        "seed": article.seed,
        "tags": list(article.tags),
        "title": article.title,
    }


def cases(site: Site, now: datetime) -> dict[str, SimArticle]:
    visible = site.visible(now)
    seeds = [a for a in visible if a.seed]
    found = {"seed": seeds[0]} if seeds else {}
    generated = [a for a in visible if not a.seed and len(a.paragraphs) >= 5]
    if generated:
        found["generated"] = generated[len(generated) // 2]
    return found


def render(site: Site, article: SimArticle, now: datetime) -> tuple[str, bytes, dict[str, str]]:
    family = site.family
    site.clock = lambda: now
    path = family.article_path(site, article)
    html = family.render_article(site, article, now)
    headers = {"Content-Type": f"text/html; charset={site.charset_header}"}
    return f"https://{site.host}{path}", site.encode(html), headers


def write_fixtures(out: Path) -> list[Path]:
    written = []
    sites = build_sites(seed=FIXTURE_SEED)
    for key in SITE_PLANS:
        site = sites[key]
        for suffix, now in CLOCKS.get(key, [("", DEFAULT_CLOCK)]):
            written += _write_cases(out, site, now, suffix)
    return written


def _write_cases(out: Path, site: Site, now: datetime, suffix: str) -> list[Path]:
    written = []
    for case, article in cases(site, now).items():
        url, body, headers = render(site, article, now)
        folder = out / site.key / f"{case}{suffix}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "page.html.gz").write_bytes(gzip.compress(body, mtime=0))
        # Fetched when the simulator showed it: dated layouts (Portal.layout_at) depend on it.
        fetched_at = now.astimezone(UTC).isoformat()
        meta = {"url": url, "headers": headers, "fetched_at": fetched_at, "clock": now.isoformat()}
        for name, data in (("meta.json", meta), ("expected.json", expected(article))):
            text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
            (folder / name).write_text(text, encoding="utf-8")
        written.append(folder)
    return written


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/portals")
    for folder in write_fixtures(out):
        print(folder)


if __name__ == "__main__":
    main()
