"""The archive as a dataset: JSONL, CSV or Parquet files, a dataset card and checksums.

Rows stream from one read transaction (a snapshot: a crawl writing at the same time is neither
blocked nor half-seen) in URL order, so two exports of the same archive are byte-identical. The
files are written into a temporary folder beside the destination and renamed into place at the
end: an export that fails leaves nothing behind.

    summary = export_dataset("news.db", ExportOptions(out=Path("dataset"), format="parquet"))

The queries are archive.db.exports; the fields are in ``fields``, the data files in ``shards``,
the card and the folder in ``card``.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections import Counter
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

from archive.db import exports
from archive.export.card import (
    dataset_card,
    looks_like_an_export,
    move_into_place,
    package_version,
    temporary_folder,
    write_checksums,
)
from archive.export.fields import FIELDS, FIELDS_BY_NAME, converter
from archive.export.options import (
    COMPRESSIONS,
    DEDUPE_MODES,
    FORMATS,
    ExportError,
    ExportOptions,
    ExportSummary,
    file_extension,
)
from archive.export.shards import shard_writer

__all__ = ["FIELDS", "ExportError", "ExportOptions", "ExportSummary", "export_dataset"]


def export_dataset(
    db_path: str | Path,
    options: ExportOptions,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> ExportSummary:
    """Write the dataset ``options`` describe from the archive at ``db_path``."""
    _check_options(options)
    temp = temporary_folder(options.out)
    try:
        with closing(exports.snapshot_connection(db_path)) as conn:
            conn.execute("BEGIN")  # one snapshot for counts, rows and the card
            _check_filters(exports.source_names(conn), options)
            summary = _write_dataset(conn, options, temp, progress, on_total)
            sources = exports.sources(conn, summary.per_portal)
            version = package_version()
        (temp / "README.md").write_text(dataset_card(options, summary, sources, version), "utf-8")
        write_checksums(temp)
        move_into_place(temp, options.out, options.overwrite)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return summary


# checks ---------------------------------------------------------------------------------------


def _check_options(options: ExportOptions) -> None:
    if options.format not in FORMATS:
        raise ExportError(f"unknown format {options.format!r} (known: {', '.join(FORMATS)})")
    if options.compress not in COMPRESSIONS:
        raise ExportError(f"unknown compression {options.compress!r}")
    if options.compress != "none" and options.format != "jsonl":
        raise ExportError("--compress applies to jsonl (Parquet is always zstd-compressed)")
    if options.dedupe not in DEDUPE_MODES:
        raise ExportError(f"unknown dedupe mode {options.dedupe!r} (known: none, exact, near)")
    unknown = [name for name in options.fields if name not in FIELDS_BY_NAME]
    if unknown:
        raise ExportError(
            f"unknown field(s) {', '.join(unknown)} (known: {', '.join(FIELDS_BY_NAME)})"
        )
    if not options.fields:
        raise ExportError("--fields names no field")
    if len(set(options.fields)) != len(options.fields):
        raise ExportError("--fields names a field twice")
    if options.since and options.until and options.since > options.until:
        raise ExportError(f"--since {options.since} is after --until {options.until}")
    if options.shard_rows < 1 or options.row_group_rows < 1:
        raise ExportError("shard and row group sizes must be positive")
    out = options.out
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not options.overwrite:
        raise ExportError(f"{out} is not empty (use --overwrite to replace it)")
    if options.overwrite and out.is_dir() and any(out.iterdir()):
        if Path.cwd().resolve().is_relative_to(out.resolve()):
            raise ExportError(f"--overwrite will not replace {out}: it holds the current folder")
        if not looks_like_an_export(out):
            raise ExportError(
                f"--overwrite replaces only an earlier export, and {out} holds other files"
            )
    if not out.parent.is_dir():
        raise ExportError(f"cannot write to {out}: folder {out.parent} does not exist")
    if not os.access(out.parent, os.W_OK):
        raise ExportError(f"cannot write to {out}: folder {out.parent} is not writable")


def _check_filters(names: tuple[set[str], set[str], set[str]], options: ExportOptions) -> None:
    """Filters that can match nothing because of a typo get an error, not an empty dataset."""
    portals, provinces, levels = names
    unknown = [p for p in options.portals if p not in portals]
    if unknown:
        raise ExportError(
            f"no portal {', '.join(unknown)} in this archive (it has: {', '.join(sorted(portals))})"
        )
    if options.province:
        if options.province not in provinces:
            raise ExportError(
                f"no province {options.province!r} in this archive "
                f"(it has: {', '.join(sorted(provinces))})"
            )
    if options.level:
        if options.level not in levels:
            raise ExportError(
                f"no level {options.level!r} in this archive (it has: {', '.join(sorted(levels))})"
            )


# writing ------------------------------------------------------------------------------------


def _write_dataset(
    conn: sqlite3.Connection,
    options: ExportOptions,
    folder: Path,
    progress: Callable[[int], None] | None,
    on_total: Callable[[int], None] | None,
) -> ExportSummary:
    """Rows are handled a batch at a time, column by column: a million rows cost a million
    Python steps only where a value must change (ids, JSON lists), not once per field."""
    if options.format == "parquet":
        # Text as UTF-8 bytes, straight from SQLite into Arrow: no Python str made and
        # re-encoded for every value (half the export's time on a million articles).
        conn.text_factory = bytes
    total, not_compared, origins, batches = exports.selected_rows(conn, options.selection())
    if on_total:
        on_total(total)
    shards = max(1, -(-total // options.shard_rows))
    (folder / "data").mkdir()
    names = [f"data/train-{n:05d}-of-{shards:05d}.{file_extension(options)}" for n in range(shards)]
    summary = ExportSummary(options.out, total, names, not_compared=not_compared)
    summary.fetched_from.update({_text(origin): n for origin, n in origins.items()})
    parquet = options.format == "parquet"
    converters = [converter(FIELDS_BY_NAME[name], parquet) for name in options.fields]
    width = len(options.fields)
    writer = shard_writer(options, folder / names[0])
    written = 0
    for batch in batches:
        while batch:
            if written and written % options.shard_rows == 0:
                writer.close()
                writer = shard_writer(options, folder / names[written // options.shard_rows])
            room = options.shard_rows - written % options.shard_rows
            part, batch = batch[:room], batch[room:]
            columns = list(zip(*part, strict=True))
            writer.write_columns(
                [
                    list(column) if convert is None else [convert(v) for v in column]
                    for convert, column in zip(converters, columns, strict=False)
                ]
            )
            _count(summary, *columns[width:])
            written += len(part)
            if progress:
                progress(len(part))
    writer.close()
    conn.text_factory = str
    if written != total:  # the snapshot makes this impossible; never publish a short dataset
        raise ExportError(f"read {written} rows, expected {total}")
    for counter in (summary.per_portal, summary.per_province, summary.per_year):
        decoded = Counter({_text(key): n for key, n in counter.items()})
        counter.clear()
        counter.update(decoded)
    summary.first_published = _text(summary.first_published)
    summary.last_published = _text(summary.last_published)
    return summary


def _text(value: Any) -> Any:
    return value.decode("utf-8") if isinstance(value, bytes) else value


def _count(
    summary: ExportSummary,
    published: tuple[str | None, ...],
    portals: tuple[str, ...],
    provinces: tuple[str, ...],
) -> None:
    summary.per_portal.update(portals)
    summary.per_province.update(provinces)
    summary.per_year.update(_text(p[:4]) if p else "unknown" for p in published)
    dated = [p for p in published if p]
    if dated:
        first, last = min(dated), max(dated)
        if summary.first_published is None or first < summary.first_published:
            summary.first_published = first
        if summary.last_published is None or last > summary.last_published:
            summary.last_published = last
