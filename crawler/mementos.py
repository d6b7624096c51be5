"""Web archives as a source of a portal's pages: where to ask, and which captures to recover.

A web archive is asked through its CDX index (the Wayback Machine's CDX server, Common Crawl's
index, any pywb collection). cdx_toolkit reads both of the index's answer formats (the Wayback's
JSON table, pywb's JSON lines) and its field names; this module builds the queries, pages through
them and decides, for each article the portal's declaration recognises, which captures to fetch:
the earliest good one by default, or every distinct version (``--all-versions``).

Pure: no I/O. crawler.spiders.recover does the fetching.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any
from urllib.parse import urlencode, urlsplit

from cdx_toolkit import cdx_to_captures
from cdx_toolkit.commoncrawl import filter_cc_endpoints

from crawler.errors import ArchiveError
from crawler.items import Memento
from crawler.portals import Portal
from crawler.urls import canonical_url, rebase

WAYBACK_CDX = "https://web.archive.org/cdx/search/cdx"
WAYBACK_REPLAY = "https://web.archive.org/web"
COMMONCRAWL_INDEX = "https://index.commoncrawl.org"
COMMONCRAWL_DATA = "https://data.commoncrawl.org"
CDX_PAGE_SIZE = 5  # Wayback CDX "pageSize": blocks of about 3,000 rows per page
HTML_TYPES = ("text/html", "application/xhtml+xml", "unk", "")
# A payload captured under this many article URLs or more is the site's template, not an
# article: its "not found" page answered with 200 (a soft 404), an empty shell, an error page.
SHARED_PAYLOAD_URLS = 3


class RecoverySourceError(ArchiveError, ValueError):
    """``--from`` names no web archive this module knows how to ask."""


@dataclass(frozen=True)
class WebArchive:
    """Where captures are listed and fetched.

    ``source`` is what recovered captures are marked with (wayback, commoncrawl). Wayback-style
    archives replay a capture's raw bytes at ``replay/<timestamp>id_/<url>``; Common Crawl lists
    its indexes in ``collinfo`` and serves WARC records from ``data`` with HTTP Range requests.
    """

    source: str
    cdx_endpoints: tuple[str, ...] = ()
    replay: str | None = None
    collinfo: str | None = None
    data: str | None = None

    @property
    def hosts(self) -> list[str]:
        """The hosts (with ports) a recovery talks to."""
        urls = [*self.cdx_endpoints, self.replay or "", self.collinfo or "", self.data or ""]
        return sorted({urlsplit(url).netloc for url in urls if url})

    @property
    def base(self) -> str:
        """scheme://host of the index: what the crawl records it fetched from."""
        first = urlsplit((self.cdx_endpoints or (self.collinfo or "",))[0])
        return f"{first.scheme}://{first.netloc}"


def web_archive(
    spec: str, cc_index: str = COMMONCRAWL_INDEX, cc_data: str = COMMONCRAWL_DATA
) -> WebArchive:
    """``--from``: ``wayback``, ``commoncrawl``, or a pywb-style CDX endpoint
    (``http://host:port/<collection>/cdx``) whose collection replays ``id_`` URLs beside it."""
    spec = spec.strip()
    if spec == "wayback":
        return WebArchive("wayback", (WAYBACK_CDX,), replay=WAYBACK_REPLAY)
    if spec == "commoncrawl":
        index = cc_index.rstrip("/")
        return WebArchive(
            "commoncrawl", collinfo=f"{index}/collinfo.json", data=cc_data.rstrip("/")
        )
    parts = urlsplit(spec)
    if (
        parts.scheme in ("http", "https")
        and parts.netloc
        and parts.path.rstrip("/").endswith("/cdx")
    ):
        endpoint = spec.rstrip("/")
        return WebArchive("wayback", (endpoint,), replay=endpoint[: -len("/cdx")])
    raise RecoverySourceError(
        f"--from {spec!r}: give wayback, commoncrawl, or a CDX endpoint such as "
        "http://127.0.0.1:8080/my-collection/cdx"
    )


def commoncrawl_endpoints(
    collinfo: str, captured_since: date | None, captured_until: date | None
) -> list[str]:
    """The CDX endpoints of Common Crawl's ``collinfo.json``, newest first; only the crawls
    that can hold captures of the window when one is given (cdx_toolkit picks them by name)."""
    try:
        crawls = json.loads(collinfo)
        endpoints = sorted(str(crawl["cdx-api"]) for crawl in crawls)
    except (ValueError, KeyError, TypeError) as error:
        raise RecoverySourceError(f"Common Crawl's collinfo.json cannot be read: {error}") from None
    if captured_since is None and captured_until is None:
        return endpoints[::-1]
    params: dict[str, Any] = {}
    params["from_ts"] = (captured_since or date(1996, 1, 1)).strftime("%Y%m%d")
    if captured_until is not None:
        params["to"] = captured_until.strftime("%Y%m%d")
    return list(filter_cc_endpoints(endpoints, "mixed", params=params))


def query_hosts(portal: Portal) -> list[str]:
    """The hosts to list captures of: the portal's and its former ones. CDX indexes key URLs by
    SURT, which drops the scheme and ``www.``: one query per host covers http and https, with
    ``www.`` or without."""
    hosts = []
    for origin in (portal.origin, *portal.former_origins):
        host = (urlsplit(origin).hostname or "").removeprefix("www.")
        if host and host not in hosts:
            hosts.append(host)
    return hosts


