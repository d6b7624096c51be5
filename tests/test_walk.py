"""The spider's walk rules, in this process: no reactor, no server, no database. The spider is
built as a crawl builds it (from settings) and knows the archive through a MemoryIndex."""

import asyncio
from datetime import date

from scrapy import Request
from scrapy.http import HtmlResponse, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.items import GonePage
from tests.spiders import make_spider

ORIGIN = "https://honglinh.hatinh.gov.vn"
LISTING = ORIGIN + "/portal/pages/tin-tuc-su-kien.aspx"


def article(number, day="2024-03-01"):
    return f"{ORIGIN}/portal/pages/{day}/Tin-so-{number}.aspx"


def listing_page(page, items, pages=5, start=False):
    """A listing page: (article number, dd/mm/yyyy) items, and a pager to ``pages``."""
    rows = "".join(
        f'<li><a href="{article(n)}">Tin {n}</a> <span>{when}</span></li>' for n, when in items
    )
    pager = "".join(f'<a href="{LISTING}?Page={n}">{n}</a>' for n in range(1, pages + 1))
    body = f"<html><body><ul>{rows}</ul><div>{pager}</div></body></html>".encode()
    url = f"{LISTING}?Page={page}"
    return HtmlResponse(url, body=body, request=Request(url, meta={"start": start}))


def requested(spider, response):
    return [r.url for r in spider.parse(response) if isinstance(r, Request)]


def test_a_listing_page_with_news_leads_to_the_next_page_only():
    spider = make_spider("honglinh", known={"1"})
    urls = requested(spider, listing_page(1, [(1, "01/03/2024"), (2, "01/03/2024")]))
    assert urls == [article(2), f"{LISTING}?Page=2"]  # not pages 3 to 5: one after the other
    assert spider.crawler.stats.get_value("portal/listing/later_pages_deferred") == 1


def test_a_listing_page_with_nothing_new_stops_the_walk():
    spider = make_spider("honglinh", known={"1", "2"})
    assert requested(spider, listing_page(2, [(1, "01/03/2024"), (2, "01/03/2024")])) == []
    assert spider.crawler.stats.get_value("portal/listing/stale_stop") == 1
    assert spider.crawler.stats.get_value("portal/article/known") == 2


def test_the_stale_limit_counts_pages_in_a_row_and_zero_walks_everything():
    spider = make_spider("honglinh", known={"1"}, ARCHIVE_STALE_LISTING_LIMIT=2)
    first = [
        r for r in spider.parse(listing_page(2, [(1, "01/03/2024")])) if isinstance(r, Request)
    ]
    assert [r.url for r in first] == [f"{LISTING}?Page=3"] and first[0].meta["stale"] == 1
    second = listing_page(3, [(1, "01/03/2024")])
    second.request.meta["stale"] = 1
    assert requested(spider, second) == []  # two stale pages in a row
    walker = make_spider("honglinh", known={"1"}, ARCHIVE_STALE_LISTING_LIMIT=0)
    assert requested(walker, listing_page(2, [(1, "01/03/2024")])) == [f"{LISTING}?Page=3"]


def test_a_backfill_stops_at_the_first_page_older_than_since():
    spider = make_spider("honglinh", ARCHIVE_BACKFILL_SINCE="2024-01-01")
    assert spider.since == date(2024, 1, 1) and spider.stale_listing_limit == 0
    newer = listing_page(3, [(5, "02/01/2024"), (6, "20/12/2023")])
    assert requested(spider, newer)[-1] == f"{LISTING}?Page=4"  # one article still in range
    older = listing_page(4, [(7, "19/12/2023"), (8, "18/12/2023")])
    urls = requested(spider, older)
    assert urls == [article(7), article(8)]  # this page's articles, but no page 5
    assert spider.crawler.stats.get_value("portal/listing/before_since") == 1
    assert spider.crawler.stats.get_value("portal/oldest_listing_date") == "2023-12-18"


def test_a_backfill_until_leaves_out_articles_listed_as_newer():
    spider = make_spider("honglinh", ARCHIVE_BACKFILL_UNTIL="2023-12-31")
    urls = requested(spider, listing_page(1, [(5, "02/01/2024"), (6, "20/12/2023")]))
    assert article(5) not in urls and article(6) in urls
    assert spider.crawler.stats.get_value("portal/article/after_until") == 1


def test_the_limit_stops_scheduling_articles_and_listings():
    spider = make_spider("honglinh", ARCHIVE_ARTICLE_LIMIT=2)
    urls = requested(spider, listing_page(1, [(n, "01/03/2024") for n in range(1, 6)]))
    assert urls == [article(1), article(2)]


def test_a_failed_article_is_tried_again_from_another_section_copy():
    spider = make_spider("honglinh")
    first_copy, other_copy = article(9), article(9, day="2024-03-02")
    request = spider._follow(first_copy)
    assert request is not None
    assert spider._follow(other_copy) is None  # same article id: a duplicate, kept in reserve
    failure = Failure(HttpError(Response(first_copy, status=404, request=request)))
    failure.request = request  # as Scrapy hands it to an errback
    outcome = list(spider._article_failed(failure))
    gone, retry = outcome
    assert isinstance(gone, GonePage) and gone.status == 404
    assert isinstance(retry, Request) and retry.url == other_copy
    assert spider.crawler.stats.get_value("portal/article/alternate_tried") == 1


def test_a_stored_article_is_fetched_again_only_as_a_conditional_recheck():
    modified = "Fri, 01 Mar 2024 00:00:00 GMT"
    spider = make_spider("honglinh", known={"3"}, recheck=[(article(3), '"e3"', modified)])

    async def start_requests():
        return [request async for request in spider.start()]

    home, recheck = asyncio.run(start_requests())
    assert home.url == ORIGIN + "/portal/pages/default.aspx" and home.meta["start"]
    assert recheck.url == article(3)
    assert recheck.headers["If-None-Match"] == b'"e3"'
    assert recheck.headers["If-Modified-Since"] == modified.encode()
    assert recheck.meta["handle_httpstatus_list"] == [304]
    assert spider._follow(article(3)) is None  # linked from a listing: stored, not fetched


def test_the_crawl_stays_on_its_host_and_port():
    """Another port of the same host is another site (a replay beside a simulator, an admin
    port); http and https on their usual ports are the same site."""
    import pytest
    from scrapy.exceptions import IgnoreRequest

    from crawler.middlewares import OffsiteRedirectMiddleware, StayOnHostMiddleware
    from crawler.urls import site_of

    base = "http://127.0.0.1:18100"
    spider = make_spider("honglinh", ARCHIVE_FETCH_BASE=base)
    path = "/portal/pages/2024-03-01/Tin-so-1.aspx"
    assert spider._local(base + path) == base + path
    assert spider._local("http://127.0.0.1:18101" + path) is None
    stay = StayOnHostMiddleware.from_crawler(spider.crawler)
    stay.process_request(Request(base + path))  # allowed
    with pytest.raises(IgnoreRequest):
        stay.process_request(Request("http://127.0.0.1:18101" + path))
    redirects = OffsiteRedirectMiddleware.from_crawler(spider.crawler)
    moved = Response(base + path, status=302, headers={"Location": "http://127.0.0.1:9/x"})
    redirects.process_response(Request(base + path), moved)
    assert spider.crawler.stats.get_value("portal/offsite_redirect/last") == "http://127.0.0.1:9/x"
    assert site_of("https://honglinh.hatinh.gov.vn:443/a") == site_of(
        "http://honglinh.hatinh.gov.vn/"
    )
