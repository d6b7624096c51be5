"""Reading commands: ``portals`` (the declarations), ``stats`` (counts per portal) and ``status``
(each portal's fate, for people and monitors)."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Any

import click

from archive.cli import cli
from archive.cli.common import db_option, existing_store, format_table
from archive.status import FROZEN_DAYS


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


@cli.command()
@db_option(created=False)
def stats(db_path: str) -> None:
    """Per-portal article counts, date range and last run."""
    with existing_store(db_path) as store:
        rows = store.portal_summaries()
        total = store.count_articles()
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
def status(db_path: str, as_of: Any, frozen_days: int) -> None:
    """Per portal: fate (alive, gone, redirected, frozen, failing), last good crawl, newest
    article, new articles per run, error rate. Exits 1 when a portal needs a human."""
    from archive.status import portal_statuses

    with existing_store(db_path) as store:
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
