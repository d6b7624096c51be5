"""Reading sitemaps and RSS/Atom feeds, safely: Scrapy's sitemap parser (no entities, no network,
recovering from bad XML), gzip bodies inflated no further than the download size limit."""

from __future__ import annotations

from datetime import date, datetime

import lxml.etree
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap

GZIP_MAGIC = b"\x1f\x8b"


def sitemap_entries(body: bytes, max_size: int = 0) -> tuple[str | None, list[tuple[str, str]]]:
    """(``"sitemapindex"`` or ``"urlset"``, [(loc, lastmod or "")]) of a sitemap body; (None, [])
    when it is neither (an HTML error page, garbage, a gzip bomb)."""
    if body[:2] == GZIP_MAGIC:
        try:
            body = gunzip(body, max_size=max_size)
        except Exception:  # noqa: BLE001 - corrupt or over the limit: not a sitemap we can read
            return None, []
    try:
        sitemap = Sitemap(body)
    except (lxml.etree.XMLSyntaxError, StopIteration):
        return None, []
    if sitemap.type not in ("sitemapindex", "urlset"):
        return None, []
    try:
        return sitemap.type, [(e["loc"], e.get("lastmod", "")) for e in sitemap if e.get("loc")]
    except lxml.etree.XMLSyntaxError:
        return None, []


_FEED_PARSER = lxml.etree.XMLParser(
    recover=True, resolve_entities=False, no_network=True, huge_tree=False
)


def feed_links(body: bytes) -> list[str] | None:
    """Item links of an RSS 2.0 or Atom feed, in feed order; None when the body is not a feed."""
    try:
        root = lxml.etree.fromstring(body, _FEED_PARSER)
    except lxml.etree.XMLSyntaxError:
        return None
    if root is None or lxml.etree.QName(root).localname not in ("rss", "feed", "RDF"):
        return None
    links = []
    for element in root.iter("{*}item", "{*}entry"):
        for link in element.iter("{*}link"):
            href = (link.get("href") or link.text or "").strip()
            if href:
                links.append(href)
                break
    return links


def lastmod_day(value: str) -> date | None:
    """The calendar day of a W3C datetime (``2025-06-01``, ``2025-06-01T08:00:00+07:00``, ``…Z``),
    in the site's own offset; None if unreadable."""
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).date()
    except ValueError:
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
