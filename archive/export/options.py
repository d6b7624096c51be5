"""What an export is asked for (``ExportOptions``), what it made (``ExportSummary``), and the
one error it raises for a person (``ExportError``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from archive.db import exports
from archive.export.fields import FIELDS
from crawler.errors import ArchiveError

FORMATS = ("jsonl", "csv", "parquet")
COMPRESSIONS = ("none", "gz", "zst")
DEDUPE_MODES = ("none", "exact", "near")
SHARD_ROWS = 250_000  # rows per data file


class ExportError(ArchiveError):
    """The export cannot be made as asked; the message is meant for the user."""


@dataclass(frozen=True)
class ExportOptions:
    out: Path
    format: str = "parquet"
    compress: str = "none"  # jsonl only: none, gz, zst
    portals: tuple[str, ...] = ()
    province: str | None = None
    level: str | None = None
    since: date | None = None
    until: date | None = None
    min_words: int = 0
    dedupe: str = "none"
    fields: tuple[str, ...] = tuple(f.name for f in FIELDS)
    overwrite: bool = False
    shard_rows: int = SHARD_ROWS
    row_group_rows: int = 4_000  # about 25 MB of text per Parquet row group

    def selection(self) -> exports.Selection:
        """Which articles and fields, as the export's queries take them."""
        return exports.Selection(
            fields=self.fields,
            portals=self.portals,
            province=self.province,
            level=self.level,
            since=self.since,
            until=self.until,
            min_words=self.min_words,
            dedupe=self.dedupe,
            batch_rows=self.row_group_rows,
        )

    def command(self) -> str:
        """The options as a command line, without paths: the same for two identical exports."""
        parts = ["portal-archive export", f"--format {self.format}"]
        if self.compress != "none":
            parts.append(f"--compress {self.compress}")
        parts += [f"--portal {p}" for p in self.portals]
        if self.province:
            parts.append(f'--province "{self.province}"')
        if self.level:
            parts.append(f"--level {self.level}")
        if self.since:
            parts.append(f"--since {self.since}")
        if self.until:
            parts.append(f"--until {self.until}")
        if self.min_words:
            parts.append(f"--min-words {self.min_words}")
        parts.append(f"--dedupe {self.dedupe}")
        if self.fields != tuple(f.name for f in FIELDS):
            parts.append(f"--fields {','.join(self.fields)}")
        return " ".join(parts)


@dataclass
class ExportSummary:
    out: Path
    rows: int
    files: list[str]
    per_portal: Counter[str] = field(default_factory=Counter)
    fetched_from: Counter[str] = field(default_factory=Counter)  # origin -> rows
    per_province: Counter[str] = field(default_factory=Counter)
    per_year: Counter[str] = field(default_factory=Counter)
    first_published: str | None = None
    last_published: str | None = None
    not_compared: int = 0  # --dedupe near: articles the last `dedupe` run has not seen


def file_extension(options: ExportOptions) -> str:
    if options.format == "jsonl":
        return {"none": "jsonl", "gz": "jsonl.gz", "zst": "jsonl.zst"}[options.compress]
    return options.format
