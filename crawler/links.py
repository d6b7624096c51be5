"""The links of a page as the crawl needs them: absolute, canonical, on the site, each once.

Portal pages repeat most of their links on every page (menus, sidebars, "newest" boxes): a
Hanoi department page has 200 of them. Scrapy's LinkExtractor resolved, re-encoded and checked
every one of them on every page, and the crawl canonicalised each again: a quarter of the
reactor thread's time on the Hanoi replay. ``LinkReader`` reads the hrefs from the tree Scrapy
has already parsed (``response.selector``, which the listing-date reader shares), and resolves
each distinct href once per crawl, following LinkExtractor's own rules (``<base href>``, HTML5
whitespace, page encoding for non-ASCII URLs, http(s) only, no links to files such as .pdf or
.jpg), with w3lib doing the URL work.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from itertools import islice
from urllib.parse import urljoin, urlsplit

from scrapy.http import TextResponse
from scrapy.linkextractors import IGNORED_EXTENSIONS
from scrapy.utils.response import get_base_url
from w3lib.html import strip_html5_whitespace
from w3lib.url import safe_url_string

OFFSITE = ""  # a resolved link to another site
BYTES_PER_LINK = 400  # of a capped page, links are read from its first max_links x this bytes
_IGNORED = frozenset("." + extension for extension in IGNORED_EXTENSIONS)


class LinkReader:
    """Resolves links through ``on_site`` (canonical URL on the fetched host, or None for
    another site), remembering up to ``capacity`` distinct hrefs. Of a page it reads at most
    ``max_links`` links, from its first ``max_links * BYTES_PER_LINK`` bytes (0: all): a portal
    page has a few hundred; a hostile or broken one a million, each a queued request."""

    def __init__(
        self,
        on_site: Callable[[str], str | None],
        capacity: int = 200_000,
        max_links: int = 0,
    ) -> None:
        self.on_site = on_site
        self.capacity = capacity
        self.max_links = max_links
        self.capped = False  # whether the last page's links were cut at max_links
        self._resolved: dict[tuple[str, str, str], str | None] = {}

    def links(self, response: TextResponse) -> tuple[list[str], int]:
        """The page's on-site links (canonical, first occurrence order, each once) and how many
        of its links lead off the site."""
        self.capped = False
        if self.max_links and len(response.body) > self.max_links * BYTES_PER_LINK:
            # Parsing a 20 MB page costs 170 MB of tree: links come from its first part only.
            response = response.replace(body=response.body[: self.max_links * BYTES_PER_LINK])
            self.capped = True
        base = get_base_url(response)
        origin, folder = _origin_and_folder(base)
        encoding = response.encoding
        seen: set[str] = set()
        found: list[str] = []
        offsite = 0
        elements = response.selector.root.iter("a", "area")
        for element in islice(elements, self.max_links or None):
            href = element.get("href")
            if not href:
                continue
            # What the resolved URL depends on: nothing but the href, the site, the page's
            # folder, or (for "?..." and "#...") the page itself.
            if href.startswith(("http://", "https://")):
                key = ("", href, encoding)
            elif href.startswith("/") and not href.startswith("//"):
                key = (origin, href, encoding)
            elif href.startswith(("?", "#", "//")) or not href[0].isalnum() and href[0] != ".":
                key = (base, href, encoding)
            else:
                key = (folder, href, encoding)
            # One dict lookup per link (this is the crawl's hottest loop); "?" marks unseen,
            # as no resolved link (a URL, OFFSITE or None) can be "?".
            url = self._resolved.get(key, "?")
            if url == "?":
                url = self._resolve(key, base)
            if url is None:
                continue
            if url is OFFSITE:
                offsite += 1
            elif url not in seen:
                seen.add(url)
                found.append(url)
        if self.max_links and next(elements, None) is not None:
            self.capped = True  # an anchor beyond max_links: the rest of the page is not read
        return found, offsite

    def _resolve(self, key: tuple[str, str, str], base: str) -> str | None:
        if len(self._resolved) >= self.capacity:
            self._resolved.clear()
        url = self._resolved[key] = _resolve(key[1], base, key[2], self.on_site)
        return url


def _resolve(
    href: str, base: str, encoding: str, on_site: Callable[[str], str | None]
) -> str | None:
    try:
        url = safe_url_string(urljoin(base, strip_html5_whitespace(href)), encoding=encoding)
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    if posixpath.splitext(parts.path)[1].lower() in _IGNORED:
        return None
    local = on_site(url)
    return OFFSITE if local is None else local


def _origin_and_folder(url: str) -> tuple[str, str]:
    """``scheme://host/`` and ``scheme://host/path/to/`` of ``url``: all a link relative to
    the site or to the page's folder depends on."""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}/"
    return origin, origin + parts.path[1 : parts.path.rfind("/") + 1]
