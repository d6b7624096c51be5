"""Web archives on 127.0.0.1 for recovery tests and benchmarks.

``Pywb`` runs Webrecorder's pywb (the Wayback implementation Common Crawl's index server also
uses) over WARC collections, in its own process: its CDX server at ``/<collection>/cdx`` and raw
replays at ``/<collection>/<timestamp>id_/<url>``. pywb lives in its own virtualenv
(``.venv-pywb``, made by ``make pywb``): its pins (gevent, an old redis) are not the crawler's.

``ArchiveFront`` stands in front of it as the real archives behave: CDX answers in pages of
``page_size`` rows (``page=N``, empty past the last, as the Wayback's paged CDX API), and, on
demand, their faults: 429 with Retry-After, connections dropped in bursts, CDX pages cut short,
records cut short, a payload that does not match its digest, a replay carrying the toolbar. It
counts what it was asked.

``RangeServer`` serves files with HTTP Range (Common Crawl's data server) and a collinfo.json.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Self
from urllib.parse import parse_qsl, urlencode, urlsplit

from simulator.data import MissingDataError
from simulator.loopback import LOOPBACK, BackgroundServers, loopback_server

PYWB_VENV = Path(__file__).resolve().parent.parent / ".venv-pywb"


def pywb_command(name: str) -> str:
    """A pywb program (``wayback``, ``wb-manager``): $PORTAL_ARCHIVE_PYWB (its bin folder), the
    project's .venv-pywb, else the PATH."""
    for folder in (os.environ.get("PORTAL_ARCHIVE_PYWB"), str(PYWB_VENV / "bin")):
        if folder and (Path(folder) / name).is_file():
            return str(Path(folder) / name)
    found = shutil.which(name)
    if found:
        return found
    raise MissingDataError(f"pywb's {name} is not installed: run `make pywb` (.venv-pywb)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


class Pywb:
    """pywb serving ``collections`` ({name: WARC files}) from ``root``, on 127.0.0.1."""

    def __init__(self, root: Path, collections: dict[str, list[Path]]) -> None:
        self.root = Path(root)
        self.collections = collections
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def cdx(self, collection: str) -> str:
        return f"{self.base_url}/{collection}/cdx"

    def archive_dir(self, collection: str) -> Path:
        return self.root / "collections" / collection / "archive"

    def start(self) -> Self:
        self.root.mkdir(parents=True, exist_ok=True)
        manager = pywb_command("wb-manager")
        for name, files in self.collections.items():
            if not (self.root / "collections" / name).is_dir():
                subprocess.run(
                    [manager, "init", name],
                    cwd=self.root,
                    check=True,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            if files:
                command = [manager, "add", name, *map(str, files)]
                subprocess.run(
                    command,
                    cwd=self.root,
                    check=True,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
        self.port = free_port()
        self.process = subprocess.Popen(
            [pywb_command("wayback"), "-b", LOOPBACK, "-p", str(self.port)],
            cwd=self.root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"pywb exited with {self.process.returncode}")
            try:
                with socket.create_connection((LOOPBACK, self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("pywb did not start within 30 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


@dataclass
class FrontFaults:
    """What ``ArchiveFront`` does wrong, and how often."""

    cdx_429: int = 0  # the first N CDX requests: 429 with Retry-After
    retry_after: int = 1
    refuse_every: int = 0  # every Nth request starts a burst of dropped connections...
    refuse_burst: int = 0  # ... this long
    cut_cdx_pages: int = 0  # the first N CDX pages end early (mid-line)
    cut_records: str = ""  # replays of URLs matching this regex: cut short, once each
    wrong_digest: str = ""  # ...: another payload than the index's digest, once each
    toolbar: str = ""  # ...: a replay with the archive's toolbar, once each
    stall_at: int = 0  # the Nth replay waits ``stall_seconds`` first (a kill lands meanwhile)
    stall_seconds: float = 30.0


class ArchiveFront(BackgroundServers):
    """A loopback front of ``upstream`` (pywb): paged CDX answers and injected faults."""

    def __init__(self, upstream: str, page_size: int = 0, faults: FrontFaults | None = None):
        self.upstream = urlsplit(upstream)
        self.page_size = page_size
        self.faults = faults or FrontFaults()
        self.counts: Counter[str] = Counter()
        self.damaged: set[tuple[str, str]] = set()
        self._lock = threading.Lock()
        self._burst_left = 0
        handler = type("Handler", (_FrontHandler,), {"front": self})
        self.server = loopback_server(handler)

    @property
    def base_url(self) -> str:
        return f"http://{LOOPBACK}:{self.server.server_address[1]}"

    def cdx(self, collection: str) -> str:
        return f"{self.base_url}/{collection}/cdx"

    def http_servers(self) -> list[ThreadingHTTPServer]:
        return [self.server]

    def refuse_now(self) -> bool:
        faults = self.faults
        with self._lock:
            self.counts["requests"] += 1
            if self._burst_left > 0:
                self._burst_left -= 1
                return True
            if faults.refuse_every and self.counts["requests"] % faults.refuse_every == 0:
                self._burst_left = faults.refuse_burst - 1
                return faults.refuse_burst > 0
        return False

    def once(self, kind: str, pattern: str, target: str) -> bool:
        if not pattern or not re.search(pattern, target):
            return False
        with self._lock:
            if (kind, target) in self.damaged:
                return False
            self.damaged.add((kind, target))
            return True

    def fetch(self, path: str) -> tuple[int, list[tuple[str, str]], bytes]:
        connection = http.client.HTTPConnection(
            self.upstream.hostname or LOOPBACK, self.upstream.port, timeout=30
        )
        try:
            connection.request("GET", path)
            answer = connection.getresponse()
            return answer.status, answer.getheaders(), answer.read()
        finally:
            connection.close()


class _FrontHandler(BaseHTTPRequestHandler):
    front: ArchiveFront
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802
        front = self.front
        if front.refuse_now():
            front.counts["refused"] += 1
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        parts = urlsplit(self.path)
        if parts.path.endswith("/cdx"):
            self._cdx(parts.path, parts.query)
        else:
            self._replay()

    def _cdx(self, path: str, query: str) -> None:
        front = self.front
        with front._lock:
            front.counts["cdx"] += 1
            throttled = front.counts["cdx"] <= front.faults.cdx_429
            cut = not throttled and front.counts["cdx_served"] < front.faults.cut_cdx_pages
            if not throttled:
                front.counts["cdx_served"] += 1
        if throttled:
            front.counts["429"] += 1
            self._send(429, b"slow down\n", [("Retry-After", str(front.faults.retry_after))])
            return
        params = [(k, v) for k, v in parse_qsl(query) if k not in ("page", "pageSize")]
        page = int(dict(parse_qsl(query)).get("page", "0") or 0)
        status, headers, body = front.fetch(f"{path}?{urlencode(params)}")
        lines = body.decode("utf-8").splitlines(keepends=True)
        if front.page_size:
            lines = lines[page * front.page_size : (page + 1) * front.page_size]
        elif page > 0:
            lines = []
        answer = "".join(lines).encode("utf-8")
        if cut and answer:
            answer = answer[: max(1, len(answer) - 40)]
        kept = [(k, v) for k, v in headers if k.lower() == "content-type"]
        self._send(status if lines or status != 200 else 200, answer, kept)

    def _replay(self) -> None:
        front = self.front
        with front._lock:
            front.counts["memento"] += 1
            stall = front.counts["memento"] == front.faults.stall_at
        if stall:
            time.sleep(front.faults.stall_seconds)
        status, headers, body = front.fetch(self.path)
        faults = front.faults
        if status == 200 and front.once("cut", faults.cut_records, self.path):
            body = body[: len(body) // 2]
        elif status == 200 and front.once("digest", faults.wrong_digest, self.path):
            body = body.replace(b"</body>", b"<p>altered</p></body>", 1) + b" "
        elif status == 200 and front.once("toolbar", faults.toolbar, self.path):
            body = b"<!-- BEGIN WAYBACK TOOLBAR INSERT -->" + body
        kept = [
            (k, v)
            for k, v in headers
            if k.lower() not in ("content-length", "transfer-encoding", "connection")
        ]
        self._send(status, body, kept)

    def _send(self, status: int, body: bytes, headers: list[tuple[str, str]]) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class RangeServer(BackgroundServers):
    """Files of ``root`` over HTTP with Range (Common Crawl's data server), and ``collinfo``
    (the index server's list of crawls) at /collinfo.json."""

    def __init__(self, root: Path, collinfo: list[dict[str, str]] | None = None) -> None:
        self.root = Path(root)
        self.collinfo = collinfo or []
        self.counts: Counter[str] = Counter()
        handler = type("Handler", (_RangeHandler,), {"files": self})
        self.server = loopback_server(handler)

    @property
    def base_url(self) -> str:
        return f"http://{LOOPBACK}:{self.server.server_address[1]}"

    def http_servers(self) -> list[ThreadingHTTPServer]:
        return [self.server]


class _RangeHandler(BaseHTTPRequestHandler):
    files: RangeServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802
        path = urlsplit(self.path).path
        if path == "/collinfo.json":
            self.files.counts["collinfo"] += 1
            self._send(200, json.dumps(self.files.collinfo).encode(), "application/json")
            return
        target = (self.files.root / path.lstrip("/")).resolve()
        if not target.is_file() or self.files.root.resolve() not in target.parents:
            self._send(404, b"not found\n", "text/plain")
            return
        data = target.read_bytes()
        self.files.counts["range" if self.headers.get("Range") else "file"] += 1
        match = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
        if match is None:
            self._send(200, data, "application/octet-stream")
            return
        start = int(match.group(1))
        end = min(int(match.group(2) or len(data) - 1), len(data) - 1)
        if start > end:
            self._send(416, b"", "text/plain")
            return
        self._send(206, data[start : end + 1], "application/octet-stream", (start, end, len(data)))

    def _send(
        self, status: int, body: bytes, kind: str, span: tuple[int, int, int] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        if span is not None:
            self.send_header("Content-Range", f"bytes {span[0]}-{span[1]}/{span[2]}")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass
