"""Sitemaps and feeds: new articles found through them, edits spotted by a changed <lastmod>,
unchanged child sitemaps not fetched, hostile XML harmless."""

import gzip
import sqlite3
from contextlib import closing
from datetime import timedelta

import pytest
from scrapy import Request
from scrapy.http import TextResponse, XmlResponse

from crawler.items import ListedLastmod
from simulator import DEFAULT_CLOCK
from simulator.families.baohatinh import XML_BOMB
from tests.archives import copy_archive
from tests.simcrawl import crawl, crawl_ok, last_run_stats, steady_simulator
from tests.spiders import make_spider

PORTAL = "baohatinh"
FIRST = DEFAULT_CLOCK - timedelta(days=60)
ORIGIN = "https://baohatinh.vn"
ARTICLE = ORIGIN + "/tin-moi-post{}.html"


def spider(known=(), listed=None):
    return make_spider(PORTAL, known, listed, DOWNLOAD_MAXSIZE=1_000_000)


def sitemap(entries, kind="urlset", tag="url"):
    body = "".join(
        f"<{tag}><loc>{loc}</loc>" + (f"<lastmod>{mod}</lastmod>" if mod else "") + f"</{tag}>"
        for loc, mod in entries
    )
    xmlns = "http://www.sitemaps.org/schemas/sitemap/0.9"
    return f'<?xml version="1.0"?><{kind} xmlns="{xmlns}">{body}</{kind}>'.encode()


def response(body, url=ORIGIN + "/sitemap.xml", meta=None, cls=XmlResponse):
    return cls(url, body=body, request=Request(url, meta=meta or {}))


def test_sitemap_fetches_new_articles_refetches_changed_ones_and_notes_first_stamps():
    crawl_spider = spider(
        known={"1", "2", "3"}, listed={"1": "2025-01-01T08:00:00+07:00", "2": "2025-01-01"}
    )
    body = sitemap(
        [
            (ARTICLE.format(1), "2025-01-01T08:00:00+07:00"),  # known, same stamp: nothing
            (ARTICLE.format(2), "2025-03-09T10:00:00+07:00"),  # known, new stamp: fetch again
            (ARTICLE.format(3), "2025-01-05"),  # known, never stamped: note it, fetch nothing
            (ARTICLE.format(4), "2025-03-10"),  # new: fetch
            ("https://elsewhere.vn/a-post5.html", "2025-03-10"),  # another site: never
            (ORIGIN + "/chinh-tri/", "2025-03-10"),  # not an article
        ]
    )
    out = list(crawl_spider.parse_sitemap(response(body)))
    requests = [o for o in out if isinstance(o, Request)]
    noted = [o for o in out if isinstance(o, ListedLastmod)]
    assert [r.url for r in requests] == [ARTICLE.format(2), ARTICLE.format(4)]
    assert [r.meta["listed_lastmod"] for r in requests] == [
        "2025-03-09T10:00:00+07:00",
        "2025-03-10",
    ]
    assert noted == [ListedLastmod(PORTAL, "3", "2025-01-05")]


def test_sitemap_index_skips_children_whose_lastmod_did_not_change():
    child = ORIGIN + "/sitemaps/{}.xml"
    crawl_spider = spider(listed={child.format("a"): "2025-03-01", child.format("b"): "2025-03-01"})
    body = sitemap(
        [
            (child.format("a"), "2025-03-01"),
            (child.format("b"), "2025-03-02"),
            (child.format("c"), ""),
        ],
        kind="sitemapindex",
        tag="sitemap",
    )
    out = list(crawl_spider.parse_sitemap(response(body)))
    assert [r.url for r in out] == [child.format("b"), child.format("c")]
    # the child's stamp is kept once it has been read, and only if the crawl went through
    child_response = response(sitemap([]), child.format("b"), meta=out[0].meta)
    assert list(crawl_spider.parse_sitemap(child_response)) == []
    stamp = ListedLastmod(PORTAL, child.format("b"), "2025-03-02")
    assert crawl_spider.sitemap_stamps_to_keep("finished") == [stamp]
    assert crawl_spider.sitemap_stamps_to_keep("shutdown") == []


@pytest.mark.parametrize(
    "body",
    [
        XML_BOMB.encode(),  # entities are not expanded
        gzip.compress(sitemap([(ARTICLE.format(n), "") for n in range(1, 60_000)])),  # > max size
        b"<html><body>404</body></html>",
        b"",
    ],
    ids=["entity-bomb", "gzip-over-limit", "html", "empty"],
)
def test_hostile_or_broken_sitemaps_yield_nothing(body):
    crawl_spider = spider()
    assert list(crawl_spider.parse_sitemap(response(body, cls=TextResponse))) == []
    stats = crawl_spider.crawler.stats.get_stats()
    assert stats.get("portal/sitemap/invalid", 0) + stats.get("portal/sitemap/empty", 0) == 1


def test_a_gzipped_sitemap_is_read():
    body = gzip.compress(sitemap([(ARTICLE.format(7), "2025-03-10")]))
    out = list(spider().parse_sitemap(response(body, ORIGIN + "/s.xml.gz", cls=TextResponse)))
    assert [r.url for r in out] == [ARTICLE.format(7)]


