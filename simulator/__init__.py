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
import socket
import threading
import time
from dataclasses import replace
from datetime import datetime, timedelta
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from crawler.clock import VIETNAM
from simulator.families import Reply
from simulator.loopback import LOOPBACK, BackgroundServers, loopback_server
from simulator.plans import DEFAULT_CLOCK, REFORM, SITE_PLANS, SitePlan, build_sites, seeds_dir
from simulator.site import Fault, Site

__all__ = [
    "DEFAULT_CLOCK",
    "REFORM",
    "SITE_PLANS",
    "Fault",
    "SitePlan",
    "Simulator",
    "Site",
    "build_sites",
    "seeds_dir",
]


@cache
def _gzip_bomb() -> bytes:
    """About 200 KB of gzip that inflates to 200 MiB of zeros."""
    return gzip.compress(b"\0" * (200 * 1024 * 1024), compresslevel=9)


FLOOD_BYTES = 20 * 1024 * 1024


@cache
def _link_flood(prefix: str) -> bytes:
    """A 20 MB page of distinct on-site links under ``prefix``: half a million of them for an
    article prefix, a million for a short one."""
    size = len(f"<a href={prefix}0.html></a>") + 6
    links = "".join(f"<a href={prefix}{n}.html></a>" for n in range(FLOOD_BYTES // size))
    return f"<html><body>{links}</body></html>".encode()


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

    def do_POST(self) -> None:  # noqa: N802 - a form posted back (ASP.NET pagers)
        length = int(self.headers.get("Content-Length") or 0)
        posted = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        self._serve(send_body=True, form=parse_qs(posted, keep_blank_values=True))

    def _serve(self, send_body: bool, form: dict[str, list[str]] | None = None) -> None:
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
        reply = self.site.family.route(self.site, now, parts.path, parts.query, form)
        self._send(reply, send_body)

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
        elif fault.kind == "link_flood":
            self._send(Reply(200, _link_flood(fault.link_prefix).decode()), send_body)
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
