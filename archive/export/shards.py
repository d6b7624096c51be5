"""The data files of an export, one shard writer per format: JSONL (optionally gz or zst), CSV
(RFC 4180) and Parquet (zstd, typed, row groups)."""

from __future__ import annotations

import csv
import gzip
import io
import json
from abc import ABC, abstractmethod
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from archive.export.fields import arrow_schema, is_json, is_time, json_column, time_column

if TYPE_CHECKING:
    from archive.export.options import ExportOptions


class ShardWriter(ABC):
    """One data file being written."""

    @abstractmethod
    def write_columns(self, columns: list[list[Any]]) -> None:
        """Append rows given as columns (in the order of the exported fields)."""

    @abstractmethod
    def close(self) -> None:
        """Finish the file."""


def shard_writer(options: ExportOptions, path: Path) -> ShardWriter:
    if options.format == "parquet":
        return _ParquetShard(path, options.fields, options.row_group_rows)
    stream, raw = _open_text(path, options.compress)
    if options.format == "csv":
        return _CsvShard(stream, raw, options.fields)
    return _JsonlShard(stream, raw, options.fields)


def _open_text(path: Path, compress: str) -> tuple[IO[str], IO[bytes]]:
    """(UTF-8 text stream, the file under it). gzip is written without a time stamp or name, so
    the bytes are reproducible. Close the text stream first (it ends the compressed stream),
    then the file."""
    raw: IO[bytes] = open(path, "wb")  # noqa: SIM115 - closed by the shard writer
    compressed: IO[bytes] = raw
    if compress == "gz":
        compressed = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0)  # type: ignore[assignment]
    elif compress == "zst":
        compressed = _zstd_open(raw)
    return io.TextIOWrapper(compressed, encoding="utf-8", newline=""), raw


def _zstd_open(raw: IO[bytes]) -> IO[bytes]:
    try:
        from compression import zstd  # type: ignore[import-not-found]  # Python 3.14
    except ImportError:
        from backports import zstd
    return zstd.ZstdFile(raw, "wb")


class _TextShard(ShardWriter):
    def __init__(self, stream: IO[str], raw: IO[bytes]) -> None:
        self.stream, self.raw = stream, raw

    def close(self) -> None:
        self.stream.close()
        self.raw.close()


class _JsonlShard(_TextShard):
    def __init__(self, stream: IO[str], raw: IO[bytes], names: tuple[str, ...]) -> None:
        super().__init__(stream, raw)
        self.names = names

    def write_columns(self, columns: list[list[Any]]) -> None:
        dumps, names = json.dumps, self.names
        self.stream.writelines(
            dumps(dict(zip(names, values, strict=True)), ensure_ascii=False) + "\n"
            for values in zip(*columns, strict=True)
        )


class _CsvShard(_TextShard):
    """RFC 4180: CRLF line ends, fields quoted when needed; lists as JSON text."""

    def __init__(self, stream: IO[str], raw: IO[bytes], names: tuple[str, ...]) -> None:
        super().__init__(stream, raw)
        self.writer = csv.writer(stream, lineterminator="\r\n")
        self.writer.writerow(names)

    def write_columns(self, columns: list[list[Any]]) -> None:
        columns = [
            [json.dumps(v, ensure_ascii=False) for v in column]
            if column and isinstance(column[0], list)
            else [_inert(v) for v in column]
            for column in columns
        ]
        self.writer.writerows(zip(*columns, strict=True))


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _inert(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe (OWASP's
    advice for CSV injection); numbers and everything else stay as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _ParquetShard(ShardWriter):
    """Each batch of columns written as a row group (zstd, typed schema)."""

    def __init__(self, path: Path, names: tuple[str, ...], row_group_rows: int) -> None:
        import pyarrow.parquet as pq

        self.schema = arrow_schema(names)
        self.row_group_rows = row_group_rows
        self.writer = pq.ParquetWriter(
            path, self.schema, compression="zstd", write_statistics=True, use_dictionary=True
        )

    def write_columns(self, columns: list[list[Any]]) -> None:
        import pyarrow as pa

        arrays = [
            json_column(c, f.type)
            if is_json(f)
            else time_column(c)
            if is_time(f)
            # bytes -> binary -> string (one vectorised UTF-8 check): 3x faster than
            # building a string array from bytes objects directly
            else pa.array(c, type=pa.binary()).cast(f.type)
            if f.type == pa.string()
            else pa.array(c, type=f.type)
            for c, f in zip(columns, self.schema, strict=True)
        ]
        batch = pa.RecordBatch.from_arrays(arrays, schema=self.schema)
        self.writer.write_batch(batch, row_group_size=self.row_group_rows)

    def close(self) -> None:
        self.writer.close()
