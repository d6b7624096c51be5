"""Recovery commands: ``recover`` (a portal's captures in a web archive) and ``import``
(WARC, ARC and WACZ files other tools made)."""

from __future__ import annotations

import sys
from typing import Any

import click

from archive.api import Archive
from archive.cli import cli
from archive.cli.common import (
    EXIT_CRAWL_FAILED,
    db_option,
    portal_named,
    quiet_option,
    settings_option,
    user_errors,
)
from archive.cli.report import print_crawl
from archive.runner import CrawlResult

DAY = click.DateTime(formats=["%Y-%m-%d"])


@cli.command()
@click.argument("portal_id", metavar="PORTAL")
@click.option(
    "--from",
    "source",
    default="wayback",
    show_default=True,
    metavar="wayback|commoncrawl|CDX-URL",
    help="The web archive: the Wayback Machine, Common Crawl, or any pywb-style CDX endpoint "
    "(http://host:port/<collection>/cdx) whose collection replays id_ URLs.",
)
@click.option("--since", type=DAY, help="Articles published on or after this day (YYYY-MM-DD).")
@click.option("--until", type=DAY, help="Articles published on or before this day.")
@click.option("--captured-since", type=DAY, help="Only captures made on or after this day.")
@click.option("--captured-until", type=DAY, help="Only captures made on or before this day.")
@click.option(
    "--all-versions",
    is_flag=True,
    help="Keep every distinct version the archive holds (stored as revisions, in capture "
    "order), not only the earliest good capture.",
)
@db_option()
@click.option("--limit", type=click.IntRange(min=0), default=0, help="Stop after N articles.")
@settings_option
@quiet_option
@click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's log.")
def recover(
    portal_id: str,
    source: str,
    since: Any,
    until: Any,
    captured_since: Any,
    captured_until: Any,
    all_versions: bool,
    db_path: str,
    limit: int,
    setting_pairs: tuple[str, ...],
    quiet: bool,
    verbose: bool,
) -> None:
    """Recover PORTAL's articles from a web archive, as a crawl would have stored them.

    Lists the portal's captures through the archive's CDX index (every host it has had, http
    and https, www. or not), keeps what the declaration calls articles, and fetches the raw
    bytes of the earliest good capture of each: at most one request a second on one
    connection, Retry-After honoured, a pause that doubles after refused connections. Pages are
    archived under their original URL and capture time, with where they were read from.

    Safe to interrupt, even with kill -9: running the same command again fetches only what is
    still missing.

    \b
    Examples:
      portal-archive recover honglinh --db news.db
      portal-archive recover daksong --from commoncrawl --captured-since 2020-01-01
      portal-archive recover honglinh --from http://127.0.0.1:8080/honglinh/cdx --all-versions
    """
    for first, last, names in (
        (since, until, "--since/--until"),
        (captured_since, captured_until, "--captured-since/--captured-until"),
    ):
        if first and last and last < first:
            raise click.BadParameter(f"{names}: the end is before the start")
    portal_named(portal_id)
    with user_errors():
        result = Archive(db_path).recover(
            portal_id,
            source,
            since=since.date() if since else None,
            until=until.date() if until else None,
            captured_since=captured_since.date() if captured_since else None,
            captured_until=captured_until.date() if captured_until else None,
            all_versions=all_versions,
            limit=limit,
            settings=list(setting_pairs),
            log_level="INFO" if verbose else "WARNING",
            progress=not quiet,
        )
    print_crawl(result, "Recovery")
    print_recovery(result)
    if not result.ok:
        sys.exit(EXIT_CRAWL_FAILED)


