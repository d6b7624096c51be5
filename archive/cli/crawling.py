"""Crawling commands: ``crawl`` (what is new, one portal or many), ``backfill`` (history back to
a day) and ``demo`` (the bundled mirror, summarised)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from archive.api import Archive
from archive.cli import cli
from archive.cli.common import (
    EXIT_CRAWL_FAILED,
    EXIT_LOCKED,
    EXIT_PARTIAL,
    db_option,
    open_store,
    portal_named,
    portals_dir_option,
    quiet_option,
    settings_option,
    user_errors,
)
from archive.cli.report import print_crawl, print_portal_summary
from crawler.options import parse_setting_pairs
from crawler.portals import Portal

DEMO_PORTAL = "hanoi-sotttt"


@cli.command()
@click.argument("portal_ids", nargs=-1, metavar="[PORTAL]... | URL")
@click.option("--all", "every_portal", is_flag=True, help="Crawl every declared portal.")
@db_option()
@click.option("--limit", type=click.IntRange(min=0), default=0, help="Stop after N articles.")
@click.option(
    "--fetch-base",
    "fetch_bases",
    multiple=True,
    metavar="[PORTAL=]URL",
    help="Fetch from this scheme://host:port (a local mirror or simulator) instead of the "
    "portal's origin; with several portals, one PORTAL=URL per portal (repeatable).",
)
@click.option(
    "--recheck",
    is_flag=True,
    help="Also fetch every stored article again, to record edits and removals (404/410).",
)
@click.option(
    "--parallel",
    type=click.IntRange(1, 64),
    default=2,
    show_default=True,
    help="With several portals: how many to crawl at once (each in its own process).",
)
@settings_option
@quiet_option
@portals_dir_option
@click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's log.")
def crawl(
    portal_ids: tuple[str, ...],
    every_portal: bool,
    db_path: str,
    limit: int,
    fetch_bases: tuple[str, ...],
    recheck: bool,
    parallel: int,
    setting_pairs: tuple[str, ...],
    quiet: bool,
    verbose: bool,
) -> None:
    """Crawl PORTAL(s) into the archive and print what changed; or the site at URL.

    A URL of a site nobody declared is learned first (as `add` does, without writing a file):
    the declaration is kept in the archive and used again by the next `crawl URL`, unless the
    site's template has changed (then it is learned again).

    Only what is new is fetched: stored articles are not fetched again (unless --recheck) and
    listing pages are followed until one brings nothing new. Safe to run from cron: a crawl of
    a portal already running into the same archive is not started twice. Exit status: 0 all
    crawled, 1 all failed, 3 some failed, 75 everything was already running.

    \b
    Examples:
      portal-archive crawl honglinh --db news.db
      portal-archive crawl honglinh --fetch-base http://127.0.0.1:18100   # from the simulator
      portal-archive crawl --all --parallel 4 --quiet --db /srv/news.db    # from cron
      portal-archive crawl https://xasonlinh.hatinh.gov.vn/ --db news.db     # undeclared
    """
    from crawler.portals import all_portals

    if every_portal and portal_ids:
        raise click.UsageError("give portals or --all, not both")
    ids = list(all_portals()) if every_portal else list(dict.fromkeys(portal_ids))
    if not ids:
        raise click.UsageError("name at least one portal (see `portal-archive portals`) or --all")
    if len(ids) == 1 and _is_address(ids[0]):
        if len(fetch_bases) > 1:
            raise click.UsageError("crawl URL takes one --fetch-base")
        base = fetch_bases[0] if fetch_bases else None
        portal = _declaration_for(ids[0], db_path, base, quiet)
        ids, fetch_bases = [portal.id], tuple(f"{portal.id}={b}" for b in fetch_bases)
    else:
        portal = None
        for portal_id in ids:
            if _is_address(portal_id):
                raise click.UsageError("crawl URL takes one address, alone")
            portal_named(portal_id)
    bases = _fetch_bases(fetch_bases, ids)
    if len(ids) == 1:
        with user_errors():
            result = Archive(db_path).crawl(
                portal or ids[0],
                fetch_base=bases.get(ids[0]),
                limit=limit,
                recheck=recheck,
                settings=list(setting_pairs),
                log_level="INFO" if verbose else "WARNING",
                progress=not quiet,
            )
        print_crawl(result)
        if not result.ok:
            sys.exit(EXIT_CRAWL_FAILED)
        return
    with user_errors():
        parse_setting_pairs(setting_pairs)  # a bad -s ends here, not once per portal
    _crawl_many(ids, db_path, limit, bases, recheck, parallel, setting_pairs, quiet)


def _is_address(value: str) -> bool:
    return "://" in value or "." in value


def _declaration_for(url: str, db_path: str, fetch_base: str | None, quiet: bool) -> Portal:
    """The declaration ``crawl URL`` crawls with: a declared portal of that host, or the one
    inferred earlier (kept in the archive), or one inferred now."""
    from archive.autodeclare import portal_for_crawl

    with user_errors(), open_store(db_path) as store:
        portal, how = portal_for_crawl(store, url, fetch_base)
    if not quiet:
        said = {
            "declared": f"{url} is the declared portal {portal.id!r}",
            "kept": f"{url}: crawling with the declaration inferred earlier ({portal.id})",
            "inferred": f"{url}: nobody declared this site; learned it as {portal.id!r} "
            "(kept in the archive; `portal-archive add URL` writes it to a file)",
        }
        click.echo(said[how])
    return portal


def _fetch_bases(values: tuple[str, ...], ids: list[str]) -> dict[str, str]:
    bases: dict[str, str] = {}
    for value in values:
        portal_id, separator, url = value.partition("=")
        if not separator:
            if len(ids) > 1:
                raise click.UsageError("with several portals, write --fetch-base PORTAL=URL")
            portal_id, url = ids[0], value
        if portal_id not in ids:
            raise click.UsageError(f"--fetch-base names {portal_id!r}, which is not being crawled")
        bases[portal_id] = url
    return bases


def _crawl_many(
    ids: list[str],
    db_path: str,
    limit: int,
    bases: dict[str, str],
    recheck: bool,
    parallel: int,
    setting_pairs: tuple[str, ...] = (),
    quiet: bool = False,
) -> None:
    """Each portal in its own process (Scrapy's reactor runs once per process, and one portal
    failing must not stop the others), ``parallel`` at a time."""
    import subprocess
    import threading
    from concurrent.futures import ThreadPoolExecutor

    open_store(db_path).close()

    printing = threading.Lock()

    def say(line: str) -> None:
        with printing:
            click.echo(line)

    def run(portal_id: str) -> tuple[str, int]:
        """One portal's crawl; its lines are printed as they come, prefixed with its id."""
        command = [sys.executable, "-m", "archive", "crawl", portal_id, "--db", db_path]
        command += ["--limit", str(limit)] if limit else []
        command += ["--fetch-base", bases[portal_id]] if portal_id in bases else []
        command += ["--recheck"] if recheck else []
        command += ["--quiet"] if quiet else []
        command += [arg for pair in setting_pairs for arg in ("--set", pair)]
        child = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
        )
        assert child.stdout is not None
        for line in child.stdout:
            if line.strip():
                say(f"[{portal_id}] {line.rstrip()}")
        code = child.wait()
        say(f"[{portal_id}] exit {code}")
        return portal_id, code

    outcomes: dict[str, int] = {}
    with ThreadPoolExecutor(parallel) as pool:
        for portal_id, code in pool.map(run, ids):
            outcomes[portal_id] = code
    failed = [p for p, code in outcomes.items() if code not in (0, EXIT_LOCKED)]
    locked = [p for p, code in outcomes.items() if code == EXIT_LOCKED]
    click.echo(
        f"\n{len(ids)} portals: {len(ids) - len(failed) - len(locked)} crawled, "
        f"{len(failed)} failed{' (' + ', '.join(failed) + ')' if failed else ''}, "
        f"{len(locked)} already running elsewhere"
    )
    if len(locked) == len(ids):
        sys.exit(EXIT_LOCKED)
    if failed:
        sys.exit(EXIT_CRAWL_FAILED if len(failed) + len(locked) == len(ids) else EXIT_PARTIAL)


