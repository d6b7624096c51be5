"""Dataset commands: ``export`` (a dataset folder), ``dedupe`` (duplicate clusters) and
``reextract`` (today's extractor over the archived pages, from WARC)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

import click

from archive.api import Archive
from archive.cli import cli
from archive.cli.common import db_option, existing_store, portal_named
from archive.db import StoreError
from archive.db.clusters import NEAR_THRESHOLD
from archive.export.options import SHARD_ROWS


@cli.command()
@db_option(created=False)
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to create (it must not exist or be empty, unless --overwrite).",
)
@click.option(
    "--format",
    "file_format",
    type=click.Choice(["jsonl", "csv", "parquet"]),
    default="parquet",
    show_default=True,
    help="Data file format.",
)
@click.option(
    "--compress",
    type=click.Choice(["none", "gz", "zst"]),
    default="none",
    show_default=True,
    help="Compress JSONL files (Parquet is always zstd inside).",
)
@click.option("--portal", "portals", multiple=True, metavar="PORTAL", help="Only this portal.")
@click.option("--province", help="Only this province (its name before or after 2025).")
@click.option("--level", help="Only this level (province, city, town, district, commune…).")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), help="Published on or after.")
@click.option("--until", type=click.DateTime(formats=["%Y-%m-%d"]), help="Published on or before.")
@click.option("--min-words", type=click.IntRange(min=0), default=0, help="Drop shorter texts.")
@click.option(
    "--dedupe",
    "dedupe_mode",
    type=click.Choice(["none", "exact", "near"]),
    default="none",
    show_default=True,
    help="Keep one article per group of exact duplicates, or per near-duplicate cluster "
    "(run `portal-archive dedupe` first).",
)
@click.option("--fields", metavar="A,B,...", help="Only these fields, in this order.")
@click.option("--overwrite", is_flag=True, help="Replace --out if it holds files.")
@click.option(
    "--shard-rows",
    type=click.IntRange(min=1),
    default=SHARD_ROWS,
    show_default=True,
    help="Rows per data file.",
)
def export(
    db_path: str,
    out: Path,
    file_format: str,
    compress: str,
    portals: tuple[str, ...],
    province: str | None,
    level: str | None,
    since: Any,
    until: Any,
    min_words: int,
    dedupe_mode: str,
    fields: str | None,
    overwrite: bool,
    shard_rows: int,
) -> None:
    """Write the archive as a dataset: data files, a dataset card (README.md) and SHA256SUMS.

    Loads with datasets.load_dataset("parquet"|"json"|"csv", data_dir=OUT), pandas, pyarrow or
    DuckDB. Reads a snapshot, so a crawl may run at the same time; two exports of the same
    archive are byte-identical. (pandas reads .jsonl.zst with the zstandard package installed.)

    \b
    Examples:
      portal-archive export --db news.db --out dataset --format parquet --dedupe near
      portal-archive export --db news.db --out titles --format csv --fields url,published,title
    """
    from archive.export import FIELDS, ExportError

    options = dict(
        format=file_format,
        compress=compress,
        portals=portals,
        province=province,
        level=level,
        since=since.date() if since else None,
        until=until.date() if until else None,
        min_words=min_words,
        dedupe=dedupe_mode,
        fields=tuple(f.strip() for f in fields.split(",") if f.strip())
        if fields is not None
        else tuple(f.name for f in FIELDS),
        overwrite=overwrite,
        shard_rows=shard_rows,
    )
    bar: Any = None

    def start(total: int) -> None:
        nonlocal bar
        bar = click.progressbar(length=total, label="exporting", file=sys.stderr)
        bar.__enter__()

    try:
        summary = Archive(db_path).export(
            out, progress=lambda n: bar.update(n), on_total=start, **options
        )
    except (ExportError, StoreError) as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise click.ClickException(f"cannot write the export: {error}") from None
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    click.echo(
        f"{summary.rows:,} articles from {len(summary.per_portal)} portals written to "
        f"{summary.out}/ ({len(summary.files)} {file_format} file(s), README.md, SHA256SUMS)"
    )
    if summary.not_compared:
        click.echo(
            f"  note: {summary.not_compared:,} articles are newer than the last `dedupe` run "
            "and were not compared for near duplicates"
        )


@cli.command()
@db_option(created=False)
@click.option(
    "--threshold",
    type=click.FloatRange(0.1, 1.0),
    help="Estimated Jaccard similarity of word 5-shingles from which two texts are near "
    f"duplicates (default {NEAR_THRESHOLD}: one paragraph of five dropped still matches).",
)
@click.option(
    "--show",
    type=click.IntRange(min=0),
    default=5,
    show_default=True,
    help="How many clusters to print (those spanning most portals, then the largest).",
)
def dedupe(db_path: str, threshold: float | None, show: int) -> None:
    """Group exact and near-duplicate articles (across portals too) into clusters.

    Nothing is deleted: each article gets a cluster_id, each cluster a representative (the first
    published). Run it after crawls; only new or changed texts are signed again.

    \b
    Example:
      portal-archive dedupe --db news.db --show 10
    """
    from archive.dedupe import dedupe as find_duplicates

    with existing_store(db_path) as store:
        try:
            result = find_duplicates(store, threshold)
        except StoreError as error:
            raise click.ClickException(str(error)) from None
        click.echo(
            f"{result.articles} articles compared ({result.signed} signed now): "
            f"{result.clusters} duplicate clusters holding {result.clustered_articles} articles, "
            f"{result.cross_portal} across portals, {result.exact} of identical text."
        )
        for cluster_id, size, title, portals in store.largest_clusters(show):
            click.echo(f"  cluster {cluster_id}: {size} articles ({portals}): {title}")


@cli.command()
@db_option(created=False)
@click.option("--portal", "portal_id", help="Only this portal's captures.")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Only captures fetched on or after this day (YYYY-MM-DD).",
)
@click.option(
    "--changed-only",
    is_flag=True,
    help="Skip captures already extracted by this extractor version and portal layout.",
)
@click.option(
    "--warc-dir",
    type=click.Path(file_okay=False),
    help="Where the WARC files are (default: <database name>-warc/ beside the database).",
)
@click.option(
    "--workers",
    "--jobs",
    "jobs",
    type=click.IntRange(min=1),
    default=lambda: os.cpu_count() or 1,
    show_default="all cores",
    help="Extraction processes, as ARCHIVE_EXTRACT_WORKERS sets them for a crawl (--jobs: the "
    "same).",
)
def reextract(
    db_path: str,
    portal_id: str | None,
    since: Any,
    changed_only: bool,
    warc_dir: str | None,
    jobs: int,
) -> None:
    """Extract the archived pages again, from the WARC files, without any network.

    Articles whose extraction changed are updated (an extractor upgrade is not recorded as a
    revision); every capture is read with the portal layout valid when it was fetched.

    \b
    Examples:
      portal-archive reextract --db news.db
      portal-archive reextract --portal baohatinh --since 2025-01-01 --changed-only --workers 2
    """
    from archive import reextract as rx
    from archive.warc import warc_dir_for

    if portal_id is not None:
        portal_named(portal_id)
    folder = Path(warc_dir or warc_dir_for(db_path))
    with existing_store(db_path) as store:
        work = rx.capture_jobs(
            store, folder, portal_id, since.date().isoformat() if since else None, changed_only
        )
        files = {Path(job.warc_path) for job in work}
        missing = sorted(path.name for path in files if not path.exists())
        if missing:
            raise click.ClickException(
                f"{len(missing)} WARC file(s) missing from {folder} (first: {missing[0]}); "
                "use --warc-dir"
            )
        run_id = store.start_run(portal_id or "*", "reextract")
        started = time.monotonic()
        with click.progressbar(
            length=len(work), label=f"Re-extracting {len(work)} captures", file=sys.stderr
        ) as bar:
            try:
                result = rx.reextract(store, work, jobs, bar.update)
            except StoreError as error:
                store.finish_run(run_id, "failed", {})
                raise click.ClickException(str(error)) from None
        elapsed = time.monotonic() - started
        stats: dict[str, float] = {f"archive/articles/{k}": v for k, v in result.outcomes.items()}
        stats.update({"archive/not_article": result.not_articles, "elapsed_seconds": elapsed})
        stats["archive/extract/failed"] = len(result.failures)
        store.finish_run(run_id, "finished", stats)
    counts = ", ".join(f"{n} {k}" for k, n in sorted(result.outcomes.items())) or "nothing saved"
    click.echo(
        f"Re-extracted {result.captures} captures in {elapsed:.1f} s with {jobs} process(es): "
        f"{counts}; {result.not_articles} not articles; {len(result.failures)} failed."
    )
    for url, reason in result.failures[:10]:
        click.echo(f"  failed: {url}: {reason}", err=True)
