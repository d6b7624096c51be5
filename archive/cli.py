"""The ``portal-archive`` command (also ``python -m archive``).

User mistakes (unknown portal, unusable database path, missing offline data) end with one line
on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click

from archive.locks import LockedError, portal_lock
from archive.runner import (
    CrawlResult,
    MissingDataError,
    SettingError,
    replay_root,
    run_crawl,
    setting_overrides,
)
from archive.store import Store, StoreError, now_iso
from archive.summary import format_table, newest_titles, portal_stats, sections

DEMO_PORTAL = "hanoi-sotttt"
EXIT_CRAWL_FAILED = 1  # also: every portal of a multi-portal crawl failed
EXIT_PARTIAL = 3  # some portals failed, the others were crawled
EXIT_LOCKED = 75  # EX_TEMPFAIL: the same crawl is already running; cron can try later


class LockedCrawl(click.ClickException):
    exit_code = EXIT_LOCKED


def db_option(default: str = "portal-archive.db") -> Callable[[Any], Any]:
    return click.option(
        "--db",
        "db_path",
        default=lambda: os.environ.get("PORTAL_ARCHIVE_DB", default),
        show_default=f"$PORTAL_ARCHIVE_DB or {default}",
        type=click.Path(dir_okay=False),
        help="SQLite archive file (created if missing).",
    )


def _portal(portal_id: str) -> Any:
    from crawler.portals import UnknownPortalError, get_portal

    try:
        return get_portal(portal_id)
    except UnknownPortalError as error:
        raise click.ClickException(str(error)) from None


def _open_store(db_path: str) -> Store:
    try:
        return Store(db_path)
    except StoreError as error:
        raise click.ClickException(str(error)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="portal-archive")
def cli() -> None:
    """Crawl Vietnamese provincial and municipal portals into a clean SQLite archive."""


@cli.command()
def portals() -> None:
    """List the declared portals."""
    from crawler.portals import all_portals

    rows = [
        {
            "id": p.id,
            "province": p.province,
            "level": p.level,
            "kind": p.kind,
            "origin": p.origin,
            "offline mirror": "yes" if p.replay else "no",
            "name": p.name,
        }
        for p in all_portals().values()
    ]
    click.echo(format_table(rows, list(rows[0]) if rows else ["id"]))


settings_option = click.option(
    "-s",
    "--set",
    "setting_pairs",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a Scrapy or ARCHIVE_* setting for this run, e.g. -s ARCHIVE_EXTRACT_WORKERS=1 "
    "(repeatable).",
)


@cli.command()
@click.argument("portal_ids", nargs=-1, metavar="[PORTAL]...")
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
    verbose: bool,
) -> None:
    """Crawl PORTAL(s) into the archive and print what changed.

    Only what is new is fetched: stored articles are not fetched again (unless --recheck) and
    listing pages are followed until one brings nothing new. Safe to run from cron: a crawl of
    a portal already running into the same archive is not started twice. Exit status: 0 all
    crawled, 1 all failed, 3 some failed, 75 everything was already running.
    """
    from crawler.portals import all_portals

    if every_portal and portal_ids:
        raise click.UsageError("give portals or --all, not both")
    ids = list(all_portals()) if every_portal else list(dict.fromkeys(portal_ids))
    if not ids:
        raise click.UsageError("name at least one portal (see `portal-archive portals`) or --all")
    for portal_id in ids:
        _portal(portal_id)
    bases = _fetch_bases(fetch_bases, ids)
    overrides = _settings(setting_pairs)
    if len(ids) == 1:
        result = _crawl(
            ids[0], db_path, limit, bases.get(ids[0]), verbose, recheck, settings=overrides
        )
        _print_crawl(result)
        if not result.ok:
            sys.exit(EXIT_CRAWL_FAILED)
        return
    _crawl_many(ids, db_path, limit, bases, recheck, parallel, setting_pairs)


def _settings(pairs: tuple[str, ...]) -> dict[str, Any]:
    try:
        return setting_overrides(pairs)
    except SettingError as error:
        raise click.BadParameter(str(error), param_hint="-s/--set") from None


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
) -> None:
    """Each portal in its own process (Scrapy's reactor runs once per process, and one portal
    failing must not stop the others), ``parallel`` at a time."""
    import subprocess
    from concurrent.futures import ThreadPoolExecutor

    _open_store(db_path).close()

    def run(portal_id: str) -> tuple[str, int, str]:
        command = [sys.executable, "-m", "archive", "crawl", portal_id, "--db", db_path]
        command += ["--limit", str(limit)] if limit else []
        command += ["--fetch-base", bases[portal_id]] if portal_id in bases else []
        command += ["--recheck"] if recheck else []
        command += [arg for pair in setting_pairs for arg in ("--set", pair)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        return portal_id, done.returncode, (done.stdout + done.stderr).strip()

    outcomes: dict[str, int] = {}
    with ThreadPoolExecutor(parallel) as pool:
        for portal_id, code, output in pool.map(run, ids):
            outcomes[portal_id] = code
            click.echo(f"== {portal_id} (exit {code})")
            click.echo("\n".join("   " + line for line in output.splitlines() if line.strip()))
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
@click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's log.")
def backfill(
    portal_id: str,
    since: Any,
    until: Any,
    db_path: str,
    limit: int,
    fetch_base: str | None,
    setting_pairs: tuple[str, ...],
    verbose: bool,
) -> None:
    """Pull PORTAL's history back to --since (and up to --until), for days if need be.

    Safe to interrupt, even with kill -9: the archive is the record of what is done, so running
    the same command again fetches only the articles still missing (listing pages are walked
    again). Shares the crawl lock: a scheduled crawl of the same portal waits its turn.
    """
    if until is not None and until < since:
        raise click.BadParameter(
            f"--until {until:%Y-%m-%d} is before --since {since:%Y-%m-%d}", param_hint="--until"
        )
    result = _crawl(
        portal_id,
        db_path,
        limit,
        fetch_base,
        verbose,
        since=since.date().isoformat(),
        until=until.date().isoformat() if until else None,
        settings=_settings(setting_pairs),
    )
    _print_crawl(result)
    oldest = result.stats.get("portal/oldest_listing_date")
    if oldest:
        click.echo(f"  oldest listing date reached: {oldest}")
    if not result.ok:
        sys.exit(EXIT_CRAWL_FAILED)


@cli.command()
@db_option()
def stats(db_path: str) -> None:
    """Per-portal article counts, date range and last run."""
    if not Path(db_path).exists():
        raise click.ClickException(f"no archive at {db_path} (crawl something first)")
    with _open_store(db_path) as store:
        rows = portal_stats(store)
        total = store.count_articles()
    if not rows:
        click.echo(f"{db_path}: empty archive")
        return
    click.echo(format_table(rows, list(rows[0])))
    click.echo(f"\n{total} articles in {db_path}")


@cli.command()
@db_option()
@click.option(
    "--now",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]),
    help="Judge as of this day (default: today).",
)
@click.option(
    "--frozen-days",
    type=click.IntRange(min=1),
    default=60,
    show_default=True,
    help="A site whose newest article is older than this is frozen.",
)
def status(db_path: str, as_of: Any, frozen_days: int) -> None:
    """Per portal: fate (alive, gone, redirected, frozen, failing), last good crawl, newest
    article, new articles per run, error rate. Exits 1 when a portal needs a human."""
    from archive.status import portal_statuses

    if not Path(db_path).exists():
        raise click.ClickException(f"no archive at {db_path} (crawl something first)")
    with _open_store(db_path) as store:
        rows = portal_statuses(store, as_of or datetime.now(), frozen_days)
    if not rows:
        click.echo(f"{db_path}: no crawls yet")
        return
    table = [
        {
            "portal": r.portal,
            "fate": r.fate,
            "articles": r.articles,
            "newest": r.newest,
            "last good crawl": (r.last_ok or "never")[:16],
            "new/run": r.new_per_run,
            "errors": f"{r.error_rate:.0%}",
            "note": r.detail,
        }
        for r in rows
    ]
    click.echo(format_table(table, list(table[0])))
    attention = [r.portal for r in rows if r.needs_attention]
    if attention:
        click.echo(f"\n{len(attention)} portal(s) need attention: {', '.join(attention)}")
        sys.exit(1)


@cli.command()
@db_option(default="demo.db")
@click.option("--limit", type=click.IntRange(min=0), default=0, help="Stop after N articles.")
def demo(db_path: str, limit: int) -> None:
    """Crawl the bundled real portal (an offline mirror, served on 127.0.0.1) and summarise it."""
    portal = _portal(DEMO_PORTAL)
    click.echo(f"Crawling {portal.name} ({portal.origin}) from its offline mirror into {db_path}")
    click.echo("About two minutes for the ~2,900 reachable articles; progress below.\n")
    result = _crawl(DEMO_PORTAL, db_path, limit, None, verbose=False)
    _print_crawl(result)
    with _open_store(db_path) as store:
        _print_portal_summary(store, DEMO_PORTAL, db_path)
    if not result.ok:
        sys.exit(EXIT_CRAWL_FAILED)


@cli.command()
@click.argument("target", metavar="PORTAL_OR_FOLDER")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
def replay(target: str, port: int) -> None:
    """Serve a portal's offline mirror (or any mirror folder) on 127.0.0.1 until Ctrl-C."""
    from archive.replay import ReplayServer

    folder = Path(target)
    if not folder.is_dir():
        portal = _portal(target)
        if portal.replay is None:
            raise click.ClickException(f"portal {target!r} has no offline mirror")
        folder = _replay_root(portal)
    try:
        server = ReplayServer(folder, port=port)
    except OSError as error:
        raise click.ClickException(f"cannot serve on 127.0.0.1:{port}: {error}") from None
    click.echo(f"Serving {folder} at {server.base_url}/ (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped")


