"""How each portal is doing, for ``portal-archive status`` and whoever watches the cron mail.

Every portal with runs in the archive gets a fate, from its recent runs and articles:

- ``alive``: it answers and publishes;
- ``gone``: the last crawls got no answer at all (connections refused, dropped, timed out);
- ``redirected``: it answers only with a redirect to another site (a merged province, say);
- ``frozen``: it answers, but its newest article is older than ``frozen_days``;
- ``failing``: its last crawl ended badly (a full disk, a crash, killed) or too many of its
  pages failed (pages given up after their retries, and extraction failures);
- ``running``: a crawl of it is under way (its lock is held), which needs nobody;
- ``recovered``: never crawled live, its articles come from web archives or imported files.

Every portal also shows its live and recovered articles and the days they were captured.
Anything but ``alive``, ``running`` and ``recovered`` needs a human. A run still marked running
whose lock is free was killed; the next crawl of the portal marks it ``interrupted``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from archive.db import Store
from archive.locks import is_held

FROZEN_DAYS = 60
RECENT_RUNS = 5
MAX_FAILURE_RATE = 0.1  # extraction failures per article page, last crawl


@dataclass(frozen=True)
class PortalStatus:
    portal: str
    fate: str
    detail: str
    articles: int
    newest: str | None  # newest published day
    last_ok: str | None  # when the last successful crawl finished
    new_per_run: float  # over the last runs
    error_rate: float  # last crawl: extraction failures and HTTP errors per page
    live: int = 0  # articles fetched from the site
    recovered: int = 0  # articles recovered from web archives or imported from files
    captured_from: str | None = None  # first and last capture day of its articles
    captured_to: str | None = None

    @property
    def needs_attention(self) -> bool:
        return self.fate not in ("alive", "running", "recovered")


def portal_statuses(
    store: Store, now: datetime, frozen_days: int = FROZEN_DAYS
) -> list[PortalStatus]:
    crawled = set(store.crawled_portals())
    portals = sorted(crawled | set(store.portals_with_articles()))
    return [
        _with_sources(store, _status(store, portal, now, frozen_days, portal in crawled))
        for portal in portals
    ]


def _with_sources(store: Store, status: PortalStatus) -> PortalStatus:
    sources = store.articles_by_source(status.portal)
    days = [day for _, first, last in sources.values() for day in (first, last) if day]
    return replace(
        status,
        live=sources.get("live", (0, "", ""))[0],
        recovered=sum(count for source, (count, _, _) in sources.items() if source != "live"),
        captured_from=min(days) if days else None,
        captured_to=max(days) if days else None,
    )


def _status(
    store: Store, portal: str, now: datetime, frozen_days: int, crawled: bool = True
) -> PortalStatus:
    count, newest = store.newest_day(portal)
    if not crawled:
        detail = "never crawled live: its articles come from web archives or imported files"
        return PortalStatus(portal, "recovered", detail, count, newest, None, 0.0, 0.0)
    runs = store.recent_crawls(portal, RECENT_RUNS)
    last_ok = store.last_good_crawl(portal)
    last = runs[0]
    stats = json.loads(last["stats"] or "{}")
    pages = stats.get("response_received_count", 0) or 0
    # Pages given up (after their retries), not responses: a 503 retried twice is one failure.
    failures = stats.get("archive/extract/failed", 0) + stats.get("retry/max_reached", 0)
    error_rate = min(1.0, failures / pages) if pages else 1.0
    if last["status"] == "running":
        running = is_held(store.path, portal)
        fate, detail = (
            ("running", "a crawl is under way")
            if running
            else ("failing", "the last crawl was interrupted (killed); the next one resumes")
        )
        error_rate = 0.0 if running else error_rate
    else:
        fate, detail = _fate(last, stats, newest, now, frozen_days, error_rate)
    new_per_run = sum(r["articles_new"] or 0 for r in runs) / len(runs)
    return PortalStatus(
        portal, fate, detail, count, newest, last_ok, round(new_per_run, 1), round(error_rate, 3)
    )


def _fate(
    last: dict[str, Any],
    stats: dict[str, Any],
    newest: str | None,
    now: datetime,
    frozen_days: int,
    error_rate: float,
) -> tuple[str, str]:
    redirect = stats.get("portal/offsite_redirect/last")
    if redirect and not stats.get("archive/articles/new") and (last["pages"] or 0) <= 2:
        return "redirected", f"redirects to {redirect}"
    if last["status"] == "no_response":
        return "gone", "no answer from the site in the last crawl"
    if last["status"] != "finished":
        return "failing", f"last crawl ended: {last['status']}"
    if error_rate > MAX_FAILURE_RATE:
        return "failing", f"{error_rate:.0%} of pages failed in the last crawl"
    if newest is None:
        return "frozen", "no dated article stored"
    quiet = now.date() - datetime.fromisoformat(newest).date()
    if quiet > timedelta(days=frozen_days):
        return "frozen", f"nothing new for {quiet.days} days"
    return "alive", ""
