"""The dataset card (README.md: Hugging Face metadata, counts, fields, provenance and terms),
the checksums, and the folder's arrival: written beside the destination, renamed into place."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from archive.export.fields import FIELDS_BY_NAME
from archive.export.options import ExportError, file_extension

if TYPE_CHECKING:
    from archive.export.options import ExportOptions, ExportSummary


def temporary_folder(out: Path) -> Path:
    """A hidden folder beside ``out`` to write into, named after this process, readable as a
    folder made by ``mkdir`` would be; folders an export killed before now left are removed."""
    remove_stale_partials(out)
    try:
        temp = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-{os.getpid()}-", dir=out.parent))
        umask = os.umask(0)
        os.umask(umask)
        temp.chmod(0o777 & ~umask)  # mkdtemp makes it 0700: the dataset is meant to be shared
        return temp
    except OSError as error:
        raise ExportError(f"cannot write to {out.parent}: {error.strerror}") from None


def remove_stale_partials(out: Path) -> list[Path]:
    """Remove ``.<out>.partial-<pid>-*`` folders whose process is gone (an export killed with
    kill -9 cannot clean up after itself); returns them."""
    removed = []
    for folder in out.parent.glob(f".{out.name}.partial-*"):
        pid = folder.name.rsplit(".partial-", 1)[1].split("-", 1)[0]
        if folder.is_dir() and pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def looks_like_an_export(folder: Path) -> bool:
    """What --overwrite may replace: a folder an export wrote (its card, checksums, data)."""
    return all((folder / name).exists() for name in ("README.md", "SHA256SUMS", "data")) and all(
        child.name in ("README.md", "SHA256SUMS", "data") for child in folder.iterdir()
    )


def move_into_place(temp: Path, out: Path, overwrite: bool) -> None:
    old = None
    if out.exists():
        if not overwrite and any(out.iterdir()):
            raise ExportError(f"{out} is not empty (use --overwrite to replace it)")
        old = out.with_name(f".{out.name}.replaced-{os.getpid()}")
        out.rename(old)
    temp.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_checksums(folder: Path) -> None:
    """SHA256SUMS in `sha256sum -c` format, of every file but itself."""
    lines = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            while chunk := handle.read(1024 * 1024):
                digest.update(chunk)
        lines.append(f"{digest.hexdigest()}  {path.relative_to(folder).as_posix()}\n")
    (folder / "SHA256SUMS").write_text("".join(lines), "utf-8")


def _origins(summary: ExportSummary, sources: list[dict[str, Any]]) -> list[str]:
    """One line per origin the rows were fetched from, saying what it was."""
    own = {str(s["origin"]).rstrip("/") for s in sources}
    lines = []
    for origin, rows in sorted(summary.fetched_from.items()):
        host = origin.split("://", 1)[-1].split(":", 1)[0].rstrip("/")
        if origin == "import":
            what = "imported from WARC, ARC or WACZ files (`fetched_from` names file and offset)"
        elif origin.startswith(("wayback ", "commoncrawl ")):
            archive, _, origin = origin.partition(" ")
            name = "Common Crawl" if archive == "commoncrawl" else "a Wayback-style web archive"
            what = f"recovered from {name} (the portal is gone or its pages were removed)"
        elif origin.rstrip("/") in own:
            what = "the portal's own public site"
        elif host in ("127.0.0.1", "localhost", "::1"):
            what = "a local stand-in for the site (an offline mirror or the simulator)"
        elif origin == "unknown":
            what = "not recorded (a capture without its index row)"
        else:
            what = "another address given with --fetch-base"
        lines.append(f"- `{origin}`: {rows:,} rows, {what}")
    return lines


def package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    with suppress(PackageNotFoundError):
        return version("portal-archive")
    return "unknown"


def dataset_card(
    options: ExportOptions, summary: ExportSummary, sources: list[dict[str, Any]], version: str
) -> str:
    """The dataset's README.md: Hugging Face card metadata, then what a researcher must know."""
    pattern = f"data/train-*.{file_extension(options)}"
    lines = [
        "---",
        "language:",
        "- vi",
        "license: other",
        "pretty_name: Vietnamese provincial and municipal portals (portal-archive export)",
        "configs:",
        "- config_name: default",
        "  data_files:",
        "  - split: train",
        f"    path: {pattern}",
        "---",
        "",
        "# Vietnamese provincial and municipal portals",
        "",
        f"{summary.rows:,} articles from {len(summary.per_portal)} portals, archived by "
        f"portal-archive {version} and exported as {options.format.upper()}"
        + (f" ({options.compress})" if options.compress != "none" else "")
        + f" in {len(summary.files)} file(s) under `data/`.",
        "",
        f"- Published between {summary.first_published or '-'} and "
        f"{summary.last_published or '-'} (Vietnam time, +07:00).",
        f"- Duplicates: {_dedupe_note(options, summary)}",
        f"- Filters: {_filters_note(options)}",
        f"- Made with: `{options.command()}`",
        "- Checksums: `SHA256SUMS` (`sha256sum -c SHA256SUMS`).",
        "",
        "Load it with",
        "",
        "```python",
        f'datasets.load_dataset("{_loader(options)}", data_dir="<this folder>")',
        f"pandas.read_{'parquet' if options.format == 'parquet' else options.format}(...)"
        if options.format != "jsonl"
        else 'pandas.read_json("<file>", lines=True)',
        f"duckdb.sql(\"SELECT * FROM '{pattern}'\")",
        "```",
        "",
        *(
            ["pandas reads `.jsonl.zst` files with the `zstandard` package installed.", ""]
            if options.compress == "zst"
            else []
        ),
        "## Counts",
        "",
        "| portal | name | province (before / after 2025) | level | kind | articles |",
        "|---|---|---|---|---|---:|",
    ]
    for source in sources:
        lines.append(
            f"| {source['id']} | {source['name']} | {source['province']} / "
            f"{source['province_after_2025'] or '-'} | {source['level']} | {source['kind']} | "
            f"{summary.per_portal[source['id']]:,} |"
        )
    lines += ["", "| province | articles |", "|---|---:|"]
    lines += [f"| {name} | {n:,} |" for name, n in sorted(summary.per_province.items())]
    lines += ["", "| year published | articles |", "|---|---:|"]
    lines += [f"| {year} | {n:,} |" for year, n in sorted(summary.per_year.items())]
    lines += ["", "## Fields", "", "| field | type | meaning |", "|---|---|---|"]
    for name in options.fields:
        spec = FIELDS_BY_NAME[name]
        lines.append(f"| `{name}` | {_type_name(spec.kind)} | {spec.meaning} |")
    lines += [
        "",
        "## Provenance",
        "",
        "Every row was extracted from a page portal-archive fetched; the raw response is kept "
        "in the archive's WARC files (`warc_file`, `warc_offset`), so any row can be checked "
        "against what was served, and re-extracted. `extractor` tells which extractor version "
        "and method read the page. `fetched_from` tells where each page came from:",
        "",
        *_origins(summary, sources),
        "",
        "Sources:",
        "",
    ]
    lines += [f"- {s['name']} ({s['origin']})" for s in sources]
    lines += [
        "",
        "## Terms",
        "",
        "The articles are the work of their publishers (People's Committees, party committees, "
        "newspapers). This export grants no licence to them. Vietnamese law lets government "
        "portals' public information be used, and most portals ask that the source be cited; "
        "newspapers keep their copyright. Use the data for research, cite the portal and the "
        "URL of each article, check each source's own terms before republishing text, and do "
        "not redistribute this folder outside your project.",
        "",
    ]
    return "\n".join(lines)


