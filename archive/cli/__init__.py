"""The ``portal-archive`` command (also ``python -m archive``): a thin layer over archive.api.

One module per command group: ``crawling`` (crawl, backfill, demo), ``reading`` (portals, stats,
status, search), ``datasets`` (export, dedupe, reextract), ``local`` (replay, simulate,
extract). User mistakes end with one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="portal-archive")
def cli() -> None:
    """Crawl Vietnamese provincial and municipal portals into a clean SQLite archive."""


def main() -> None:
    import sqlite3

    from crawler.errors import ArchiveError

    try:
        cli(prog_name="portal-archive")
    except ArchiveError as error:  # one a command did not turn into its own message
        click.echo(f"Error: {error}", err=True)
        raise SystemExit(1) from None
    except sqlite3.DatabaseError as error:  # a damaged file, found halfway through a command
        click.echo(f"Error: {DAMAGED.format(error=error)}", err=True)
        raise SystemExit(1) from None


DAMAGED = (
    "the archive database is damaged ({error}). Copy the file aside, then recover what is "
    "readable: sqlite3 ARCHIVE.db '.recover' | sqlite3 recovered.db"
)


from archive.cli import adding, crawling, datasets, local, reading, recovery  # noqa: E402, F401  (registers commands)
