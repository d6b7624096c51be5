"""The fields of an exported article: name, type and meaning (the dataset card's table and the
Parquet schema's descriptions), and how stored values become exported ones."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # string | time | int | bool | strings | images
    meaning: str


FIELDS: tuple[Field, ...] = (
    Field("id", "string", "stable id: the first 16 hex digits of SHA-256 of `url`"),
    Field("url", "string", "canonical URL of the article on the portal's real origin"),
    Field("portal", "string", "portal id (see `portal-archive portals`)"),
    Field("portal_name", "string", "the portal's name"),
    Field("province", "string", "province before the 2025 merger (63 provinces)"),
    Field(
        "province_after_2025",
        "string",
        "province after 1 July 2025 (34 provinces)",
    ),
    Field("level", "string", "province, city, town, district, commune or department"),
    Field("kind", "string", "government, party, newspaper or council"),
    Field("title", "string", "headline"),
    Field("lead", "string", "lead paragraph (sapo), empty if none"),
    Field("text", "string", "body text, paragraphs separated by newlines"),
    Field("author", "string", "byline, as printed"),
    Field("author_unit", "string", "the author's unit or office, if printed"),
    Field(
        "published",
        "time",
        "publication time, RFC 3339 with milliseconds and the page's offset (+07:00), "
        "a bare date when the page gives no time",
    ),
    Field("section", "string", "section or category on the portal"),
    Field("tags", "strings", "tags / topics listed with the article"),
    Field("images", "images", "images of the body: src, alt, caption"),
    Field("language", "string", "ISO 639-1 language code"),
    Field("word_count", "int", "words in `text`"),
    Field("content_hash", "string", "hash of all extracted fields"),
    Field(
        "text_hash",
        "string",
        "hash of the normalised text: equal for exact duplicates",
    ),
    Field(
        "cluster_id",
        "int",
        "near-duplicate cluster (`portal-archive dedupe`); null when unique",
    ),
    Field("first_seen", "time", "when the archive first fetched it (UTC)"),
    Field("last_seen", "time", "when the archive last saw it online (UTC)"),
    Field("removed_at", "time", "when the site removed it (404/410), else null"),
    Field("fetched_at", "time", "fetch time of the capture the text is from"),
    Field(
        "fetched_from",
        "string",
        "where that capture was fetched from: the portal's site, or a stand-in for it "
        "(a local mirror or simulator on 127.0.0.1)",
    ),
    Field(
        "source",
        "string",
        "live (fetched from the portal), wayback or commoncrawl (recovered from that web "
        "archive: `fetched_at` is the capture's time, `fetched_from` the memento's URL), "
        "import (from a WARC, ARC or WACZ file: `fetched_from` names it)",
    ),
    Field("warc_file", "string", "WARC file holding that capture"),
    Field("warc_offset", "int", "byte offset of the capture's record in `warc_file`"),
    Field("warc_length", "int", "length of that (gzip) record in bytes"),
    Field("extractor", "string", "extractor version and method that read the page"),
)
FIELDS_BY_NAME = {f.name: f for f in FIELDS}


def converter(spec: Field, parquet: bool = False) -> Callable[[Any], Any] | None:
    """How a stored value becomes an exported one; None: as stored (for Parquet, JSON lists
    stay JSON here: Arrow's JSON reader parses a whole column at once)."""
    if spec.name == "id":
        return lambda url: hashlib.sha256(
            url if isinstance(url, bytes) else url.encode("utf-8")
        ).hexdigest()[:16]
    if parquet:
        return None  # times: time_column, over the whole column
    if spec.kind == "time":
        return timestamp_text
    if spec.kind == "strings":
        return lambda text: json.loads(text) if text else []
    if spec.kind == "images":
        return lambda text: json.loads(text) if text else []  # [{src, alt, caption}]
    return None


def timestamp_text(value: str | bytes | None) -> str | bytes | None:
    """A stored time as exported: RFC 3339 with milliseconds, its offset kept
    (``2025-03-04T10:00:00.000+07:00``). Readers that guess types from JSON (pyarrow, so
    Hugging Face ``datasets``) take the same time without them for a timestamp, convert it to
    UTC and drop the offset, which moves an evening's article to the next day; this form stays
    a string there, as it is in Parquet and CSV. Bare dates and unreadable values are kept."""
    if value is None:
        return None
    text = value.decode("utf-8") if isinstance(value, bytes) else value
    if "T" not in text:
        return value
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return value
    exported = moment.isoformat(timespec="milliseconds")
    return exported.encode("utf-8") if isinstance(value, bytes) else exported


# What the archive stores (crawler.clock.iso_seconds): seconds and an offset. timestamp_text
# turns it into the same with ".000" before the offset.
_SECONDS_WITH_OFFSET = r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)([+-]\d\d:\d\d)$"


def time_column(values: list[bytes | None]) -> Any:
    """``timestamp_text`` over a column of stored times, as an Arrow string array: one regex
    over the column for what the archive stores, Python only if some value has another form
    (one call per value was a third of a Parquet export's time)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    column = pa.array(values, type=pa.binary()).cast(pa.string())
    stored_form = pc.match_substring_regex(column, _SECONDS_WITH_OFFSET)
    bare_date = pc.invert(pc.match_substring(column, "T"))
    if pc.all(pc.or_(stored_form, bare_date)).as_py():  # nulls aside
        return pc.replace_substring_regex(column, _SECONDS_WITH_OFFSET, r"\1.000\2")
    return pa.array([timestamp_text(value) for value in values], type=pa.binary()).cast(pa.string())


def is_time(arrow_field: Any) -> bool:
    return FIELDS_BY_NAME[arrow_field.name].kind == "time"


def is_json(arrow_field: Any) -> bool:
    return FIELDS_BY_NAME[arrow_field.name].kind in ("strings", "images")


def json_column(values: list[bytes | None], arrow_type: Any) -> Any:
    """A column of JSON lists (as stored) parsed by Arrow's JSON reader in one pass: a dozen
    times faster than json.loads and building Arrow structs from Python dicts."""
    import pyarrow as pa
    import pyarrow.json as pa_json

    lines = b"".join(b'{"v":' + (value or b"[]") + b"}\n" for value in values)
    table = pa_json.read_json(
        io.BytesIO(lines),
        read_options=pa_json.ReadOptions(use_threads=False, block_size=max(len(lines), 1 << 20)),
        parse_options=pa_json.ParseOptions(
            explicit_schema=pa.schema([("v", arrow_type)]), unexpected_field_behavior="ignore"
        ),
    )
    return table.column("v").combine_chunks().cast(arrow_type)


def arrow_schema(names: tuple[str, ...]) -> Any:
    import pyarrow as pa

    types = {
        "string": pa.string(),
        "time": pa.string(),
        "int": pa.int64(),
        "strings": pa.list_(pa.string()),
        "images": pa.list_(
            pa.struct([("src", pa.string()), ("alt", pa.string()), ("caption", pa.string())])
        ),
    }
    return pa.schema(
        [
            pa.field(name, types[FIELDS_BY_NAME[name].kind], metadata={"description": m})
            for name in names
            for m in [FIELDS_BY_NAME[name].meaning]
        ]
    )
