"""The probe: a few polite requests to a site nobody has declared.

``portal-archive add`` and ``crawl URL`` learn a site from at most ``budget`` pages (40 by
default, robots.txt and the home page included), one at a time, ``delay`` seconds apart,
obeying robots.txt (Protego, Scrapy's own parser) and sending the crawler's User-Agent. Pages
may be fetched from a local copy (``fetch_base``, a mirror or simulator on 127.0.0.1) while
being named under the site's real origin, as the crawl does. Redirects are followed only on the
site itself: a site that sends everything to another host is reported, not followed.
"""

from __future__ import annotations

import posixpath
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import lxml.html
import urllib3
from protego import Protego
from scrapy.linkextractors import IGNORED_EXTENSIONS
from w3lib.encoding import html_to_unicode

from crawler.errors import ArchiveError
from crawler.settings import USER_AGENT
from crawler.urls import canonical_url, path_and_query, rebase, site_of, trap_reason

DEFAULT_BUDGET = 40
_IGNORED = frozenset("." + extension for extension in IGNORED_EXTENSIONS)


class ProbeError(ArchiveError):
    """The site cannot be learned: its home page does not answer, or it lives elsewhere now."""


@dataclass
class Page:
    """One probed page: its path under the origin, its HTML (decoded) and its on-site links
    (paths, canonical, in page order, each once)."""

    path: str
    status: int
    html: str
    links: list[str] = field(default_factory=list)
    doc: lxml.html.HtmlElement | None = field(default=None, repr=False)


@dataclass
class Probe:
    """Fetches pages of the site at ``origin`` (from ``fetch_base`` if given), counting them."""

    origin: str
    fetch_base: str | None = None
    budget: int = DEFAULT_BUDGET
    delay: float = 1.0
    requests: int = 0
    moved_to: str | None = None  # where the home page redirects off the site, if it does
    log: list[str] = field(default_factory=list)
    _robots: Protego | None = None
    _last: float = 0.0

    def __post_init__(self) -> None:
        self.base = self.fetch_base or self.origin
        self.http = urllib3.PoolManager(
            headers={"User-Agent": USER_AGENT}, retries=False, timeout=urllib3.Timeout(20)
        )
        self.hosts = {site_of(self.origin), site_of(self.base)}

    @property
    def left(self) -> int:
        return self.budget - self.requests

    def robots(self) -> list[str]:
        """Reads robots.txt (one request); the sitemaps it names, as paths."""
        answer = self._get("/robots.txt")
        text = answer.data.decode("utf-8", "replace") if answer and answer.status == 200 else ""
        self._robots = Protego.parse(text)
        return [path_and_query(url) for url in self._robots.sitemaps]

    def allowed(self, path: str) -> bool:
        return self._robots is None or self._robots.can_fetch(self.origin + path, USER_AGENT)

    def fetch(self, path: str) -> Page | None:
        """The page at ``path`` (following on-site redirects), or None: not allowed by robots,
        no budget left, an error status, not HTML."""
        for _hop in range(4):
            if not self.allowed(path) or self.left <= 0:
                return None
            answer = self._get(path)
            if answer is None:
                return None
            if answer.status in (301, 302, 303, 307, 308):
                target = urljoin(self.base + path, answer.headers.get("Location", ""))
                if site_of(target) not in self.hosts:
                    self.moved_to = self.moved_to or target
                    self.log.append(f"{path}: redirects off the site, to {target}")
                    return None
                path = path_and_query(canonical_url(target))
                continue
            kind = answer.headers.get("Content-Type", "text/html")
            if answer.status != 200 or "html" not in kind:
                self.log.append(f"{path}: {answer.status} {kind}")
                return None
            return self._page(path, answer)
        return None

    def _get(self, path: str) -> urllib3.BaseHTTPResponse | None:
        wait = self._last + self.delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self.requests += 1
        try:
            return self.http.request("GET", self.base + path, redirect=False)
        except urllib3.exceptions.HTTPError as error:
            self.log.append(f"{path}: {error}")
            return None
        finally:
            self._last = time.monotonic()

    def _page(self, path: str, answer: urllib3.BaseHTTPResponse) -> Page:
        _, html = html_to_unicode(answer.headers.get("Content-Type"), answer.data)
        try:
            doc = lxml.html.document_fromstring(html.encode("utf-8"), parser=_PARSER)
        except (ValueError, lxml.etree.ParserError):
            return Page(path, answer.status, html)
        return Page(path, answer.status, html, self._links(doc, path), doc)

    def _links(self, doc: lxml.html.HtmlElement, path: str) -> list[str]:
        base = doc.find(".//base[@href]")
        here = (
            urljoin(self.origin + path, base.get("href"))
            if base is not None
            else self.origin + path
        )
        found: dict[str, None] = {}
        for anchor in doc.iter("a"):
            href = (anchor.get("href") or "").strip()
            if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
                continue
            try:
                url = urljoin(here, href)
                parts = urlsplit(url)
            except ValueError:
                continue
            if parts.scheme not in ("http", "https") or site_of(url) not in self.hosts:
                continue
            if posixpath.splitext(parts.path)[1].lower() in _IGNORED or trap_reason(url):
                continue
            found[path_and_query(canonical_url(rebase(url, self.origin)))] = None
        return list(found)


_PARSER = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True)
