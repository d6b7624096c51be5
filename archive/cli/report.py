"""What a crawl did, for a person: the outcome, the counts, why nothing was stored when nothing
was, and (after ``demo``) a summary of the portal with what to try next."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import click

from archive.db import Store
from archive.runner import CrawlResult
from crawler.outcome import crawl_problem


def why_nothing(stats: dict[str, Any]) -> str | None:
    """Why a crawl stored no article and saw none unchanged; None when it did."""
    kept = ("new", "updated", "unchanged", "not_modified")
    if any(stats.get(f"archive/articles/{outcome}") for outcome in kept):
        return None
    redirect = stats.get("portal/offsite_redirect/last")
    if redirect:
        return f"the site sends its pages elsewhere ({redirect}): it moved, or was merged"
    if stats.get("robotstxt/forbidden") or stats.get("robotstxt/server_error_disallow"):
        return "robots.txt forbids the pages (or could not be read, which means the same)"
    if not stats.get("response_received_count"):
        return None  # said already: no answer at all
    if stats.get("portal/article/known") and not stats.get("portal/article/requested"):
        return "every article linked is in the archive already: nothing new"
    if not stats.get("portal/article/requested"):
        return (
            "no fetched page linked an article URL of this portal's declaration "
            "(is the site's layout still the declared one?)"
        )
    if stats.get("archive/not_article"):
        return "the article pages fetched were not articles (see 'not articles')"
    return "the article pages could not be fetched (see the HTTP errors)"


def command_name() -> str:
    """How to run this command from here: ``portal-archive`` when it is on PATH."""
    if shutil.which("portal-archive"):
        return "portal-archive"
    local = Path(".venv/bin/portal-archive")
    return str(local) if local.exists() else "python -m archive"


def print_crawl(result: CrawlResult, what: str = "Crawl") -> None:
    s = result.stats
    new = s.get("archive/articles/new", 0)
    updated = s.get("archive/articles/updated", 0)
    unchanged = s.get("archive/articles/unchanged", 0)
    removed = s.get("archive/articles/removed", 0)
    outcome = "finished" if result.ok else f"ENDED: {result.finish_reason}"
    if result.failure:
        outcome += f" ({result.failure})"
    problem = crawl_problem(s)
    if problem and result.finish_reason in ("finished", "closespider_itemcount"):
        outcome = f"FAILED: {problem}"
    if not s.get("response_received_count", 0):
        redirect = s.get("portal/offsite_redirect/last")
        outcome = (
            f"FAILED: {result.fetched_from} sends everything to another site"
            if redirect
            else f"FAILED: no answer from {result.fetched_from} (the site may be down or gone)"
        )
    click.echo(
        f"\n{what} of {result.portal} {outcome}"
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
    reason = why_nothing(s)
    if reason:
        click.echo(f"  nothing stored: {reason}")


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


def print_portal_summary(store: Store, portal_id: str, db_path: str) -> None:
    row = next((r for r in store.portal_summaries() if r["portal"] == portal_id), None)
    if row is None or not row["articles"]:
        click.echo("\nNo articles stored.")
        return
    click.echo(
        f"\n{row['articles']} articles from {row['name']}, {row['oldest']} to {row['newest']}"
    )
    click.echo("\nArticles per section:")
    for name, count in store.sections(portal_id):
        click.echo(f"  {count:6d}  {name}")
    click.echo("\nNewest articles:")
    for day, title in store.newest_titles(portal_id):
        click.echo(f"  {day}  {title}")
    command = command_name()
    click.echo(f"\nThe archive is {Path(db_path).resolve()}. Try:")
    click.echo(f"  {command} stats --db {db_path}")
    click.echo(f'  {command} search "chuyển đổi số" --db {db_path}')
    click.echo(f"  {command} serve --db {db_path}     # browse it at http://127.0.0.1:8001/")
    click.echo(
        f'  sqlite3 {db_path} "SELECT published, title FROM articles ORDER BY published DESC '
        f'LIMIT 10"     # with the sqlite3 program (apt-get install sqlite3)'
    )
