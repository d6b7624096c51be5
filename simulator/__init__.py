"""The portal simulator: imitations of the portal families our users crawl, live on 127.0.0.1.

Each simulated site gets its own port. A simulated clock decides what the sites show; faults are
injected on demand. Everything is deterministic from a seed.

    with Simulator(seed=7) as sim:
        sim.base_url("honglinh")           # http://127.0.0.1:<port>
        sim.set_clock(datetime(2025, 8, 1, tzinfo=VIETNAM))
        sim.add_fault("honglinh", Fault(r"Page=2", "status", status=503, retry_after=2, times=1))
"""

from __future__ import annotations

import gzip
import hashlib
import random
import socket
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from pipelines.extraction.dates import VIETNAM
from simulator.content import ArticleGenerator, SimArticle, load_seed
from simulator.families import Family, Reply
from simulator.families.baohatinh import FAMILY as BAOHATINH
from simulator.families.daksong import CATEGORIES
from simulator.families.daksong import FAMILY as DAKSONG
from simulator.families.hatinhcity import FAMILY as HATINHCITY
from simulator.families.honglinh import FAMILY as HONGLINH
from simulator.families.longmy import NEW as LONGMY_NEW
from simulator.families.longmy import OLD as LONGMY_OLD
from simulator.families.party import FAMILY as PARTY
from simulator.loopback import LOOPBACK, BackgroundServers, loopback_server
from simulator.site import Fate, Fault, Site

__all__ = ["DEFAULT_CLOCK", "Fault", "Simulator", "Site", "build_sites"]

DEFAULT_CLOCK = datetime(2025, 6, 15, 12, 0, tzinfo=VIETNAM)
REFORM = datetime(2025, 7, 1, tzinfo=VIETNAM)


@dataclass(frozen=True)
class SitePlan:
    """How to build one simulated site."""

    host: str
    name: str
    family: Family
    sections: list[tuple[str, str]]
    start: datetime  # generated articles are published between start and end
    end: datetime
    seed: str | None  # the real seed article this site carries
    fate: Fate | None
    encoding: str = "utf-8"
    declared_charset: str | None = None
    options: dict[str, object] = field(default_factory=dict)
    shares: str | None = None  # a site whose articles this one also carries (a move)
    # (site, share): this site republishes that share of another site's articles of its period,
    # a day later, under its own ids, without their photos and last paragraph.
    republishes: tuple[str, float] | None = None


def _when(year: int, month: int = 1, day: int = 1) -> datetime:
    return datetime(year, month, day, tzinfo=VIETNAM)


SITE_PLANS: dict[str, SitePlan] = {
    "hatinhcity": SitePlan(
        "hatinhcity.gov.vn",
        "Cổng TTĐT thành phố Hà Tĩnh",
        HATINHCITY,
        [("tin-tuc-su-kien", "Tin tức - Sự kiện")],
        _when(2016),
        REFORM,
        "000",
        Fate("frozen", REFORM),
        republishes=("baohatinh", 0.25),
    ),
    "honglinh": SitePlan(
        "honglinh.hatinh.gov.vn",
        "Cổng TTĐT thị xã Hồng Lĩnh",
        HONGLINH,
        [("tin-tuc-su-kien", "Tin tức - Sự kiện")],
        _when(2019),
        REFORM,
        "001",
        Fate("redirect", REFORM, "https://hatinh.gov.vn/"),
    ),
    "baohatinh": SitePlan(
        "baohatinh.vn",
        "Báo Hà Tĩnh",
        BAOHATINH,
        [("chinh-tri", "Chính trị"), ("xa-hoi", "Xã hội"), ("kinh-te", "Kinh tế")],
        _when(2020),
        _when(2025, 12),
        "002",
        None,
        options={"redesign_at": _when(2024, 6)},
    ),
    "thanhuy-backan": SitePlan(
        "thanhuy.backan.dcs.vn",
        "Thành ủy Bắc Kạn",
        PARTY,
        [("tin-hoat-dong", "Tin hoạt động")],
        _when(2016),
        _when(2025, 12),
        "003",
        None,
        declared_charset="iso-8859-1",
    ),
    "longmy": SitePlan(
        "longmy.haugiang.gov.vn",
        "Cổng TTĐT thị xã Long Mỹ",
        LONGMY_OLD,
        [("tin-tuc", "Tin tức")],
        _when(2016, 6),
        _when(2019, 7),
        "004",
        None,
        encoding="windows-1258",
        options={"moved_at": _when(2019, 7), "new_host": "thixalongmy.haugiang.gov.vn"},
    ),
    "thixalongmy": SitePlan(
        "thixalongmy.haugiang.gov.vn",
        "Cổng TTĐT thị xã Long Mỹ",
        LONGMY_NEW,
        [("tin-tuc", "Tin tức")],
        _when(2019, 7),
        REFORM,
        None,
        None,
        shares="longmy",
    ),
    "daksong": SitePlan(
        "daksong.daknong.gov.vn",
        "Cổng TTĐT huyện Đắk Song",
        DAKSONG,
        [(cid, name) for cid, name in CATEGORIES.items()],
        _when(2019),
        REFORM,
        None,
        Fate("dark", REFORM),
    ),
}


