"""Reading commands: ``portals`` (the declarations), ``stats`` (counts per portal), ``status``
(each portal's fate, for people and monitors) and ``search``. Each takes ``--json``."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import Any

import click

from archive.api import Archive
from archive.cli import DAMAGED, cli
from archive.cli.common import (
    db_option,
    existing_store,
    format_table,
    port_option,
    portals_dir_option,
    require_archive,
    user_errors,
)
from archive.search import marked, starred
from archive.status import FROZEN_DAYS

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")


def print_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


@cli.command()
@json_option
@click.option(
    "--registry",
    "from_registry",
    is_flag=True,
    help="List the registry of real portals this project knows (crawler/data/registry.csv) "
    "instead of the declared ones.",
)
@click.option(
    "--after-2025",
    is_flag=True,
    help="With --registry: only the portals of the 34 provinces after 1 July 2025.",
)
@portals_dir_option
def portals(as_json: bool, from_registry: bool, after_2025: bool) -> None:
    """List the declared portals (bundled, and in the portals folder), or the registry.

    \b
    Examples:
      portal-archive portals --json
      portal-archive portals --registry --after-2025
    """
    from crawler.portals import all_portals

    if after_2025 and not from_registry:
        raise click.UsageError("--after-2025 goes with --registry")
    if from_registry:
        _print_registry(as_json, after_2025)
        return
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
    if as_json:
        print_json(rows)
        return
    click.echo(format_table(rows, list(rows[0]) if rows else ["id"]))


def _print_registry(as_json: bool, after_2025: bool) -> None:
    from dataclasses import asdict

    from crawler.registry import registry

    entries = [e for e in registry() if e.continues_after_2025 or not after_2025]
    if as_json:
        print_json([asdict(e) for e in entries])
        return
    columns = ["domain", "province", "province_after_2025", "level", "kind", "platform"]
    click.echo(format_table([asdict(e) for e in entries], columns))
    click.echo(f"\n{len(entries)} sites; sources: crawler/data/registry.csv (its 'source' column)")


@cli.command()
@db_option(created=False)
@json_option
@click.option(
    "--check",
    is_flag=True,
    help="Also read every page of the database for damage (SQLite quick_check); exit 1 if any.",
)
def stats(db_path: str, as_json: bool, check: bool) -> None:
    """Per-portal article counts, date range and last run.

    \b
    Example:
      portal-archive stats --db news.db
      portal-archive stats --db news.db --check   # and look for damaged pages
    """
    with existing_store(db_path) as store:
        damage = store.damage() if check else []
        if damage:
            raise click.ClickException(DAMAGED.format(error="; ".join(damage[:3])))
        rows = store.portal_summaries()
        total = store.count_articles()
    if as_json:
        print_json({"articles": total, "portals": rows})
        return
    if not rows:
        click.echo(f"{db_path}: empty archive")
        return
    click.echo(format_table(rows, list(rows[0])))
    click.echo(f"\n{total} articles in {db_path}")


@cli.command()
@db_option(created=False)
@click.option(
    "--now",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]),
    help="Judge as of this day (default: today).",
)
@click.option(
    "--frozen-days",
    type=click.IntRange(min=1),
    default=FROZEN_DAYS,
    show_default=True,
    help="A site whose newest article is older than this is frozen.",
)
@json_option
def status(db_path: str, as_of: Any, frozen_days: int, as_json: bool) -> None:
    """Per portal: fate (alive, gone, redirected, frozen, failing), last good crawl, newest
    article, new articles per run, error rate. Exits 1 when a portal needs a human.

    A simulated or mirrored portal lives in its own time: judge it with --now (the simulator's
    clock is 2025-06-15 by default).

    \b
    Examples:
      portal-archive status --db news.db
      portal-archive status --db demo.db --now 2022-09-01 --json
    """
    from dataclasses import asdict

    from archive.status import portal_statuses

    with existing_store(db_path) as store:
        rows = portal_statuses(store, as_of or datetime.now(), frozen_days)
    if as_json:
        print_json([{**asdict(r), "needs_attention": r.needs_attention} for r in rows])
        sys.exit(1 if any(r.needs_attention for r in rows) else 0)
    if not rows:
        click.echo(f"{db_path}: no crawls yet")
        return
    table = [
        {
            "portal": r.portal,
            "fate": r.fate,
            "articles": r.articles,
            "live": r.live,
            "recovered": r.recovered,
            "captured": f"{r.captured_from} – {r.captured_to}" if r.captured_from else "",
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
    if any(r.fate == "frozen" for r in rows) and as_of is None:
        click.echo(
            f"\n(judged as of today, {datetime.now():%Y-%m-%d}: a simulated or mirrored portal "
            "lives in its own time; judge it with --now DAY, e.g. --now 2025-06-15 for the "
            "simulator)"
        )
    if attention:
        click.echo(f"\n{len(attention)} portal(s) need attention: {', '.join(attention)}")
        sys.exit(1)


@cli.command()
@click.argument("query")
@db_option(created=False)
@click.option("--portal", help="Only this portal's articles.")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), help="Published on or after.")
@click.option("--until", type=click.DateTime(formats=["%Y-%m-%d"]), help="Published on or before.")
@click.option(
    "--limit",
    type=click.IntRange(1, 1000),
    default=10,
    show_default=True,
    help="How many articles to print.",
)
@click.option("--raw", is_flag=True, help='QUERY is an FTS5 expression (OR, NEAR, "phrases").')
@json_option
def search(
    query: str,
    db_path: str,
    portal: str | None,
    since: Any,
    until: Any,
    limit: int,
    raw: bool,
    as_json: bool,
) -> None:
    """Articles holding every word of QUERY, best first. Accents may be left out (đ too):
    "dang bo" finds "Đảng bộ".

    \b
    Examples:
      portal-archive search "chuyển đổi số" --db news.db
      portal-archive search "dang bo" --portal honglinh --since 2024-01-01 --json
    """
    require_archive(db_path)
    with user_errors():
        rows = Archive(db_path).search(
            query,
            limit,
            portal,
            since.date() if since else None,
            until.date() if until else None,
            raw=raw,
        )
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo(f"nothing found for {query!r}")
        return
    for number, row in enumerate(rows, start=1):
        day = (row["published"] or "")[:10] or "undated"
        title = starred(marked(row["title"], query))
        click.echo(f"{number:>3}. {day}  {row['portal']}  {title}")
        click.echo(f"     {row['snippet']}")
        click.echo(f"     {row['url']}")


@cli.command()
@db_option(created=False)
@port_option(8001)
def serve(db_path: str, port: int) -> None:
    """Browse and search the archive in a web browser, until Ctrl-C: Datasette on 127.0.0.1,
    read-only (a crawl may write meanwhile). Pages: / (portals, their fate, articles per
    month), /-/search (accents optional, facets), each article with its provenance and the
    captured page, and Datasette's tables and SQL.

    \b
    Example:
      portal-archive serve --db news.db --port 8001    # then open http://127.0.0.1:8001/
    """
    from archive.web import make_app
    from archive.web import serve as serve_archive

    with user_errors():
        make_app(db_path)  # a missing or unreadable archive is one line, before listening
    click.echo(f"Serving {db_path} at http://127.0.0.1:{port}/ (read-only; Ctrl-C to stop)")
    try:
        serve_archive(db_path, port)
    except OSError as error:
        raise click.ClickException(f"cannot serve on 127.0.0.1:{port}: {error}") from None
