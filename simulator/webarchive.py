"""Web archives of the simulated portals: what the Wayback Machine or Common Crawl would hold.

A simulated site is "captured" at many moments of its history, as an archive's crawlers did:
only part of its articles, some several times (edited in between, or not), on http or https,
with ``www.`` or without; its home and listing pages; after its removal, an article answering a
soft 404 (200 with "Không tìm thấy trang"); an empty shell during an outage; and after the
site's fate, redirects to the province (a moved or dark site is not captured any more). Every
capture is rendered by the site's family at that moment, from the same code the live simulator
serves, and written to a WARC file with its capture time.

``ArchiveTruth`` says what a perfect recovery gives: the articles that have at least one good
capture, with their publication day.
"""

from __future__ import annotations

import gzip
import io
import json
import random
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.clock import VIETNAM
from simulator.families import Reply
from simulator.families._base import not_found_page
from simulator.site import Site


@dataclass(frozen=True)
class ArchivedCapture:
    url: str  # as the archive's crawler fetched it (scheme and www. vary)
    when: datetime
    status: int
    body: bytes
    content_type: str
    kind: str  # article | soft_404 | shell | page | redirect
    headers: tuple[tuple[str, str], ...] = ()


@dataclass
class ArchiveTruth:
    """What the collection holds of the site's articles."""

    good: dict[str, date] = field(default_factory=dict)  # article path -> published day
    captures: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


def _variant(rng: random.Random, host: str, path: str) -> str:
    scheme = rng.choice(("http", "https"))
    prefix = "www." if rng.random() < 0.25 else ""
    return f"{scheme}://{prefix}{host}{path}"


def _render(site: Site, path: str, when: datetime) -> tuple[int, bytes, str, dict[str, str]]:
    path_only, _, query = path.partition("?")
    reply: Reply = site.family.route(site, when, path_only, query)
    body = reply.body if isinstance(reply.body, bytes) else site.encode(reply.body)
    charset = site.charset_header if reply.content_type == "text/html" else "utf-8"
    return reply.status, body, f"{reply.content_type}; charset={charset}", reply.headers


def capture_history(
    site: Site,
    seed: int = 11,
    share: float = 0.7,
    end: datetime | None = None,
) -> tuple[list[ArchivedCapture], ArchiveTruth]:
    """The captures an archive holds of ``site``, deterministically from ``seed``: about
    ``share`` of its articles, each one to three times between its publication and the site's
    fate (or ``end``)."""
    rng = random.Random(seed)
    fate_at = site.fate.at if site.fate else None
    last = min(x for x in (fate_at, end or datetime(2025, 12, 1, tzinfo=VIETNAM)) if x)
    captures: list[ArchivedCapture] = []
    truth = ArchiveTruth()

    def add(url: str, when: datetime, kind: str) -> ArchivedCapture | None:
        status, body, content_type, headers = _render(site, url.split(site.host, 1)[1], when)
        if kind == "article" and status != 200:
            # Removed by then: the portal answered its "not found" page with 200, as many do.
            status, kind = 200, "soft_404"
            body = site.encode(not_found_page(site))
        capture = ArchivedCapture(
            url, when, status, body, content_type, kind, tuple(headers.items())
        )
        captures.append(capture)
        return capture

    for article in site.articles:
        if article.published >= last or rng.random() >= share:
            continue
        path = site.family.article_path(site, article)
        span = max((last - article.published).total_seconds(), 3600.0)
        moments = sorted(
            article.published + timedelta(seconds=rng.uniform(600, span))
            for _ in range(rng.choice((1, 1, 2, 3)))
        )
        for when in moments:
            capture = add(_variant(rng, site.host, path), when, "article")
            if capture is not None and capture.kind == "article":
                truth.good.setdefault(path, article.published.astimezone(VIETNAM).date())
    for year in range(2016, 2026):
        when = datetime(year, rng.randint(1, 12), rng.randint(1, 28), 9, tzinfo=VIETNAM)
        if when >= last:
            continue
        add(_variant(rng, site.host, site.family.home_path(site)), when, "page")
        if rng.random() < 0.3:
            shell = ArchivedCapture(
                _variant(rng, site.host, site.family.home_path(site)),
                when + timedelta(hours=3),
                200,
                b"<html><body></body></html>",
                "text/html",
                "shell",
            )
            captures.append(shell)
    if site.fate is not None and site.fate.kind == "redirect":
        for path in list(truth.good)[:5]:
            when = site.fate.at + timedelta(days=rng.randint(10, 120))
            captures.append(
                ArchivedCapture(
                    _variant(rng, site.host, path),
                    when,
                    301,
                    b"",
                    "text/html",
                    "redirect",
                    (("Location", site.fate.target or "/"),),
                )
            )
    captures.sort(key=lambda c: (c.when, c.url))
    truth.captures = len(captures)
    for capture in captures:
        truth.by_kind[capture.kind] = truth.by_kind.get(capture.kind, 0) + 1
    return captures, truth


def write_warc(captures: list[ArchivedCapture], path: Path) -> Path:
    """``captures`` as a gzipped WARC file of response records, each dated at its capture."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for capture in captures:
            headers = [("Content-Type", capture.content_type), *capture.headers]
            headers.append(("Content-Length", str(len(capture.body))))
            phrase = {200: "OK", 301: "Moved Permanently", 404: "Not Found"}.get(
                capture.status, "OK"
            )
            record = writer.create_warc_record(
                capture.url,
                "response",
                payload=io.BytesIO(capture.body),
                length=len(capture.body),
                http_headers=StatusAndHeaders(f"{capture.status} {phrase}", headers, "HTTP/1.1"),
                warc_headers_dict={
                    "WARC-Date": capture.when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                },
            )
            writer.write_record(record)
    return path


def write_arc(captures: list[ArchivedCapture], path: Path) -> Path:
    """``captures`` as an ARC file (version 1, the Internet Archive's format before WARC),
    gzipped per record as Heritrix wrote them when the name ends in ``.gz``."""
    version = b"1 0 simulator\nURL IP-address Archive-date Content-type Archive-length\n"
    header = b"filedesc://%s 0.0.0.0 20160101000000 text/plain %d\n" % (
        path.name.encode(),
        len(version),
    )
    members = [header + version + b"\n"]
    for capture in captures:
        lines = [f"HTTP/1.1 {capture.status} OK", f"Content-Type: {capture.content_type}"]
        lines += [f"{name}: {value}" for name, value in capture.headers]
        http = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + capture.body
        stamp = capture.when.astimezone(UTC).strftime("%Y%m%d%H%M%S")
        kind = capture.content_type.split(";")[0]
        line = f"{capture.url} 127.0.0.1 {stamp} {kind} {len(http)}\n"
        members.append(line.encode() + http + b"\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".gz":
        path.write_bytes(b"".join(gzip.compress(member) for member in members))
    else:
        path.write_bytes(b"".join(members))
    return path


def write_wacz(warc: Path, path: Path) -> Path:
    """``warc`` packed as a WACZ (a zip: archive/, a datapackage.json, as Browsertrix makes)."""
    package = {"profile": "data-package", "wacz_version": "1.1.1", "resources": []}
    with zipfile.ZipFile(path, "w") as wacz:
        wacz.write(warc, f"archive/{warc.name}", compress_type=zipfile.ZIP_STORED)
        wacz.writestr("datapackage.json", json.dumps(package))
    return path