@cli.command()
@click.option("--site", "sites", multiple=True, help="Only this site (repeatable).")
@click.option("--clock", help="Simulated time, ISO 8601 (default 2025-06-15T12:00+07:00).")
@click.option("--seed", type=int, default=7, show_default=True, help="Same seed, same sites.")
@click.option(
    "--articles",
    type=click.IntRange(1),
    default=40,
    show_default=True,
    help="Generated articles per site (plus the real seed article).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    help="First port; sites take consecutive ports (default: any free ports).",
)
def simulate(
    sites: tuple[str, ...], clock: str | None, seed: int, articles: int, port: int
) -> None:
    """Serve the simulated portal families on 127.0.0.1 until Ctrl-C."""
    import threading
    from datetime import datetime

    from archive.simulator import DEFAULT_CLOCK, SITE_PLANS, Simulator

    unknown = sorted(set(sites) - set(SITE_PLANS))
    if unknown:
        raise click.ClickException(f"unknown site {unknown[0]!r} (known: {', '.join(SITE_PLANS)})")
    try:
        moment = datetime.fromisoformat(clock) if clock else DEFAULT_CLOCK
    except ValueError:
        raise click.ClickException(f"--clock {clock!r} is not an ISO 8601 date") from None
    keys = list(sites) or list(SITE_PLANS)
    ports = {key: port + i for i, key in enumerate(keys)} if port else None
    try:
        simulator = Simulator(seed=seed, articles=articles, clock=moment, only=keys, ports=ports)
    except OSError as error:
        raise click.ClickException(f"cannot start the simulator: {error}") from None
    except FileNotFoundError as error:
        raise click.ClickException(str(error)) from None
    simulator.start()
    rows = [
        {
            "site": key,
            "family": site.family.name,
            "state": site.state(simulator.now()),
            "url": simulator.base_url(key) + site.family.home_path(site),
        }
        for key, site in simulator.sites.items()
    ]
    click.echo(format_table(rows, ["site", "family", "state", "url"]))
    click.echo(
        f"\nClock: {simulator.now().isoformat()} (set it: GET <url>/_simulator/clock?set=ISO)"
    )
    first = keys[0]
    click.echo(f"Crawl one: portal-archive crawl {first} --fetch-base {simulator.base_url(first)}")
    click.echo("Ctrl-C to stop.")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        simulator.stop()
        click.echo("stopped")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--url", help="The page's URL (one PATH only).")
