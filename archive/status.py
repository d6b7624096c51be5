"""How each portal is doing, for ``portal-archive status`` and whoever watches the cron mail.

Every portal with runs in the archive gets a fate, from its recent runs and articles:

- ``alive``: it answers and publishes;
- ``gone``: the last crawls got no answer at all (connections refused, dropped, timed out);
- ``redirected``: it answers only with a redirect to another site (a merged province, say);
- ``frozen``: it answers, but its newest article is older than ``frozen_days``;
- ``failing``: its last crawl ended badly (a full disk, a crash, killed) or too many of its
  pages failed (pages given up after their retries, and extraction failures);
- ``running``: a crawl of it is under way (its lock is held), which needs nobody.

Anything but ``alive`` and ``running`` needs a human. A run still marked running whose lock is
free was killed; the next crawl of the portal marks it ``interrupted``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
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

    @property
    def needs_attention(self) -> bool:
        return self.fate not in ("alive", "running")


def portal_statuses(
    store: Store, now: datetime, frozen_days: int = FROZEN_DAYS
) -> list[PortalStatus]:
    return [_status(store, portal, now, frozen_days) for portal in store.crawled_portals()]


def _status(store: Store, portal: str, now: datetime, frozen_days: int) -> PortalStatus:
    runs = store.recent_crawls(portal, RECENT_RUNS)
    count, newest = store.newest_day(portal)
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
