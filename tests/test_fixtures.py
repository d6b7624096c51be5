"""Saved pages of every simulated portal family (tests/fixtures/portals), checked offline.

Fixtures are regenerated from the simulator and compared byte for byte, so they can never drift
from what the simulator serves. Extraction with each portal's declaration must give the title,
every paragraph, the date, and keep bylines, captions and boilerplate out of the text. Seed pages
are also held to the user's gold files in ../shared/seeds/gold.
"""

import gzip
import json
import unicodedata
from functools import cache
from pathlib import Path

import lxml.html
import pytest

from crawler.inference.template import learn_selectors
from crawler.portals import Portal, all_portals
from pipelines.extraction import extract_article
from simulator import DEFAULT_CLOCK, SITE_PLANS, build_sites
from simulator.fixtures import FIXTURE_SEED, render, write_fixtures
from tests.hanoi_mirror import mirror_dir

FIXTURES = Path(__file__).parent / "fixtures" / "portals"
CASES = sorted(p.parent for p in FIXTURES.glob("*/*/page.html.gz"))


def norm(text):
    return " ".join(unicodedata.normalize("NFC", text).replace("\xa0", " ").split())


def load(case):
    meta = json.loads((case / "meta.json").read_text(encoding="utf-8"))
    want = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    body = gzip.decompress((case / "page.html.gz").read_bytes())
    return meta, want, body


@cache
def learned_portal(family):
    """A family no declaration was written for (quangngai, quangnam), read with the selectors
    learned by comparing six of its articles (crawler/inference/template.py), offline."""
    site = build_sites(seed=FIXTURE_SEED, only=[family])[family]
    pages = [render(site, a, DEFAULT_CLOCK)[1] for a in site.visible(DEFAULT_CLOCK)[:6]]
    docs = [lxml.html.document_fromstring(page) for page in pages]
    selectors = learn_selectors(docs, {}).selectors()
    return Portal(
        id=family,
        name=site.name,
        province="",
        level="province",
        kind="government",
        origin=f"https://{site.host}",
        article_pattern=".",
        listing_pattern="^$",
        selectors=selectors,
    )


def extract(case, portal=None):
    """The case's page extracted with its family's declaration (or ``portal``; a family with
    none, with what is learned of it)."""
    meta, want, body = load(case)
    family = case.parent.name
    portal = portal or all_portals().get(family) or learned_portal(family)
    return extract_article(meta["url"], body, meta["headers"], meta["fetched_at"], portal), want


def test_every_family_has_fixtures_with_its_seed():
    portals = {case.parent.name for case in CASES}
    assert portals == set(SITE_PLANS)
    seeds = {case.parent.name for case in CASES if case.name == "seed"}
    assert seeds == {key for key, plan in SITE_PLANS.items() if plan.seed} | {"thixalongmy"}


def test_fixtures_match_what_the_simulator_serves(tmp_path):
    write_fixtures(tmp_path)
    for case in CASES:
        fresh = tmp_path / case.parent.name / case.name
        for name in ("page.html.gz", "meta.json", "expected.json"):
            assert (fresh / name).read_bytes() == (case / name).read_bytes(), f"{case}/{name}"


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.parent.name}/{c.name}")
def test_extraction_of_fixture(case):
    article, want = extract(case)
    lines = [norm(line) for line in article.text.splitlines()]
    assert norm(article.title) == norm(want["title"])
    for paragraph in want["paragraphs"]:
        assert norm(paragraph) in lines, paragraph[:80]
    for caption in want["captions"]:
        assert norm(caption) not in lines, caption
    if want["byline"]:
        assert norm(want["byline"]) not in norm(article.text)
    assert article.published is not None
    assert article.published[:10] == want["published"][:10]
    assert unicodedata.is_normalized("NFC", article.text)


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.name == "seed"], ids=lambda c: c.parent.name
)
def test_seed_pages_meet_the_gold(case):
    article, want = extract(case)
    gold_dir = mirror_dir().parent.parent / "seeds" / "gold"
    gold = next(
        json.loads(p.read_text(encoding="utf-8"))
        for p in gold_dir.glob("*.json")
        if json.loads(p.read_text(encoding="utf-8"))["seed"] == want["seed"]
    )
    text = norm(article.text)
    assert norm(article.title) == norm(gold["title"])
    for paragraph in gold["required_paragraphs"]:
        assert norm(paragraph) in text, paragraph[:80]
    for snippet in gold["must_exclude"]:
        assert norm(snippet) not in text, snippet
    if gold.get("published"):
        assert article.published == gold["published"]