def cdx_query(
    endpoint: str,
    host: str,
    page: int,
    source: str,
    captured_since: date | None = None,
    captured_until: date | None = None,
) -> str:
    """The URL of one page of captures of ``host`` (any path), HTML answered 200 only."""
    params: dict[str, Any] = {"url": f"{host}/*", "output": "json", "page": page}
    if source == "wayback" and endpoint == WAYBACK_CDX:
        params.update(pageSize=CDX_PAGE_SIZE, filter="statuscode:200")
    else:
        params["filter"] = "status:200"  # pywb, Common Crawl
    if captured_since is not None:
        params["from"] = captured_since.strftime("%Y%m%d")
    if captured_until is not None:
        params["to"] = captured_until.strftime("%Y%m%d") + "235959"
    return f"{endpoint}?{urlencode(params)}"


class CdxPageError(ValueError):
    """A CDX page that cannot be read whole (cut short, not JSON, an error page)."""


@dataclass
class _Answer:
    """What cdx_toolkit reads a CDX answer from (it expects a ``requests`` response)."""

    status_code: int
    text: str


def cdx_rows(status: int, text: str) -> list[dict[str, Any]]:
    """The rows of one CDX answer, as dicts with pywb's field names (url, timestamp, status,
    mime, digest, filename, offset, length); [] for an empty page or "no captures"."""
    if status == 400 or not text.strip():
        return []  # a page past the last (Wayback: 400, pywb: empty)
    if status not in (200, 404):
        raise CdxPageError(f"the CDX server answered {status}")
    if status == 200 and not text.endswith("\n") and text.lstrip().startswith("{"):
        # pywb writes JSON lines, each ended: an answer without its last newline was cut short
        raise CdxPageError("the CDX page was cut short")
    try:
        captures = cdx_to_captures(_Answer(status, text))
    except (ValueError, KeyError, IndexError) as error:
        raise CdxPageError(f"the CDX page cannot be read: {error}") from None
    return [dict(capture.data) for capture in captures]


@dataclass
class Candidates:
    """The captures of one article, earliest first, one per distinct payload."""

    url: str  # the article's URL under the portal's origin
    mementos: list[Memento] = field(default_factory=list)
    digests: set[str] = field(default_factory=set)


@dataclass
class CaptureChooser:
    """Sorts CDX rows into the portal's articles: rows of other hosts, non-articles (listings,
    images, traps), captures outside the window and repeated payloads are left out, and counted."""

    portal: Portal
    archive: WebArchive
    captured_since: date | None = None
    captured_until: date | None = None
    articles: dict[str, Candidates] = field(default_factory=dict)
    counts: defaultdict[str, int] = field(default_factory=lambda: defaultdict(int))
    urls_of_digest: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    @cached_property
    def hosts(self) -> frozenset[str]:
        """The portal's hosts, once (asked for every CDX row)."""
        return frozenset(query_hosts(self.portal))

    def add(self, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            self.counts["rows"] += 1
            reason = self._take(row)
            if reason:
                self.counts[f"left_out/{reason}"] += 1

    def _take(self, row: dict[str, Any]) -> str | None:
        original = str(row.get("url") or "")
        timestamp = str(row.get("timestamp") or "")
        if not original or len(timestamp) < 8 or not timestamp.isdigit():
            return "unreadable"
        if str(row.get("status", "200")) != "200":
            return "not_200"
        if str(row.get("mime", "")).split(";")[0].strip().lower() not in HTML_TYPES:
            return "not_html"
        day = date(int(timestamp[:4]), int(timestamp[4:6]), int(timestamp[6:8]))
        if (self.captured_since and day < self.captured_since) or (
            self.captured_until and day > self.captured_until
        ):
            return "outside_window"
        url = self.portal_url(original)
        if url is None:
            return "other_host"
        if self.portal.is_denied(url) or not self.portal.is_article(url):
            return "not_article"
        identity = self.portal.article_key(url) or canonical_url(url)
        candidates = self.articles.setdefault(identity, Candidates(url))
        digest = str(row.get("digest") or "")
        if digest and digest in candidates.digests:
            return "same_payload"
        if digest:
            candidates.digests.add(digest)
            self.urls_of_digest[digest].add(identity)
        candidates.mementos.append(self._memento(row, original, timestamp, digest))
        return None

    def portal_url(self, original: str) -> str | None:
        """``original`` under the portal's origin, if it is on the portal's host or a former
        one (any scheme, with ``www.`` or not)."""
        host = (urlsplit(original).hostname or "").removeprefix("www.")
        if host not in self.hosts:
            return None
        return canonical_url(rebase(original, self.portal.origin))

    def _memento(self, row: dict[str, Any], original: str, timestamp: str, digest: str) -> Memento:
        archive = self.archive
        if archive.data and row.get("filename"):
            try:
                offset, length = int(row["offset"]), int(row["length"])
            except (KeyError, TypeError, ValueError):
                offset, length = -1, -1
            return Memento(
                original,
                timestamp,
                archive.source,
                f"{archive.data}/{str(row['filename']).lstrip('/')}",
                digest,
                offset,
                length,
            )
        return Memento(
            original,
            timestamp,
            archive.source,
            f"{archive.replay}/{timestamp}id_/{original}",
            digest,
        )

    def chosen(self) -> list[tuple[str, list[Memento]]]:
        """(article URL, its captures earliest first, one per payload) per article, in URL
        order."""
        shared = {
            digest
            for digest, identities in self.urls_of_digest.items()
            if len(identities) >= SHARED_PAYLOAD_URLS
        }
        chosen = []
        for identity in sorted(self.articles):
            candidates = self.articles[identity]
            mementos = [m for m in candidates.mementos if m.digest not in shared]
            if len(mementos) < len(candidates.mementos):
                self.counts["left_out/shared_payload"] += len(candidates.mementos) - len(mementos)
            if mementos:
                chosen.append((candidates.url, sorted(mementos, key=lambda m: m.timestamp)))
        return chosen