def seeds_dir() -> Path:
    from simulator.data import data_root

    return data_root().parent / "seeds"


def build_sites(
    seed: int = 7, articles: int = 40, only: list[str] | None = None
) -> dict[str, Site]:
    """The simulated sites, with their whole history, deterministically from ``seed``."""
    sites: dict[str, Site] = {}
    for index, (key, plan) in enumerate(SITE_PLANS.items()):
        generator = ArticleGenerator(seed * 1000 + index)
        names = [name for _, name in plan.sections]
        timeline = generator.timeline(
            plan.start, plan.end, articles, first_id=100_000 + index * 50_000
        )
        items: list[SimArticle] = [
            generator.article(article_id, moment, generator.rng.choice(names))
            for article_id, moment in timeline
        ]
        if plan.shares:
            items = [replace(a) for a in sites[plan.shares].articles] + items
        if plan.seed:
            items.append(
                replace(load_seed(seeds_dir(), plan.seed), section=names[min(1, len(names) - 1)])
            )
        site = Site(
            key=key,
            host=plan.host,
            name=plan.name,
            family=plan.family,
            articles=items,
            sections=plan.sections,
            fate=plan.fate,
            encoding=plan.encoding,
            declared_charset=plan.declared_charset,
            options=dict(plan.options),
        )
        site.schedule_changes(
            random.Random(seed * 7919 + index), edit_share=0.06, remove_share=0.04
        )
        sites[key] = site
    for index, (key, plan) in enumerate(SITE_PLANS.items()):
        if plan.republishes:
            source, share = plan.republishes
            sites[key].articles += republished(
                sites[source],
                plan,
                share,
                random.Random(seed * 31 + index),
                100_000 + index * 50_000 + 45_000,
            )
    return {k: v for k, v in sites.items() if only is None or k in only}


def republished(
    source: Site, plan: SitePlan, share: float, rng: random.Random, first_id: int
) -> list[SimArticle]:
    """Copies of ``share`` of ``source``'s articles as a town portal republishes a province
    paper's: a day later, in its own section, under its own id, without photos or last
    paragraph. Near duplicates, not exact ones."""
    picked = [
        a
        for a in source.articles
        if not a.seed
        and plan.start <= a.published < plan.end - timedelta(days=1)
        and rng.random() < share
    ]
    copies = []
    for n, article in enumerate(picked):
        paragraphs = [b for b in article.blocks if b.kind == "p"]
        if len(paragraphs) >= 5:
            paragraphs = paragraphs[:-1]
        copies.append(
            replace(
                article,
                id=first_id + n,
                blocks=tuple(paragraphs),
                published=article.published + timedelta(days=1),
                section=plan.sections[0][1],
                extra={**article.extra, "republished_from": str(article.id)},
            )
        )
    return copies


@cache
def _gzip_bomb() -> bytes:
    """About 200 KB of gzip that inflates to 200 MiB of zeros."""
    return gzip.compress(b"\0" * (200 * 1024 * 1024), compresslevel=9)


