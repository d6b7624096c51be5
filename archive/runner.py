"""Run a crawl of one portal into an archive: settings, replay server, Scrapy process.

Scrapy's reactor runs once per process, so one call of ``run_crawl`` is one process's crawl; the
CLI calls it once per command.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import re
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy.settings import Settings

from archive.replay import ReplayServer
from crawler.portals import Portal

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_ENV = "PORTAL_ARCHIVE_DATA"


class MissingDataError(FileNotFoundError):
    """An offline mirror a portal needs is not where it should be."""


def data_root() -> Path:
    """Where offline mirrors live: $PORTAL_ARCHIVE_DATA, else ../shared/data beside the repo."""
    configured = os.environ.get(DATA_ENV)
    return Path(configured) if configured else REPO_ROOT.parent / "shared" / "data"


def replay_root(portal: Portal) -> Path:
    assert portal.replay is not None
    root = data_root() / portal.replay
    if not root.is_dir():
        raise MissingDataError(
            f"offline mirror for portal {portal.id!r} not found at {root} "
            f"(set {DATA_ENV} to the folder holding {portal.replay.split('/')[0]}/)"
        )
    return root


@dataclass
class CrawlResult:
    portal: str
    db_path: str
    run_id: int | None
    finish_reason: str
    stats: dict[str, Any]
    fetched_from: str

    @property
    def ok(self) -> bool:
        """Finished, and the site answered at least once (a dead site is a failed crawl)."""
        finished = self.finish_reason in ("finished", "closespider_itemcount")
        return finished and self.stats.get("response_received_count", 0) > 0


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class SettingError(ValueError):
    """A ``-s NAME=VALUE`` the crawl cannot use; the message is meant for the user."""


def setting_overrides(pairs: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """``NAME=VALUE`` pairs (``crawl -s``) as settings, each value read as the type of the
    setting's default (int, float, bool); garbage is refused here, before any fetching."""
    defaults = Settings()
    defaults.setmodule("crawler.settings")
    overrides: dict[str, Any] = {}
    for pair in pairs:
        name, separator, value = pair.partition("=")
        name = name.strip()
        if not separator or not re.fullmatch(r"[A-Z][A-Z0-9_]*", name):
            raise SettingError(f"-s takes NAME=VALUE with an upper-case setting name, not {pair!r}")
        default = defaults.get(name)
        try:
            if isinstance(default, bool):
                overrides[name] = Settings({name: value}).getbool(name)
            elif isinstance(default, int):
                overrides[name] = int(value)
            elif isinstance(default, float):
                overrides[name] = float(value)
            else:
                overrides[name] = value
                if name == "ARCHIVE_EXTRACT_FUNCTION":
                    from pipelines.pool import resolve

                    resolve(value)
        except ValueError as error:
            if name == "ARCHIVE_EXTRACT_FUNCTION":
                raise SettingError(f"-s {name}: {error}") from None
            kind = {bool: "true or false", int: "a whole number"}.get(type(default), "a number")
            raise SettingError(f"-s {name}: {value!r} is not {kind}") from None
    return overrides


def crawl_settings(
    portal: Portal,
    db_path: str,
    fetch_base: str,
    limit: int,
    log_level: str,
    progress: bool,
    recheck: list[str] | None = None,
    since: str | None = None,
    until: str | None = None,
    extra: dict[str, Any] | None = None,
) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    overrides: dict[str, Any] = {
        "ARCHIVE_PORTAL": portal.id,
        "ARCHIVE_DB_PATH": db_path,
        "ARCHIVE_FETCH_BASE": fetch_base,
        "ARCHIVE_ARTICLE_LIMIT": limit,
        "ARCHIVE_RECHECK_URLS": list(recheck or []),
        "ARCHIVE_BACKFILL_SINCE": since,
        "ARCHIVE_BACKFILL_UNTIL": until,
        "LOG_LEVEL": log_level,
    }
    if not progress:
        overrides["ARCHIVE_PROGRESS_INTERVAL"] = 0
    if is_loopback(fetch_base):
        overrides.update(settings.getdict("LOOPBACK_SETTINGS"))
    overrides.update(extra or {})
    settings.setdict(overrides, priority="cmdline")
    return settings


def run_crawl(
    portal: Portal,
    db_path: str,
    *,
    limit: int = 0,
    fetch_base: str | None = None,
    log_level: str = "WARNING",
    progress: bool = True,
    recheck: list[str] | None = None,
    known: set[str] | None = None,
    listed: dict[str, str] | None = None,
    since: str | None = None,
    until: str | None = None,
    settings: dict[str, Any] | None = None,
) -> CrawlResult:
    """Crawl ``portal`` into ``db_path``.

    Without ``fetch_base``, a portal with an offline mirror is crawled from a replay server
    started here; any other portal is fetched from its real origin. ``recheck``: stored article
    URLs to fetch again whatever the listings link to. ``known``: the archive's articles of this
    portal (Store.known_articles), not fetched again; ``listed``: what the portal's sitemaps said
    of them last time (Store.listed_lastmods). ``since``: a backfill, walking every listing page
    back to that day; ``until``: articles listed as newer than that day are left out.
    ``settings``: overrides of Scrapy and ARCHIVE_* settings (see ``setting_overrides``).
    """
    from scrapy.crawler import AsyncCrawlerProcess

    from crawler.spiders.portal import PortalSpider

    with ExitStack() as stack:
        if fetch_base is None and portal.replay is not None:
            server = stack.enter_context(ReplayServer(replay_root(portal)))
            fetch_base = server.base_url
        fetch_base = fetch_base or portal.origin
        crawler_settings = crawl_settings(
            portal, db_path, fetch_base, limit, log_level, progress, recheck, since, until, settings
        )
        process = AsyncCrawlerProcess(crawler_settings)
        logging.getLogger("scrapy").setLevel(log_level)
        crawler = process.create_crawler(PortalSpider)
        process.crawl(crawler, portal=portal, known=known or set(), listed=listed or {})
        process.start()
        stats = crawler.stats.get_stats() if crawler.stats else {}
    return CrawlResult(
        portal=portal.id,
        db_path=db_path,
        run_id=stats.get("archive/run_id"),
        finish_reason=str(stats.get("finish_reason", "unknown")),
        stats=stats,
        fetched_from=fetch_base,
    )
