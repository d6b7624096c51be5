"""A PortalSpider in the test's own process, with an in-memory index instead of an archive: for
the spider's walk rules, without a reactor, a server or a database."""

from scrapy.utils.test import get_crawler

from crawler.index import MemoryIndex
from crawler.options import project_settings
from crawler.spiders.portal import PortalSpider


def make_spider(portal, known=(), listed=None, recheck=None, resume=None, **settings):
    """The spider of ``portal`` as a crawl would build it from ``settings`` (ARCHIVE_* and
    Scrapy's, over the project's), knowing ``known`` articles and ``listed`` sitemap stamps."""
    values = {"ARCHIVE_PORTAL": portal, "ARCHIVE_DB_PATH": "unused.db", **settings}
    ours = project_settings(values)
    archive_settings = {name: ours[name] for name in ours if name.startswith("ARCHIVE_")}
    crawler = get_crawler(PortalSpider, {**archive_settings, **values})
    crawler.stats.open_spider()
    index = MemoryIndex(set(known), dict(listed or {}))
    return PortalSpider.from_crawler(crawler, index=index, recheck=recheck, resume=resume)