@click.option(
    "--url-map",
    type=click.File(encoding="utf-8"),
    help="TSV file of PATH<TAB>URL lines, one per saved page.",
)
@click.option("--portal", "portal_id", help="Use this portal's declaration (default: by URL host).")
@click.option("--format", "fmt", type=click.Choice(["json", "jsonl"]), default="json")
def extract(
    paths: tuple[str, ...], url: str | None, url_map: Any, portal_id: str | None, fmt: str
) -> None:
    """Extract articles from saved pages (HTML, or .gz) and print them as JSON."""
    import gzip
    import json

    from crawler.portals import portal_for_url
    from pipelines.extraction import NotAnArticle, extract_article
    from pipelines.extraction.article import ExtractionError

    if url and url_map:
        raise click.UsageError("give --url or --url-map, not both")
    if url and len(paths) > 1:
        raise click.UsageError("--url names one page; use --url-map for several")
    urls = {}
    if url_map:
        for number, line in enumerate(url_map, start=1):
            if not line.strip():
                continue
            path, sep, mapped = line.rstrip("\n").partition("\t")
            if not sep or not mapped.strip():
                raise click.ClickException(f"--url-map line {number}: expected PATH<TAB>URL")
            urls[str(Path(path))] = mapped.strip()
    forced = _portal(portal_id) if portal_id else None
    records = []
    for path in paths:
        page_url = url or urls.get(str(Path(path))) or Path(path).resolve().as_uri()
        portal = forced or portal_for_url(page_url)
        raw = Path(path).read_bytes()
        if path.endswith(".gz"):
            try:
                raw = gzip.decompress(raw)
            except (OSError, EOFError) as error:
                raise click.ClickException(f"{path}: not a valid gzip file ({error})") from None
        record: dict[str, Any] = {"path": path}
        try:
            article = extract_article(page_url, raw, {}, now_iso(), portal)
            record.update(status="ok", **article.as_record())
        except NotAnArticle as not_article:
            record.update(status="not_article", url=page_url, reason=not_article.reason)
        except (ExtractionError, ValueError) as error:
            record.update(status="failed", url=page_url, reason=str(error))
        records.append(record)
    if fmt == "jsonl":
        for record in records:
            click.echo(json.dumps(record, ensure_ascii=False))
    else:
        shown = records[0] if len(records) == 1 else records
        click.echo(json.dumps(shown, ensure_ascii=False, indent=2))
    if all(r["status"] != "ok" for r in records):
        sys.exit(EXIT_CRAWL_FAILED)


