"""Reading web archive files other tools made: WARC (Heritrix, Browsertrix, ``wget
--warc-file``, ``cdxt warc``), ARC (the Internet Archive's older format) and WACZ (a zip of WARC
files with their indexes, from Browsertrix and ArchiveWeb.page), gzipped or not.

warcio reads WARC and ARC (ARC records are read as WARC ones); a WACZ's ``archive/`` members are
read straight out of the zip. Only response records are of use (their HTTP status, headers and
payload, their target URI and date); request, metadata, warcinfo and revisit records are
counted and passed over.
"""

from __future__ import annotations

import gzip
import io
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from crawler.errors import ArchiveError

SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz", ".wacz")


class ArchiveFileError(ArchiveError, ValueError):
    """A file that is not a WARC, ARC or WACZ file, or is damaged past reading."""


@dataclass(frozen=True)
class ArchivedResponse:
    """One response record of an archive file."""

    target_uri: str
    captured_at: str  # ISO 8601 UTC, from WARC-Date (ARC: its 14-digit date)
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes
    where: str  # file (and member of a WACZ) and offset, for a person


def archive_members(path: Path) -> Iterator[tuple[str, IO[bytes]]]:
    """(name, stream) of the WARC/ARC files ``path`` holds: itself, or a WACZ's archive/."""
    if path.suffix == ".wacz":
        try:
            with zipfile.ZipFile(path) as wacz:
                names = [n for n in wacz.namelist() if n.startswith("archive/") and n[-1] != "/"]
                if not names:
                    raise ArchiveFileError(f"{path}: a WACZ without WARC files under archive/")
                for name in names:
                    with wacz.open(name) as stream:
                        yield f"{path.name}!{name}", stream
        except zipfile.BadZipFile as error:
            raise ArchiveFileError(f"{path}: not a WACZ file ({error})") from None
        return
    with ExitStack() as stack:
        try:
            stream = stack.enter_context(open(path, "rb"))
        except OSError as error:
            raise ArchiveFileError(f"{path}: {error.strerror}") from None
        yield path.name, stream


def _looks_like_an_archive(name: str, stream: IO[bytes]) -> None:
    """ArchiveFileError unless ``stream`` starts as a WARC or ARC file does (gzipped or not):
    warcio reads anything, taking a text file's lines for ARC headers."""
    peek = getattr(stream, "peek", None)  # open() and ZipFile.open() streams have it
    head = peek(64)[:64] if peek else b"WARC/"
    if head.startswith(b"\x1f\x8b") and peek:
        try:
            head = gzip.GzipFile(fileobj=io.BytesIO(peek(4096))).read(16)
        except (OSError, EOFError):
            head = b"WARC/"  # a member longer than the peek: warcio will tell
    if not head.startswith((b"WARC/", b"filedesc://")):
        raise ArchiveFileError(f"{name}: not a WARC or ARC file (it starts {head[:16]!r})")


def responses(path: Path, counts: dict[str, int] | None = None) -> Iterator[ArchivedResponse]:
    """The response records of ``path``; ``counts`` is told how many records of each type were
    read. A file damaged part-way ends its records there (ArchiveFileError if it had none)."""
    counts = counts if counts is not None else {}
    for name, stream in archive_members(path):
        _looks_like_an_archive(name, stream)
        read = 0
        records = ArchiveIterator(stream, arc2warc=True)
        try:
            for record in records:
                read += 1
                kind = record.rec_type or "unknown"
                counts[kind] = counts.get(kind, 0) + 1
                if kind != "response" or record.http_headers is None:
                    continue
                uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                status_line = record.http_headers.get_statuscode() or "0"
                yield ArchivedResponse(
                    target_uri=uri.strip("<>"),
                    captured_at=_iso(record.rec_headers.get_header("WARC-Date") or ""),
                    status=int(status_line) if status_line.isdigit() else 0,
                    reason=_reason(record.http_headers.statusline),
                    headers=list(record.http_headers.headers),
                    body=record.content_stream().read(),
                    where=f"{name}@{records.get_record_offset()}",
                )
        except (ArchiveLoadFailed, OSError, EOFError, ValueError) as error:
            if not read:
                raise ArchiveFileError(f"{name}: not a WARC or ARC file ({error})") from None
            counts["damaged_files"] = counts.get("damaged_files", 0) + 1


def _reason(statusline: str) -> str:
    parts = statusline.split(" ", 1)
    return parts[1] if len(parts) == 2 else ""


def _iso(warc_date: str) -> str:
    """WARC-Date (``2019-03-01T10:00:00Z``, maybe with fractions) as the archive stores times."""
    text = warc_date.strip().replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")
