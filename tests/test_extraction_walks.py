"""The walks that answer trafilatura's pruning expressions (pipelines/extraction/walks.py) must
find what the expressions find, element for element and in the same order, on every call
trafilatura makes while we extract real pages; outside our extraction, trafilatura's own
expressions answer."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import lxml.html
import pytest
from lxml.etree import XPath
from trafilatura import xpaths

from bench.extraction import FETCHED_AT, scrapinghub_pages, trafilatura_eval
from pipelines.extraction import NotAnArticle, extract_article
from pipelines.extraction.walks import WALKS, WalkOrXPath, install, walking

SAMPLE = 15  # every 15th page of each corpus in the fast tier: 66 + 13 pages


def stand_ins() -> list[tuple[str, WalkOrXPath]]:
    return [(f"{name}[{index}]", getattr(xpaths, name)[index]) for name, index in WALKS]


@pytest.fixture
def compared(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Counter[str], list[str]]]:
    """Every walk, while the test runs, also asks its expression and records disagreements;
    yields (elements found by each walk, disagreements)."""
    found: Counter[str] = Counter()
    disagreements: list[str] = []
    for name, stand_in in stand_ins():

        def both(tree, searches, name=name, stand_in=stand_in, walk=stand_in.walk):
            walked, expected = list(walk(tree, searches)), stand_in.xpath(tree)
            found[name] += len(walked)
            if walked != expected:
                disagreements.append(f"{name}: {len(walked)} elements walked, {len(expected)}")
            return walked

        monkeypatch.setattr(stand_in, "walk", both)
    yield found, disagreements


def extract_all(step: int) -> int:
    pages = [(str(p["url"]), p["body"]) for p in trafilatura_eval()[::step]]
    pages += [(url, body) for url, body, _, _ in scrapinghub_pages()[::step]]
    for url, body in pages:
        try:
            extract_article(url, body, {}, FETCHED_AT)  # type: ignore[arg-type]
        except NotAnArticle:
            pass
    return len(pages)


def test_every_walk_is_installed_for_the_pinned_trafilatura():
    assert install() == list(WALKS)
    assert all(isinstance(stand_in, WalkOrXPath) for _, stand_in in stand_ins())


def test_walks_find_what_the_expressions_find_on_a_sample(compared):
    found, disagreements = compared
    extract_all(SAMPLE)
    assert disagreements == []
    assert sum(found.values()) > 1000  # the pages do exercise them


@pytest.mark.slow
def test_walks_find_what_the_expressions_find_on_every_page(compared):
    found, disagreements = compared
    assert extract_all(1) == 990 + 181
    assert disagreements == []
    # Each walk finds something, but the comment prune after the tags are converted: the raw
    # tree's prune took these pages' comments before it (the corners test has one for it).
    assert all(found[name] for name, _ in stand_ins() if name != "REMOVE_COMMENTS_XPATH[0]")


CORNERS = """<html><body><div id="page">
  <div class="consent-box" id="cookie-note">class first: the id is not what re:test reads</div>
  <div id="cookie-note" class="consent-box">id first</div>
  <span role="Navigation">role, any case of its N</span>
  <section class="x" data-lp-replacement-content="">data attribute alone</section>
  <p id="reply-1" class="c">reply, by its first attribute</p>
  <p class="reply-2" id="c">reply, class first</p>
  <em id="x" style="display: none">hidden, any tag</em>
  <div style="color: red" id="hidden-part">hidden, id before style</div>
  <div class="infinite-scroll"><h1>the page's own title: kept</h1></div>
  <div class="infinite-scroll"><p>an appended article</p></div>
  <ol class="comment-list"><li>comments in a list</li></ol><details id="comments">c</details>
  <ul id="disqus_thread"><li>not a comment list by that id</li></ul>
  <div class="bottom-bar link">bottom</div><div class="xbottomx">not bottom</div>
  <div class="Teaser">teaser</div><p id="figcaption">caption</p>
  <div><article class="post">first body of its parent</article><div class="post">second</div></div>
  <aside class="elementor-share-buttons">share</aside><b aria-hidden="true">*</b>
  <span data-component="MostPopularStories">most read</span>
  <main class="fulltext-FullText">story</main><div id="main-Content">main</div>
</div></body></html>"""


def test_walks_agree_with_the_expressions_on_their_corners():
    """What the XPath reads that a walk could easily get wrong: the first of two attributes
    in source order, case folding, an h1 inside, list tags, per-parent first matches."""
    tree = lxml.html.fromstring(CORNERS)
    for name, stand_in in stand_ins():
        expected = stand_in.xpath(tree)
        assert expected, f"{name} finds nothing here: the page tests none of its corners"
        assert stand_in.walk(tree, stand_in.searches) == expected, name
        with walking():
            assert stand_in(tree) == expected, name


def test_trafilatura_answers_outside_our_extraction(monkeypatch):
    tree = lxml.html.fromstring(CORNERS)
    for _, stand_in in stand_ins():
        monkeypatch.setattr(stand_in, "walk", lambda tree, searches: pytest.fail("walked"))
        assert stand_in(tree) == stand_in.xpath(tree)


def test_lists_another_trafilatura_lacks_or_fills_otherwise_are_passed_over():
    ours = xpaths.PRECISION_DISCARD_XPATH[1]
    xpaths.PRECISION_DISCARD_XPATH[1] = len  # not an XPath: no text to compare
    try:
        assert ("PRECISION_DISCARD_XPATH", 1) not in install()
    finally:
        xpaths.PRECISION_DISCARD_XPATH[1] = ours
    del xpaths.PRECISION_DISCARD_XPATH[1]
    try:
        assert ("PRECISION_DISCARD_XPATH", 1) not in install()
    finally:
        xpaths.PRECISION_DISCARD_XPATH.append(ours)
    assert install() == list(WALKS)


def test_an_expression_of_another_trafilatura_keeps_its_xpath():
    other = XPath(".//div[contains(@class, 'teaser')]")
    ours = xpaths.TEASER_DISCARD_XPATH[0]
    xpaths.TEASER_DISCARD_XPATH[0] = other
    try:
        installed = install()
        assert ("TEASER_DISCARD_XPATH", 0) not in installed
        assert xpaths.TEASER_DISCARD_XPATH[0] is other
        assert len(installed) == len(WALKS) - 1
    finally:
        xpaths.TEASER_DISCARD_XPATH[0] = ours