class Simulator(BackgroundServers):
    """Start every site (or ``only`` some) on its own 127.0.0.1 port."""

    def __init__(
        self,
        seed: int = 7,
        articles: int = 40,
        clock: datetime = DEFAULT_CLOCK,
        only: list[str] | None = None,
        ports: dict[str, int] | None = None,
    ) -> None:
        self.sites = build_sites(seed, articles, only)
        self.clock = clock
        self._lock = threading.Lock()
        self.servers: dict[str, ThreadingHTTPServer] = {}
        for key, site in self.sites.items():
            site.clock = self.now
            handler = type("Handler", (_SiteHandler,), {"site": site, "simulator": self})
            self.servers[key] = loopback_server(handler, (ports or {}).get(key, 0))

    def base_url(self, key: str) -> str:
        return f"http://{LOOPBACK}:{self.servers[key].server_address[1]}"

    def now(self) -> datetime:
        with self._lock:
            return self.clock

    def set_clock(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=VIETNAM)
        with self._lock:
            self.clock = moment

    def advance(self, **delta: float) -> datetime:
        self.set_clock(self.now() + timedelta(**delta))
        return self.now()

    def add_fault(self, key: str, fault: Fault) -> Fault:
        self.sites[key].faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        for site in self.sites.values():
            site.faults.clear()

    def http_servers(self) -> list[ThreadingHTTPServer]:
        return list(self.servers.values())


class _SiteHandler(BaseHTTPRequestHandler):
    site: Site
    simulator: Simulator
    server_version = "Microsoft-IIS/8.5"
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802
        self._serve(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(send_body=False)

    def _serve(self, send_body: bool) -> None:
        parts = urlsplit(self.path)
        if parts.path == "/_simulator/clock":
            self._clock(parts.query)
            return
        now = self.simulator.now()
        state = self.site.state(now)
        if state == "dark":
            self._drop()
            return
        if state == "redirect" and self.site.fate:
            self._send(Reply(301, "", {"Location": self.site.fate.target or "/"}), send_body)
            return
        for fault in self.site.faults:
            if fault.applies(parts.path + (f"?{parts.query}" if parts.query else "")):
                if self._fault(fault, send_body):
                    return
                break
        self._send(self.site.family.route(self.site, now, parts.path, parts.query), send_body)

    def _fault(self, fault: Fault, send_body: bool) -> bool:
        """Apply ``fault``; True when the request has been answered (or dropped)."""
        if fault.kind == "slow":
            time.sleep(fault.delay)
            return False
        if fault.kind == "drop":
            self._drop()
        elif fault.kind == "status":
            headers = (
                {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
            )
            self._send(
                Reply(fault.status, f"<html><body>Lỗi {fault.status}</body></html>", headers),
                send_body,
            )
        elif fault.kind == "truncate":
            reply = self.site.family.route(
                self.site, self.simulator.now(), urlsplit(self.path).path, urlsplit(self.path).query
            )
            body = self._encode(reply)
            self.send_response(reply.status)
            self.send_header("Content-Type", self._content_type(reply))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self._drop()
        elif fault.kind == "gzip_bomb":
            bomb = _gzip_bomb()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(bomb)))
            self.end_headers()
            if send_body:
                self.wfile.write(bomb)
        return True

    def _clock(self, query: str) -> None:
        value = (parse_qs(query).get("set") or [""])[0]
        if value:
            try:
                self.simulator.set_clock(datetime.fromisoformat(value))
            except ValueError:
                self._send(Reply(400, "bad clock value\n", content_type="text/plain"), True)
                return
        self._send(
            Reply(200, self.simulator.now().isoformat() + "\n", content_type="text/plain"), True
        )

    def _encode(self, reply: Reply) -> bytes:
        if isinstance(reply.body, bytes):
            return reply.body
        if reply.content_type == "text/html":
            return self.site.encode(reply.body)
        return reply.body.encode("utf-8")

    def _content_type(self, reply: Reply) -> str:
        charset = self.site.charset_header if reply.content_type == "text/html" else "utf-8"
        return f"{reply.content_type}; charset={charset}"

    def _send(self, reply: Reply, send_body: bool) -> None:
        body = self._encode(reply)
        if reply.status == 200 and reply.content_type == "text/html":
            # Strong validators, as IIS sends them: a conditional GET of an unchanged page is
            # answered 304 with no body.
            etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            reply = replace(reply, headers={**reply.headers, "ETag": etag})
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Type", self._content_type(reply))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _drop(self) -> None:
        """Close the connection without an answer, as a dead or overloaded server does."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass
