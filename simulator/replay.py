"""A replay server: serves a static mirror (HTTrack-style, pages optionally gzipped) on 127.0.0.1.

It lets the crawler, the demo and the tests crawl a real portal as it was captured, with no
network. ``/path/page.html`` is answered from ``<root>/path/page.html.gz`` (gunzipped on the fly)
or ``<root>/path/page.html``; the query string is ignored, as HTTrack already folded queries into
file names; anything the mirror lacks is a 404.
"""

from __future__ import annotations

import gzip
import logging
import mimetypes
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from simulator.loopback import LOOPBACK, BackgroundServers, loopback_server

logger = logging.getLogger(__name__)


class ReplayServer(BackgroundServers):
    """Serve ``root`` on 127.0.0.1 in a background thread; use as a context manager."""

    def __init__(self, root: str | Path, port: int = 0) -> None:
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise FileNotFoundError(f"mirror folder not found: {self.root}")
        handler = type("Handler", (_MirrorHandler,), {"root": self.root})
        self.httpd = loopback_server(handler, port)

    def http_servers(self) -> list[ThreadingHTTPServer]:
        return [self.httpd]

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + "/" + path.lstrip("/")

    def serve_forever(self) -> None:
        self.httpd.serve_forever()


class _MirrorHandler(BaseHTTPRequestHandler):
    root: Path
    server_version = "portal-archive-replay"
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._respond(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._respond(send_body=False)

    def _respond(self, send_body: bool) -> None:
        path = unquote(urlsplit(self.path).path)
        body = self._read(path)
        if body is None:
            self._send(HTTPStatus.NOT_FOUND, b"not in the mirror\n", "text/plain", send_body)
            return
        self._send(HTTPStatus.OK, body, _content_type(path), send_body)

    def _read(self, path: str) -> bytes | None:
        if "\x00" in path:
            return None  # /%00: no file has that name (and the file system refuses to look)
        if path.endswith("/"):
            path += "index.html"
        target = (self.root / path.lstrip("/")).resolve()
        if self.root not in target.parents:
            return None  # "..", or the root itself
        gz = target.with_name(target.name + ".gz")
        try:
            if gz.is_file():
                return gzip.decompress(gz.read_bytes())
            if target.is_file():
                return target.read_bytes()
        except (OSError, EOFError, gzip.BadGzipFile) as error:
            logger.warning("replay: cannot read %s: %s", target, error)
        return None

    def _send(self, status: int, body: bytes, content_type: str, send_body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        logger.debug("replay: " + format, *args)


def _content_type(path: str) -> str:
    guessed, _ = mimetypes.guess_type(path)
    if guessed is None or path.endswith((".htm", ".html", ".aspx", ".php", ".jsp")):
        return "text/html"
    return guessed
