"""WARC files (ISO 28500) for every fetched response, written with warcio.

Each exchange becomes a ``request`` and a ``response`` record, gzip-compressed per record, so any
standard WARC tool (``warcio index``, ``warcio check``, pywb…) can read the files, and a record can
be read back alone from its offset. A response whose payload is identical to an earlier capture
of the same URL is written as a ``revisit`` record (identical-payload-digest profile, as Heritrix
does) instead of being stored again. Files rotate at ``max_bytes``.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

DEFAULT_MAX_BYTES = 1024**3  # rotate at 1 GiB


@dataclass(frozen=True)
class WrittenRecord:
    warc_file: str  # file name, relative to the WARC directory
    offset: int
    length: int
    record_type: str  # response | revisit
    payload_digest: str


@dataclass(frozen=True)
class Exchange:
    """One HTTP exchange as it went over the wire (body as received, not decoded)."""

    target_uri: str
    method: str
    request_headers: list[tuple[str, str]]
    status: int
    reason: str
    response_headers: list[tuple[str, str]]
    body: bytes
    fetched_at: datetime


class WarcFiles:
    """Appends exchanges to rotating ``<prefix>-<time>-<n>.warc.gz`` files in ``directory``."""

    def __init__(
        self, directory: str | Path, prefix: str, max_bytes: int = DEFAULT_MAX_BYTES
    ) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.prefix = prefix
        self.max_bytes = max_bytes
        self.serial = 0
        self._file: io.BufferedWriter | None = None
        self._name = ""
        self._writer: WARCWriter | None = None

    def write(self, exchange: Exchange, revisit_of: tuple[str, str] | None) -> WrittenRecord:
        """Write ``exchange``; ``revisit_of`` = (uri, WARC-Date) of an identical earlier capture."""
        writer = self._current()
        assert self._file is not None
        date = exchange.fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        http_headers = StatusAndHeaders(
            f"{exchange.status} {exchange.reason}".strip(), exchange.response_headers, "HTTP/1.1"
        )
        if revisit_of is not None:
            record = writer.create_revisit_record(
                exchange.target_uri,
                payload_digest(exchange.body),
                revisit_of[0],
                revisit_of[1],
                http_headers=http_headers,
                warc_headers_dict={"WARC-Date": date},
            )
        else:
            record = writer.create_warc_record(
                exchange.target_uri,
                "response",
                payload=io.BytesIO(exchange.body),
                length=len(exchange.body),
                http_headers=http_headers,
                warc_headers_dict={"WARC-Date": date},
            )
        offset = self._file.tell()
        writer.write_record(record)
        response_end = self._file.tell()
        request = writer.create_warc_record(
            exchange.target_uri,
            "request",
            payload=io.BytesIO(b""),
            length=0,
            http_headers=StatusAndHeaders(
                f"{exchange.method} {_path(exchange.target_uri)} HTTP/1.1",
                exchange.request_headers,
                is_http_request=True,
            ),
            warc_headers_dict={
                "WARC-Date": date,
                "WARC-Concurrent-To": record.rec_headers.get_header("WARC-Record-ID"),
            },
        )
        writer.write_record(request)
        self._file.flush()
        return WrittenRecord(
            warc_file=self._name,
            offset=offset,
            length=response_end - offset,
            record_type=record.rec_type,
            payload_digest=record.rec_headers.get_header("WARC-Payload-Digest") or "",
        )

    def _current(self) -> WARCWriter:
        if self._writer is not None and self._file is not None:
            if self._file.tell() < self.max_bytes:
                return self._writer
            self._file.close()
        self.serial += 1
        stamp = datetime.now().strftime("%Y%m%d%H%M%S")
        self._name = f"{self.prefix}-{stamp}-{os.getpid()}-{self.serial:05d}.warc.gz"
        self._file = open(self.directory / self._name, "ab")  # noqa: SIM115 - kept open
        self._writer = WARCWriter(self._file, gzip=True)
        return self._writer

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
            self._writer = None


def warc_dir_for(db_path: str | Path) -> str:
    """Where an archive's WARC files go by default: ``<database name>-warc/`` beside it."""
    path = Path(db_path)
    return str(path.with_name(f"{path.stem}-warc"))


def payload_digest(body: bytes) -> str:
    """The WARC-Payload-Digest of ``body``: SHA-1 in base 32, as warcio and Heritrix write it."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def _path(uri: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(uri)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