@cli.command()
@click.argument("portal_id", metavar="PORTAL")
@click.option(
    "--since",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Go back to this day (YYYY-MM-DD): listing pages are walked until their articles are "
    "all older.",
)
@click.option(
    "--until",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Leave out articles listed as newer than this day (YYYY-MM-DD); default: today.",
)
@db_option()
@click.option("--limit", type=click.IntRange(min=0), default=0, help="Stop after N articles.")
@click.option("--fetch-base", metavar="URL", help="Fetch from here (a mirror or simulator).")
@settings_option
@quiet_option
@click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's log.")
def backfill(
    portal_id: str,
    since: Any,
    until: Any,
    db_path: str,
    limit: int,
    fetch_base: str | None,
    setting_pairs: tuple[str, ...],
    quiet: bool,
    verbose: bool,
) -> None:
    """Pull PORTAL's history back to --since (and up to --until), for days if need be.

    Safe to interrupt, even with kill -9: the archive is the record of what is done, so running
    the same command again fetches only the articles still missing (listing pages are walked
    again). Shares the crawl lock: a scheduled crawl of the same portal waits its turn.

    \b
    Examples:
      portal-archive backfill baohatinh --since 2015-01-01 --db news.db
      portal-archive backfill honglinh --since 2022-01-01 --until 2022-12-31
    """
    if until is not None and until < since:
        raise click.BadParameter(
            f"--until {until:%Y-%m-%d} is before --since {since:%Y-%m-%d}", param_hint="--until"
        )
    portal_named(portal_id)
    with user_errors():
        result = Archive(db_path).backfill(
            portal_id,
            since.date(),
            until.date() if until else None,
            fetch_base=fetch_base,
            limit=limit,
            settings=list(setting_pairs),
            log_level="INFO" if verbose else "WARNING",
            progress=not quiet,
        )
    print_crawl(result)
    oldest = result.stats.get("portal/oldest_listing_date")
    if oldest:
        click.echo(f"  oldest listing date reached: {oldest}")
    if not result.ok:
        sys.exit(EXIT_CRAWL_FAILED)


@cli.command()
@db_option(default="demo.db")
@click.option("--limit", type=click.IntRange(min=0), default=0, help="Stop after N articles.")
@quiet_option
def demo(db_path: str, limit: int, quiet: bool) -> None:
    """Crawl the bundled real portal (an offline mirror, served on 127.0.0.1) and summarise it.

    \b
    Example:
      portal-archive demo --db demo.db --limit 200
    """
    portal = portal_named(DEMO_PORTAL)
    click.echo(f"Crawling {portal.name} ({portal.origin}) from its offline mirror into {db_path}")
    news = Archive(db_path)
    stored = news.count(DEMO_PORTAL) if Path(db_path).is_file() else 0
    if stored:
        click.echo(f"{stored:,} articles are stored already: only what is new is fetched.\n")
    else:
        click.echo("About a minute for the ~2,900 reachable articles; progress below.\n")
    with user_errors():
        result = news.crawl(DEMO_PORTAL, limit=limit, progress=not quiet)
    print_crawl(result)
    with open_store(db_path) as store:
        print_portal_summary(store, DEMO_PORTAL, db_path)
    if not result.ok:
        sys.exit(EXIT_CRAWL_FAILED)
