"""What the command groups share: the --db and -s options, exit codes, and turning the API's
errors into one line for the user (never a traceback)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from archive.api import ArchiveError
from archive.db import Store, StoreError
from archive.locks import LockedError
from crawler.portals import Portal, UnknownPortalError, get_portal

EXIT_CRAWL_FAILED = 1  # also: every portal of a multi-portal crawl failed
EXIT_PARTIAL = 3  # some portals failed, the others were crawled
EXIT_LOCKED = 75  # EX_TEMPFAIL: the same crawl is already running; cron can try later
DEFAULT_DB = "portal-archive.db"


class LockedCrawl(click.ClickException):
    exit_code = EXIT_LOCKED


def db_option(default: str = DEFAULT_DB, created: bool = True) -> Callable[[Any], Any]:
    return click.option(
        "--db",
        "db_path",
        default=lambda: os.environ.get("PORTAL_ARCHIVE_DB", default),
        show_default=f"$PORTAL_ARCHIVE_DB or {default}",
        type=click.Path(dir_okay=False),
        help="SQLite archive file" + (" (created if missing)." if created else "."),
    )


def port_option(default: int) -> Callable[[Any], Any]:
    return click.option(
        "--port",
        type=click.IntRange(0, 65535),
        default=default,
        show_default=True,
        help="Port on 127.0.0.1.",
    )


def _use_portals_dir(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """Point the declarations at the chosen portals folder before the command reads them."""
    from crawler.portals import PORTALS_ENV, reload_portals

    if value:
        os.environ[PORTALS_ENV] = value
        reload_portals()


portals_dir_option = click.option(
    "--portals-dir",
    type=click.Path(file_okay=False),
    envvar="PORTAL_ARCHIVE_PORTALS",
    is_eager=True,
    expose_value=False,
    callback=_use_portals_dir,
    help="Folder of your portal declarations (written by `add`). "
    "[default: $PORTAL_ARCHIVE_PORTALS or ./portals]",
)


settings_option = click.option(
    "-s",
    "--set",
    "setting_pairs",
    multiple=True,
    metavar="NAME=VALUE",
    help="Set a Scrapy or ARCHIVE_* setting for this run, e.g. -s ARCHIVE_EXTRACT_WORKERS=1 "
    "(repeatable).",
)


quiet_option = click.option(
    "-q", "--quiet", is_flag=True, help="No progress lines, only the summary at the end."
)


@contextmanager
def user_errors() -> Iterator[None]:
    """The API's errors as one line and exit status 1 (75 for a crawl already running)."""
    try:
        yield
    except LockedError as error:
        raise LockedCrawl(str(error)) from None
    except ArchiveError as error:
        raise click.ClickException(str(error)) from None


def portal_named(portal_id: str) -> Portal:
    try:
        return get_portal(portal_id)
    except UnknownPortalError as error:
        raise click.ClickException(str(error)) from None


def open_store(db_path: str | Path) -> Store:
    try:
        return Store(db_path)
    except StoreError as error:
        raise click.ClickException(str(error)) from None


def require_archive(db_path: str) -> None:
    """A read-only command needs the archive to exist already."""
    if not Path(db_path).exists():
        raise click.ClickException(f"no archive at {db_path} (crawl something first)")


def existing_store(db_path: str) -> Store:
    """The archive at ``db_path``, which must exist already, opened."""
    require_archive(db_path)
    return open_store(db_path)


def format_table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    cells = [[str(row.get(c) if row.get(c) is not None else "-") for c in columns] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join(line.rstrip() for line in lines)