def print_recovery(result: CrawlResult) -> None:
    """What the archive's index held and what became of it, by capture year."""
    s = result.stats
    left_out = _under(s, "recover/cdx/left_out/")
    click.echo(
        f"  CDX rows seen: {s.get('recover/cdx/rows', 0)} in {s.get('recover/cdx/pages', 0)} "
        f"page(s); article URLs: {s.get('recover/articles_listed', 0)} "
        f"({s.get('recover/articles/stored_before', 0)} stored before)"
        + (f"; left out: {_listed(left_out)}" if left_out else "")
    )
    damaged = _under(s, "recover/mementos/damaged/")
    click.echo(
        f"  captures fetched: {s.get('recover/mementos/fetched', 0)}, recovered as articles: "
        f"{s.get('archive/articles/new', 0) + s.get('archive/articles/updated', 0)}, "
        f"failed: {s.get('recover/mementos/lost', 0)}, no usable capture: "
        f"{s.get('recover/mementos/unusable', 0)}"
        + (f" (damaged: {_listed(damaged)})" if damaged else "")
    )
    years = sorted(_under(s, "recover/year/").items())
    if years:
        click.echo("  captures fetched, by year: " + ", ".join(f"{year}: {n}" for year, n in years))


def _under(stats: dict[str, Any], prefix: str) -> dict[str, int]:
    """The stats whose keys start with ``prefix``, by the rest of their key."""
    return {k.removeprefix(prefix): v for k, v in stats.items() if k.startswith(prefix)}


def _sum(stats: dict[str, Any], prefix: str) -> int:
    return sum(_under(stats, prefix).values())


def _listed(counts: dict[str, int]) -> str:
    return ", ".join(f"{name.replace('_', ' ')} {count}" for name, count in sorted(counts.items()))


@cli.command(name="import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--portal", "portal_id", help="Take only this portal's records (default: all).")
@db_option()
@settings_option
@quiet_option
@click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's log.")
def import_(
    files: tuple[str, ...],
    portal_id: str | None,
    db_path: str,
    setting_pairs: tuple[str, ...],
    quiet: bool,
    verbose: bool,
) -> None:
    """Import FILE(s): WARC, ARC or WACZ files other tools made (Heritrix, Browsertrix,
    wget --warc-file, cdxt warc), gzipped or not.

    Records are matched to the declared portals by host, copied into the archive's WARC files
    (original URI and date, WARC-Source-URI naming the file), and their articles are extracted
    and stored as a crawl's, marked "import". Records of hosts no portal declares are counted
    and left out. A file imported twice is stored once.

    \b
    Examples:
      portal-archive import honglinh-2019.warc.gz --db news.db
      portal-archive import crawl.wacz old/*.arc.gz --portal daksong
    """
    if portal_id:
        portal_named(portal_id)
    with user_errors():
        report = Archive(db_path).import_files(
            list(files),
            portal_id,
            settings=list(setting_pairs),
            log_level="INFO" if verbose else "WARNING",
            progress=not quiet,
        )
    records = ", ".join(f"{kind} {n}" for kind, n in sorted(report.records.items()))
    click.echo(f"Read {len(files)} file(s): {records or 'no records'}")
    if report.unknown:
        top = ", ".join(f"{host} ({n})" for host, n in report.unknown_hosts.most_common(5))
        click.echo(f"  {report.unknown} response(s) of hosts no portal declares, left out: {top}")
    if not report.results:
        click.echo("  no record belongs to a declared portal: see `portal-archive portals`")
        sys.exit(EXIT_CRAWL_FAILED)
    for result in report.results:
        s = result.stats
        outcome = "finished" if result.ok else f"ENDED: {result.failure or result.finish_reason}"
        click.echo(
            f"\nImport of {result.portal} {outcome} in {s.get('elapsed_seconds', 0)} s "
            f"(run {result.run_id})"
        )
        click.echo(
            f"  records copied into the archive: {s.get('import/records', 0)} "
            f"({s.get('import/articles', 0)} article pages), imported before: "
            f"{s.get('import/read_before', 0)}"
        )
        click.echo(
            f"  articles: {s.get('archive/articles/new', 0)} new, "
            f"{s.get('archive/articles/updated', 0)} updated (earlier or later versions), "
            f"{s.get('archive/articles/unchanged', 0)} unchanged; not articles: "
            f"{s.get('archive/not_article', 0) + _sum(s, 'import/not_article/')}, "
            f"extraction failures: {s.get('archive/extract/failed', 0)}"
        )
    if not all(result.ok for result in report.results):
        sys.exit(EXIT_CRAWL_FAILED)