def _type_name(kind: str) -> str:
    return {
        "string": "string",
        "time": "string (RFC 3339 time)",
        "int": "integer",
        "strings": "list of strings",
        "images": "list of {src, alt, caption}",
    }[kind]


def _loader(options: ExportOptions) -> str:
    return {"jsonl": "json", "csv": "csv", "parquet": "parquet"}[options.format]


def _dedupe_note(options: ExportOptions, summary: ExportSummary) -> str:
    if options.dedupe == "none":
        return "all articles kept (`text_hash` and `cluster_id` mark duplicates)."
    if options.dedupe == "exact":
        return "exact duplicates (same `text_hash`) removed; the first published copy is kept."
    note = (
        "exact and near duplicates removed: one article per `portal-archive dedupe` cluster "
        "(its representative: the first published copy, then the higher administrative level)."
    )
    if summary.not_compared:
        note += (
            f" {summary.not_compared:,} articles were stored after the last `dedupe` run and "
            "were not compared."
        )
    return note


def _filters_note(options: ExportOptions) -> str:
    parts = []
    if options.portals:
        parts.append("portals " + ", ".join(options.portals))
    if options.province:
        parts.append(f"province {options.province} (before or after 2025)")
    if options.level:
        parts.append(f"level {options.level}")
    if options.since or options.until:
        parts.append(f"published {options.since or '…'} to {options.until or '…'}")
    if options.min_words:
        parts.append(f"at least {options.min_words} words")
    return "; ".join(parts) if parts else "none (the whole archive)."
