"""HTTP servers on 127.0.0.1 run in background threads: the base of the replay and the simulator."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Self

LOOPBACK = "127.0.0.1"


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hung up mid-answer (a crawler refusing an oversized page, a killed
        crawl) is the client's business, not a traceback on the test's output."""
        import sys

        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


def loopback_server(handler: type[BaseHTTPRequestHandler], port: int = 0) -> ThreadingHTTPServer:
    server = _QuietServer((LOOPBACK, port), handler)
    server.daemon_threads = True
    return server


class BackgroundServers:
    """Start and stop a set of servers together; use as a context manager."""

    def http_servers(self) -> list[ThreadingHTTPServer]:
        raise NotImplementedError

    def start(self) -> Self:
        for server in self.http_servers():
            threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            ).start()
        return self

    def stop(self) -> None:
        for server in self.http_servers():
            server.shutdown()
            server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