def test_feed_links_to_unknown_articles_are_followed():
    feed_spider = spider(known={"1"})
    rss = (
        '<?xml version="1.0"?><rss version="2.0"><channel>'
        f"<item><link>{ARTICLE.format(1)}</link></item><item><link>{ARTICLE.format(2)}</link></item>"
        "<item><link>https://elsewhere.vn/x-post3.html</link></item></channel></rss>"
    ).encode()
    out = list(feed_spider.parse_feed(response(rss, ORIGIN + "/rss.xml")))
    assert [r.url for r in out] == [ARTICLE.format(2)]
    atom = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry>'
        b'<link href="/tin-moi-post9.html"/></entry></feed>'
    )
    out = list(feed_spider.parse_feed(response(atom, ORIGIN + "/atom.xml")))
    assert [r.url for r in out] == [ARTICLE.format(9)]


# end to end on the simulator -----------------------------------------------------------------


@pytest.fixture(scope="module")
def sim():
    with steady_simulator(PORTAL, seed=3, articles=300) as simulator:
        yield simulator


@pytest.fixture(scope="module")
def first_archive(sim, tmp_path_factory):
    db = tmp_path_factory.mktemp("sitemaps") / "archive.db"
    sim.set_clock(FIRST)
    crawl_ok(sim, PORTAL, db)
    return db


@pytest.fixture
def archive(sim, first_archive, tmp_path):
    """A copy of the first crawl's archive, and the site as it was then: each test its own."""
    sim.set_clock(FIRST)
    sim.sites[PORTAL].edits.clear()
    return copy_archive(first_archive, tmp_path / "archive.db")


def count(db, sql):
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql).fetchone()[0]


@pytest.mark.slow
def test_first_crawl_records_every_stamp_and_a_recrawl_skips_unchanged_sitemaps(sim, archive):
    stats = last_run_stats(archive)
    assert stats["portal/sitemap/sitemapindex"] == 1
    assert stats["portal/sitemap/urlset"] == len(sim.sites[PORTAL].sections)
    assert stats["portal/sitemap/empty"] == 1  # tin-moi.xml, the entity bomb, unexpanded
    articles = count(archive, "SELECT count(*) FROM articles")
    assert articles == len(sim.sites[PORTAL].visible(FIRST))
    # one stamp per article, one per child sitemap
    stamps = count(archive, "SELECT count(*) FROM listed_lastmods")
    assert stamps == articles + len(sim.sites[PORTAL].sections)
    sim.set_clock(FIRST)
    assert crawl(sim, PORTAL, archive).returncode == 0
    stats = last_run_stats(archive)
    assert stats["portal/sitemap/unchanged"] == len(sim.sites[PORTAL].sections)
    assert "portal/sitemap/urlset" not in stats
    assert stats.get("archive/articles/new", 0) == stats.get("archive/articles/updated", 0) == 0


@pytest.mark.slow
def test_an_edit_is_refetched_because_its_lastmod_changed(sim, archive):
    site = sim.sites[PORTAL]
    edited = site.visible(FIRST)[40]  # deep in its section: listings will not show it again
    site.edits[edited.id] = FIRST + timedelta(hours=1)
    sim.set_clock(FIRST + timedelta(hours=2))
    result = crawl(sim, PORTAL, archive)
    assert result.returncode == 0, result.stderr[-3000:]
    stats = last_run_stats(archive)
    assert stats["portal/article/lastmod_changed"] == 1
    assert stats["archive/articles/updated"] == 1
    assert count(archive, "SELECT count(*) FROM article_revisions") == 1
    assert count(archive, f"SELECT count(*) FROM articles WHERE article_key = '{edited.id}' "
                          f"AND title = '{edited.edited().title}'") == 1  # fmt: skip
    # the new stamp is recorded: the next crawl does not fetch it again
    sim.set_clock(FIRST + timedelta(hours=3))
    assert crawl(sim, PORTAL, archive).returncode == 0
    assert "portal/article/lastmod_changed" not in last_run_stats(archive)


@pytest.mark.slow
def test_an_archive_made_before_sitemaps_were_read_notes_stamps_without_refetching(sim, archive):
    with closing(sqlite3.connect(archive)) as conn, conn:
        conn.execute("DELETE FROM listed_lastmods")
    articles = count(archive, "SELECT count(*) FROM articles WHERE removed_at IS NULL")
    assert crawl(sim, PORTAL, archive).returncode == 0
    stats = last_run_stats(archive)
    assert stats["portal/sitemap/lastmod_noted"] == articles
    assert stats.get("archive/articles/updated", 0) == 0
    assert stats["downloader/request_count"] < 20


def test_a_recheck_goes_out_even_after_a_listing_showed_the_stored_article():
    """Listings can be parsed before every --recheck request has been issued (Scrapy reads the
    start requests lazily); seeing the stored article there must not make its recheck a
    "duplicate"."""
    crawl_spider = spider(known={"7"})
    url = ARTICLE.format(7)
    assert crawl_spider._follow(url) is None  # linked from a listing: stored, not fetched
    recheck = crawl_spider._follow(url, recheck=True)
    assert recheck is not None and recheck.url == url
    assert crawl_spider._follow(url, recheck=True) is None  # but not twice