@cli.command()
@db_option()
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
    "--jobs",
    type=click.IntRange(min=1),
    default=lambda: os.cpu_count() or 1,
    show_default="all cores",
    help="Extraction processes.",
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
    """
    from archive import reextract as rx
    from archive.warc import warc_dir_for

    if not Path(db_path).exists():
        raise click.ClickException(f"no archive at {db_path} (crawl something first)")
    if portal_id is not None:
        _portal(portal_id)
    folder = Path(warc_dir or warc_dir_for(db_path))
    with _open_store(db_path) as store:
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
        stats = {f"archive/articles/{k}": v for k, v in result.outcomes.items()}
        stats.update({"archive/not_article": result.not_articles, "elapsed_seconds": elapsed})
        stats["archive/extract/failed"] = len(result.failures)
        store.finish_run(run_id, "finished", stats)
    counts = ", ".join(f"{n} {k}" for k, n in sorted(result.outcomes.items())) or "nothing saved"
    click.echo(
        f"Re-extracted {result.captures} captures in {elapsed:.1f} s with {jobs} process(es): "
        f"{counts}; {result.not_articles} not articles; {len(result.failures)} failed."
    )
    for url, error in result.failures[:10]:
        click.echo(f"  failed: {url}: {error}", err=True)


@cli.command()
@db_option()
@click.option(
    "--threshold",
    type=click.FloatRange(0.1, 1.0),
    help="Estimated Jaccard similarity of word 5-shingles from which two texts are near "
    "duplicates (default 0.6: one paragraph of five dropped still matches).",
)
@click.option("--show", type=click.IntRange(min=0), default=5, show_default=True)
def dedupe(db_path: str, threshold: float | None, show: int) -> None:
    """Group exact and near-duplicate articles (across portals too) into clusters.

    Nothing is deleted: each article gets a cluster_id, each cluster a representative (the first
    published). Run it after crawls; only new or changed texts are signed again.
    """
    from archive.dedupe import dedupe as find_duplicates

    if not Path(db_path).exists():
        raise click.ClickException(f"no archive at {db_path} (crawl something first)")
    with _open_store(db_path) as store:
        try:
            result = find_duplicates(store, threshold)
        except StoreError as error:
            raise click.ClickException(str(error)) from None
        click.echo(
            f"{result.articles} articles compared ({result.signed} signed now): "
            f"{result.clusters} duplicate clusters holding {result.clustered_articles} articles, "
            f"{result.cross_portal} across portals, {result.exact} of identical text."
        )
        for cluster_id, size, title, portals in store.db.execute(
            "SELECT c.id, c.size, a.title, (SELECT group_concat(DISTINCT portal) FROM articles m "
            "WHERE m.cluster_id = c.id) FROM clusters c "
            "JOIN articles a ON a.url = c.representative "
            "ORDER BY c.portals DESC, c.size DESC, c.id LIMIT ?",
            [show],
        ):
            click.echo(f"  cluster {cluster_id}: {size} articles ({portals}): {title}")


@cli.command()
@db_option()
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
    default=250_000,
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
    archive are byte-identical.
    """
    from archive.export import FIELDS, ExportError, ExportOptions, export_dataset
    from archive.migrations import needs_migration

    options = ExportOptions(
        out=out,
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
    if Path(db_path).exists() and needs_migration(db_path):
        _open_store(db_path).close()  # bring an older archive's schema up to date first
    bar: Any = None

    def start(total: int) -> None:
        nonlocal bar
        bar = click.progressbar(length=total, label="exporting", file=sys.stderr)
        bar.__enter__()

    try:
        summary = export_dataset(db_path, options, progress=lambda n: bar.update(n), on_total=start)
    except ExportError as error:
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


def _replay_root(portal: Any) -> Path:
    try:
        return replay_root(portal)
    except MissingDataError as error:
        raise click.ClickException(str(error)) from None


def _crawl(
    portal_id: str,
    db_path: str,
    limit: int,
    fetch_base: str | None,
    verbose: bool,
    recheck: bool = False,
    since: str | None = None,
    until: str | None = None,
    settings: dict[str, Any] | None = None,
) -> CrawlResult:
    portal = _portal(portal_id)
    _open_store(db_path).close()  # fail early, before any fetching, on an unusable path
    if fetch_base is None and portal.replay is not None:
        _replay_root(portal)
    started = time.monotonic()
    try:
        with portal_lock(db_path, portal.id):
            with _open_store(db_path) as store:
                recheck_urls = _recheck_targets(store, portal, everything=recheck)
                known = store.known_articles(portal.id)
                listed = store.listed_lastmods(portal.id)
            result = run_crawl(
                portal,
                db_path,
                limit=limit,
                fetch_base=fetch_base,
                log_level="INFO" if verbose else "WARNING",
                recheck=recheck_urls,
                known=known,
                listed=listed,
                since=since,
                until=until,
                settings=settings,
            )
    except LockedError as error:
        raise LockedCrawl(str(error)) from None
    except (MissingDataError, StoreError) as error:
        raise click.ClickException(str(error)) from None
    result.stats["elapsed_seconds"] = round(time.monotonic() - started, 1)
    return result


def _recheck_targets(store: Store, portal: Any, everything: bool) -> list[Any]:
    """Every stored article with --recheck; else the recent ones the portal's revisit policy
    says are due."""
    if everything:
        return store.recheck_targets(portal.id)
    now = datetime.now(UTC)
    return store.recheck_targets(
        portal.id,
        first_seen_after=(now - timedelta(days=portal.revisit.recent_days)).isoformat(
            timespec="seconds"
        ),
        last_seen_before=(now - timedelta(hours=portal.revisit.every_hours)).isoformat(
            timespec="seconds"
        ),
    )


def _print_crawl(result: CrawlResult) -> None:
    s = result.stats
    new = s.get("archive/articles/new", 0)
    updated = s.get("archive/articles/updated", 0)
    unchanged = s.get("archive/articles/unchanged", 0)
    removed = s.get("archive/articles/removed", 0)
    outcome = "finished" if result.ok else f"ENDED: {result.finish_reason}"
    if not s.get("response_received_count", 0):
        outcome = f"FAILED: no answer from {result.fetched_from} (the site may be down or gone)"
    click.echo(
        f"\nCrawl of {result.portal} {outcome}"
        f" in {s.get('elapsed_seconds', 0)} s (run {result.run_id}, fetched from "
        f"{result.fetched_from})"
    )
    click.echo(
        f"  pages fetched: {s.get('response_received_count', 0)}"
        f"   articles: {new} new, {updated} updated, "
        f"{unchanged + s.get('archive/articles/not_modified', 0)} unchanged, "
        f"{removed} removed by the site"
    )
    skipped = {
        "not articles": s.get("archive/not_article", 0),
        "extraction failures": s.get("archive/extract/failed", 0),
        "traps refused": sum(v for k, v in s.items() if k.startswith("portal/links/trap/")),
        "denied links": s.get("portal/links/denied", 0),
        "duplicate article links": s.get("portal/article/duplicate_key", 0),
        "not found (404/410)": _status_count(s, ("404", "410")),
        "other HTTP errors": _status_count(s, None),
        "errors logged": s.get("log_count/ERROR", 0),
    }
    click.echo("  " + ", ".join(f"{name}: {count}" for name, count in skipped.items()))


def _status_count(stats: dict[str, Any], codes: tuple[str, ...] | None) -> int:
    """Responses with the given status codes, or (codes=None) any other error status."""
    prefix = "downloader/response_status_count/"
    ok = ("200", "301", "302", "303", "304", "307", "308", "404", "410")
    total = 0
    for key, value in stats.items():
        if not key.startswith(prefix):
            continue
        code = key.removeprefix(prefix)
        if (codes is not None and code in codes) or (codes is None and code not in ok):
            total += int(value)
    return total


def _print_portal_summary(store: Store, portal_id: str, db_path: str) -> None:
    row = next((r for r in portal_stats(store) if r["portal"] == portal_id), None)
    if row is None or not row["articles"]:
        click.echo("\nNo articles stored.")
        return
    click.echo(
        f"\n{row['articles']} articles from {row['name']}, {row['oldest']} to {row['newest']}"
    )
    click.echo("\nArticles per section:")
    for name, count in sections(store, portal_id):
        click.echo(f"  {count:6d}  {name}")
    click.echo("\nNewest articles:")
    for day, title in newest_titles(store, portal_id):
        click.echo(f"  {day}  {title}")
    click.echo(f"\nThe archive is {Path(db_path).resolve()}. Try:")
    click.echo(f"  portal-archive stats --db {db_path}")
    click.echo(
        f'  sqlite3 {db_path} "SELECT published, title FROM articles ORDER BY published DESC '
        f'LIMIT 10"'
    )
    click.echo(
        f'  sqlite3 {db_path} "SELECT a.title FROM articles_fts f JOIN articles a '
        f"ON a.rowid = f.rowid WHERE articles_fts MATCH 'chuyển đổi số' LIMIT 5\""
    )


def main() -> None:
    cli(prog_name="portal-archive")
