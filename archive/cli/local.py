"""Local commands that need no archive: ``replay`` (a portal's offline mirror on 127.0.0.1),
``simulate`` (the simulated portals) and ``extract`` (saved pages to JSON)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from archive.cli import cli
from archive.cli.common import EXIT_CRAWL_FAILED, format_table, port_option, portal_named
from crawler.clock import now_iso
from crawler.portals import Portal
from simulator.data import MissingDataError, mirror_root


@cli.command()
@click.argument("target", metavar="PORTAL_OR_FOLDER")
@port_option(8000)
def replay(target: str, port: int) -> None:
    """Serve a portal's offline mirror (or any mirror folder) on 127.0.0.1 until Ctrl-C.

    \b
    Example:
      portal-archive replay hanoi-sotttt --port 8000
    """
    from simulator.replay import ReplayServer

    folder = Path(target)
    if not folder.is_dir():
        portal = portal_named(target)
        if portal.replay is None:
            raise click.ClickException(f"portal {target!r} has no offline mirror")
        folder = mirror_folder(portal)
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
    """Serve the simulated portal families on 127.0.0.1 until Ctrl-C.

    \b
    Examples:
      portal-archive simulate
      portal-archive simulate --site honglinh --port 18100 --clock 2025-08-01T00:00+07:00
    """
    import threading
    from datetime import datetime

    from simulator import DEFAULT_CLOCK, SITE_PLANS, Simulator

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
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "jsonl"]),
    default="json",
    help="json: one document (a list for several pages); jsonl: one line per page.",
)
def extract(
    paths: tuple[str, ...], url: str | None, url_map: Any, portal_id: str | None, fmt: str
) -> None:
    """Extract articles from saved pages (HTML, or .gz) and print them as JSON.

    \b
    Examples:
      portal-archive extract page.html --url https://honglinh.hatinh.gov.vn/portal/pages/...
      portal-archive extract *.html.gz --url-map urls.tsv --format jsonl
    """
    import json

    from crawler.portals import portal_for_url
    from pipelines.extraction import NotAnArticle, extract_article
    from pipelines.extraction.article import ExtractionError
    from pipelines.extraction.core import MAX_PAGE_BYTES

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
    forced = portal_named(portal_id) if portal_id else None
    records = []
    for path in paths:
        page_url = url or urls.get(str(Path(path))) or Path(path).resolve().as_uri()
        portal = forced or portal_for_url(page_url)
        try:
            raw = read_page_file(path, MAX_PAGE_BYTES)
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


def read_page_file(path: str, limit: int) -> bytes:
    """The page in ``path`` (gunzipped if it ends in .gz), read no further than ``limit`` + 1
    bytes: a gzip bomb or /dev/zero costs that much, and the extractor refuses it as too big."""
    import gzip

    if path.endswith(".gz"):
        with gzip.open(path, "rb") as packed:
            return packed.read(limit + 1)
    with open(path, "rb") as plain:
        return plain.read(limit + 1)


def mirror_folder(portal: Portal) -> Path:
    assert portal.replay is not None
    try:
        return mirror_root(portal.id, portal.replay)
    except MissingDataError as error:
        raise click.ClickException(str(error)) from None
