"""WARC files (ISO 28500) for every fetched response, written with warcio.

Each exchange becomes a ``request`` and a ``response`` record, gzip-compressed per record, so any
standard WARC tool (``warcio index``, ``warcio check``, pywb…) can read the files, and a record can
be read back alone from its offset. A response whose payload is identical to an earlier capture
of the same URL is written as a ``revisit`` record (identical-payload-digest profile, as Heritrix
does) instead of being stored again. Files rotate at ``max_bytes``.

A writer holds an exclusive ``flock`` on the file it appends to. A crawl killed in the middle of a
write (kill -9, power loss) leaves a partial gzip member at the end of its file; the next writer
in the directory cuts such tails off files no live writer holds (``repair_tails``), so every file
stays readable by ``warcio check``. The captures index never points at a partial record: a row is
written only after its record is flushed.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import io
import logging
import os
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.urls import path_and_query

DEFAULT_MAX_BYTES = 1024**3  # rotate at 1 GiB
GZIP_MEMBER_START = b"\x1f\x8b\x08"
TAIL_WINDOWS = (64 * 1024, 8 * 1024**2, 128 * 1024**2)  # how far back a last member is sought

logger = logging.getLogger(__name__)


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
    fetched_at: datetime  # the WARC-Date: a memento's capture time, for a recovered page
    # More WARC headers: where a recovered page was read (WARC-Source-URI) and from what.
    provenance: tuple[tuple[str, str], ...] = ()
    request_body: bytes = b""  # what a POST sent (a form posted back), kept with its request


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
        for name, cut in repair_tails(self.directory).items():
            logger.warning("%s: cut %d bytes of a record left partial by a crash", name, cut)

    def write(self, exchange: Exchange, revisit_of: tuple[str, str] | None) -> WrittenRecord:
        """Write ``exchange``; ``revisit_of`` = (uri, WARC-Date) of an identical earlier capture."""
        writer = self._current()
        assert self._file is not None
        date = exchange.fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        http_headers = StatusAndHeaders(
            f"{exchange.status} {exchange.reason}".strip(), exchange.response_headers, "HTTP/1.1"
        )
        warc_headers = {"WARC-Date": date, **dict(exchange.provenance)}
        if revisit_of is not None:
            record = writer.create_revisit_record(
                exchange.target_uri,
                payload_digest(exchange.body),
                revisit_of[0],
                revisit_of[1],
                http_headers=http_headers,
                warc_headers_dict=warc_headers,
            )
        else:
            record = writer.create_warc_record(
                exchange.target_uri,
                "response",
                payload=io.BytesIO(exchange.body),
                length=len(exchange.body),
                http_headers=http_headers,
                warc_headers_dict=warc_headers,
            )
        offset = self._file.tell()
        writer.write_record(record)
        response_end = self._file.tell()
        request = writer.create_warc_record(
            exchange.target_uri,
            "request",
            payload=io.BytesIO(exchange.request_body),
            length=len(exchange.request_body),
            http_headers=StatusAndHeaders(
                f"{exchange.method} {_request_target(exchange.target_uri)} HTTP/1.1",
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
        fcntl.flock(self._file, fcntl.LOCK_EX)  # a live writer's file is never repaired
        self._writer = WARCWriter(self._file, gzip=True)
        return self._writer

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
            self._writer = None


def repair_tails(directory: Path) -> dict[str, int]:
    """Cut a partial last gzip member off every ``*.warc.gz`` in ``directory`` that no live writer
    holds; {file name: bytes cut} for the files that had one."""
    repaired = {}
    for path in sorted(directory.glob("*.warc.gz")):
        try:
            with open(path, "r+b") as handle:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # being written right now
                end = complete_end(handle)
                size = os.fstat(handle.fileno()).st_size
                if end is not None and end < size:
                    handle.truncate(end)
                    repaired[path.name] = size - end
        except OSError as error:
            logger.warning("%s: cannot check for a partial record: %s", path.name, error)
    return repaired


def complete_end(handle: io.BufferedRandom) -> int | None:
    """Where the last complete gzip member of a file ends (its size when the file is whole);
    None when it cannot be told (no WARC member found near the end)."""
    size = os.fstat(handle.fileno()).st_size
    if size == 0:
        return 0
    for window in TAIL_WINDOWS:
        start = max(0, size - window)
        handle.seek(start)
        tail = handle.read()
        position = len(tail)
        while (position := tail.rfind(GZIP_MEMBER_START, 0, position)) >= 0:
            inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
            try:
                head = inflater.decompress(tail[position:], 16)
                if not head.startswith(b"WARC/"):
                    continue  # the magic bytes inside compressed data, not a record
                while not inflater.eof and inflater.unconsumed_tail:
                    inflater.decompress(inflater.unconsumed_tail, 1024**2)
            except zlib.error:
                continue
            if inflater.eof:
                # A whole member: the file is complete after it, or cut in the next one.
                return size - len(inflater.unused_data)
            # A member cut short: the file is complete up to its start.
            return start + position
        if start == 0:
            return None
    return None


def warc_dir_for(db_path: str | Path) -> str:
    """Where an archive's WARC files go by default: ``<database name>-warc/`` beside it."""
    path = Path(db_path)
    return str(path.with_name(f"{path.stem}-warc"))


def payload_digest(body: bytes) -> str:
    """The WARC-Payload-Digest of ``body``: SHA-1 in base 32, as warcio and Heritrix write it."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def _request_target(uri: str) -> str:
    """The request line's target: path and query, ``/`` for an empty path."""
    target = path_and_query(uri)
    return target if target.startswith("/") else "/" + target
