"""Walks an earlier crawl cut short are resumed: the marks a walk leaves as it goes (spider), what
the archive keeps of them (archive.db.walks), and the next crawl reading on from there."""

import asyncio

from scrapy import Request
from scrapy.http import HtmlResponse
from twisted.python.failure import Failure

from archive.db import Store
from crawler.index import ResumePoint
from crawler.items import WalkProgress
from tests.spiders import make_spider
from tests.test_walk import LISTING, ORIGIN, article, listing_page

BASE = "http://127.0.0.1:18100"
PAGE = LISTING.replace(ORIGIN, "") + "?Page={}"


def marks(outputs):
    return [item for item in outputs if isinstance(item, WalkProgress)]


def test_a_walk_marks_where_to_start_again_and_where_it_ended():
    spider = make_spider("honglinh", known={"1"})
    second = listing_page(2, [(2, "01/03/2024")])
    second.request.meta["walk_previous"] = LISTING + "?Page=1"
    (going,) = marks(spider.parse(second))
    assert (going.event, going.number, going.listing) == ("continued", 2, LISTING)
    assert going.resume_url == LISTING + "?Page=1"  # the page before: its articles may wait
    (ended,) = marks(spider.parse(listing_page(3, [(1, "01/03/2024")])))  # nothing new
    assert (ended.event, ended.number) == ("ended", 3)
    (last,) = marks(spider.parse(listing_page(5, [(9, "01/03/2024")])))  # no page 6
    assert last.event == "ended"


def test_a_cut_walk_starts_again_three_pages_back():
    """The articles of the last pages read may still wait to be fetched or extracted when a
    crawl is killed: the mark points three pages back, and no further."""
    spider = make_spider("honglinh")
    meta: dict = {}
    resumes = []
    for number in range(1, 6):
        page = listing_page(number, [(10 * number, "01/03/2024")], pages=9)
        page = HtmlResponse(page.url, body=page.body, request=Request(page.url, meta=meta))
        outputs = list(spider.parse(page))
        (mark,) = marks(outputs)
        resumes.append(mark.resume_url.rsplit("=", 1)[1])
        (nxt,) = [r for r in outputs if isinstance(r, Request) and "?Page=" in r.url]
        meta = nxt.meta
    assert resumes == ["1", "1", "1", "1", "2"]  # page 5 cut: start again at page 2


def test_a_walk_cut_by_the_limit_is_marked_to_go_on():
    spider = make_spider("honglinh", ARCHIVE_ARTICLE_LIMIT=1)
    outputs = list(spider.parse(listing_page(1, [(1, "01/03/2024"), (2, "01/03/2024")])))
    assert [r.url for r in outputs if isinstance(r, Request)] == [article(1)]  # no page 2
    (mark,) = marks(outputs)
    assert mark.event == "continued"  # page 2 was withheld, not found wanting


def test_a_resumed_walk_reads_on_past_pages_with_nothing_new():
    resume = [ResumePoint(LISTING + "?Page=3", until=5)]
    spider = make_spider("honglinh", known={"1"}, resume=resume, ARCHIVE_FETCH_BASE=BASE)

    async def start_requests():
        return [request async for request in spider.start()]

    resumed = [r for r in asyncio.run(start_requests()) if "Page=" in r.url]
    assert [r.url for r in resumed] == [BASE + PAGE.format(3)]  # on the crawl's fetch base
    page = on_base(listing_page(3, [(1, "01/03/2024")]), resumed[0].meta)  # nothing new...
    follow = [r for r in spider.parse(page) if isinstance(r, Request)]
    assert [r.url for r in follow] == [BASE + PAGE.format(4)]  # ... but below the cut: read on
    assert follow[0].meta["resume_until"] == 5
    at_cut = on_base(listing_page(5, [(1, "01/03/2024")]), {"resume_until": 5})
    assert [r for r in spider.parse(at_cut) if isinstance(r, Request)] == []  # the usual stop


def on_base(page, meta):
    """``page`` as fetched from the crawl's fetch base, by a request with ``meta``."""
    url = page.url.replace(ORIGIN, BASE)
    return HtmlResponse(url, body=page.body, request=Request(url, meta=meta))


def test_a_failed_listing_page_is_marked_for_the_next_crawl():
    spider = make_spider("honglinh")
    request = Request(LISTING + "?Page=4", meta={"stale": 0})
    failure = Failure(ConnectionRefusedError())
    failure.request = request
    outputs = list(spider._listing_failed(failure))
    (mark,) = marks(outputs)
    assert (mark.event, mark.url, mark.number) == ("failed", LISTING + "?Page=4", 4)
    assert [r.url for r in outputs if isinstance(r, Request)] == [LISTING + "?Page=5"]


def step(event, number, resume=None):
    url = f"{LISTING}?Page={number}"
    return WalkProgress("honglinh", LISTING, url, number, event, resume or url)


def test_the_archive_keeps_the_deepest_cut_until_a_walk_gets_past_it(tmp_path):
    with Store(str(tmp_path / "a.db")) as store:
        record = store._record_walk
        record(step("continued", 6, resume=f"{LISTING}?Page=5"))  # cut after reading page 6
        assert store.walk_resumes("honglinh") == [ResumePoint(f"{LISTING}?Page=5", 7)]
        record(step("continued", 1))  # the next crawl's fresh walk, behind the cut
        record(step("ended", 2))  # ... stops at page 2: nothing new there
        assert store.walk_resumes("honglinh") == [ResumePoint(f"{LISTING}?Page=5", 7)]
        record(step("continued", 7, resume=f"{LISTING}?Page=6"))  # the resumed walk
        record(step("ended", 12))  # reaches the end of the listing
        assert store.walk_resumes("honglinh") == []


def test_a_given_up_listing_page_is_tried_in_three_more_crawls_then_dropped(tmp_path):
    with Store(str(tmp_path / "a.db")) as store:
        store._record_walk(step("failed", 4))
        assert store.walk_resumes("honglinh") == [ResumePoint(f"{LISTING}?Page=4", 4)]
        store._record_walk(step("ended", 4))  # read at last
        assert store.walk_resumes("honglinh") == []
        for _ in range(4):
            store._record_walk(step("failed", 8))
        assert store.walk_resumes("honglinh") == []


def test_a_listing_page_of_too_many_links_is_marked_to_be_read_again():
    """A link flood is a broken page, not the end of its walk: the next crawl reads it again."""
    spider = make_spider("honglinh", ARCHIVE_MAX_LINKS_PER_PAGE=2)
    (mark,) = marks(spider.parse(listing_page(2, [(n, "01/03/2024") for n in range(1, 6)])))
    assert (mark.event, mark.number) == ("failed", 2)
