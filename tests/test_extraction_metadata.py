"""The page's own metadata: our regex-free copies of trafilatura's author expressions must find
the elements trafilatura's find, on real pages (its evaluation corpus)."""

import lxml.etree
import pytest
from trafilatura.metadata import extract_author
from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS

from bench.extraction import trafilatura_eval
from pipelines.extraction.html import decode_html, parse
from pipelines.extraction.metadata import author_elements, page_author

SAMPLE = 12  # every 12th page: 83 pages, about two seconds


def pages(step: int) -> list[lxml.etree._Element]:
    return [parse(decode_html(page["body"], {})) for page in trafilatura_eval()[::step]]


@pytest.fixture(scope="module")
def eval_pages() -> list[lxml.etree._Element]:
    return pages(SAMPLE)


@pytest.mark.slow
def test_author_walk_finds_what_trafilaturas_expressions_find():
    """Element for element, expression by expression, on all 990 pages: same elements, same
    order (each word of the expressions shows up on some page)."""
    found_any = 0
    for doc in pages(1):
        found, discarded = author_elements(doc)
        assert found == [expression(doc) for expression in AUTHOR_XPATHS], doc.findtext(".//title")
        assert discarded == {e for expression in AUTHOR_DISCARD_XPATHS for e in expression(doc)}
        found_any += sum(map(len, found))
    assert found_any > 1000  # the corpus does exercise them


def test_page_author_is_trafilaturas_extract_author(eval_pages):
    authors = [page_author(doc) for doc in eval_pages]
    assert authors == [extract_author(doc) for doc in eval_pages]
    assert sum(bool(a) for a in authors) >= 10


@pytest.mark.slow
def test_page_author_is_trafilaturas_extract_author_on_every_page():
    docs = pages(1)
    assert [page_author(doc) for doc in docs] == [extract_author(doc) for doc in docs]
