"""``portal-archive add URL``: learn a portal nobody declared, and write its declaration."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from archive.cli import cli
from archive.cli.common import portals_dir_option, user_errors

if TYPE_CHECKING:
    from crawler.inference.declare import Inference

LEVELS = ["province", "city", "town", "district", "commune", "department"]
KINDS = ["government", "party", "newspaper", "council"]


@cli.command()
@click.argument("url")
@click.option("--id", "portal_id", help="The portal's id [default: from its host name].")
@click.option("--name", help="The portal's name [default: the registry's, else its home page's].")
@click.option("--province", help="Its province (before 2025) [default: from the registry].")
@click.option("--province-after-2025", help="Its province after 1 July 2025.")
@click.option("--level", type=click.Choice(LEVELS), help="[default: from the registry]")
@click.option("--kind", type=click.Choice(KINDS), help="[default: from the registry]")
@click.option(
    "--fetch-base",
    metavar="URL",
    help="Probe a local copy (mirror or simulator, scheme://host:port) instead of the site.",
)
@click.option(
    "--budget",
    type=click.IntRange(5, 200),
    default=40,
    show_default=True,
    help="At most this many requests (robots.txt and the home page included).",
)
@click.option(
    "--delay",
    type=click.FloatRange(0, 60),
    help="Seconds between requests [default: 1, none on 127.0.0.1].",
)
@click.option("--force", is_flag=True, help="Replace a declaration file written before.")
@portals_dir_option
def add(
    url: str,
    portal_id: str | None,
    name: str | None,
    province: str | None,
    province_after_2025: str | None,
    level: str | None,
    kind: str | None,
    fetch_base: str | None,
    budget: int,
    delay: float | None,
    force: bool,
) -> None:
    """Learn the portal at URL and write its declaration into the portals folder.

    The site is probed politely (robots.txt, the home page, then at most --budget pages):
    its platform, which URLs are articles and listings, which are traps, and the selectors of
    its articles' fields. The file says what was inferred from what; read it, edit it if need
    be, then crawl the portal by its id like a bundled one.

    \b
    Examples:
      portal-archive add https://honglinh.hatinh.gov.vn/portal/pages/default.aspx
      portal-archive add https://sotttt.hanoi.gov.vn/vi/trang-chu.html --fetch-base http://127.0.0.1:8000
    """
    from archive.autodeclare import declare
    from crawler.inference.declare import PortalFacts
    from crawler.inference.writing import write_declaration
    from crawler.portals import portal_for_url, portals_dir, reload_portals
    from crawler.urls import with_scheme

    known = portal_for_url(with_scheme(url))
    if known is not None and not force:
        raise click.ClickException(
            f"{url} is declared already, as {known.id!r} (--force learns it again)"
        )
    facts = PortalFacts(
        id=portal_id,
        name=name,
        province=province or "",
        province_after_2025=province_after_2025,
        level=level or "unknown",
        kind=kind or "government",
    )
    click.echo(f"Probing {url} (at most {budget} requests)...")
    with user_errors():
        declared = declare(url, facts, fetch_base=fetch_base, budget=budget, delay=delay)
    inference = declared.inference
    try:
        target = write_declaration(inference, portals_dir(), force=force)
    except (FileExistsError, OSError, ValueError) as error:
        raise click.ClickException(str(error)) from None
    reload_portals()
    portal = inference.portal
    click.echo(f"\nPlatform: {inference.platform}; {inference.requests} requests")
    click.echo(f"Articles: {portal.article_pattern}")
    click.echo(f"Listings: {portal.listing_pattern}")
    chosen = {k: v for k, v in vars(portal.selectors).items() if v}
    click.echo("Selectors: " + (", ".join(f"{k}={v!r}" for k, v in chosen.items()) or "none"))
    click.echo(_coverage(inference))
    click.echo(f"\nPreview of {len(declared.preview)} articles, as they would be stored:")
    for row in declared.preview:
        if "error" in row:
            click.echo(f"  {row['url']}\n    not an article: {row['error']}")
            continue
        click.echo(f"  {row['url']}\n    {row['published'] or 'no date'} | {row['title']}")
        byline = f"by {row['author']} | " if row["author"] else ""
        click.echo(f"    {byline}{row['words']} words; lead: {(row['lead'] or '-')[:90]}")
    click.echo(f"\nWrote {target}")
    click.echo(
        f"Crawl it with: portal-archive crawl {portal.id} --portals-dir {Path(target).parent}"
    )


def _coverage(inference: Inference) -> str:
    portal = inference.portal
    seen = {link for page in inference.pages.values() for link in page.links}
    articles = sum(1 for link in seen if portal.is_article(link))
    return (
        f"Probe coverage: {len(inference.pages)} pages read, {len(seen)} distinct links seen, "
        f"{articles} of them articles; {len(inference.article_groups)} article and "
        f"{len(inference.listing_groups)} listing URL shapes"
    )
