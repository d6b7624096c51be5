"""A crawl's options: every one is a Scrapy setting, read and validated here, once.

The command line's flags (``--db``, ``--limit``, ``--since``...) are shorthands for these
settings, and ``-s NAME=VALUE`` sets any of them (or any Scrapy setting) directly. Either way the
values meet the same validators before anything is fetched, and a bad one is one line for the
user (``SettingError``), never a traceback from inside the crawl.

``-s`` may not name the database or the portal: those are the command's own arguments, and a
second, different value would split one crawl between two archives.
"""

from __future__ import annotations

import difflib
import importlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from weakref import WeakKeyDictionary

from scrapy.settings import BaseSettings, Settings, default_settings

from crawler.errors import ArchiveError
from crawler.mementos import RecoverySourceError, WebArchive, web_archive
from crawler.portals import Portal, UnknownPortalError, get_portal
from crawler.urls import site_of

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

SETTINGS_MODULE = "crawler.settings"
RECHECK_CHOICES = ("due", "all")
# Named by the command's arguments (--db, PORTAL); -s may not set them a second time.
ARGUMENT_SETTINGS = {"ARCHIVE_DB_PATH": "--db", "ARCHIVE_PORTAL": "the PORTAL argument"}


class SettingError(ArchiveError, ValueError):
    """A setting the crawl cannot use; the message is meant for the user."""


def project_settings(overrides: dict[str, Any] | None = None) -> Settings:
    """Scrapy's defaults, then ours (``crawler/settings.py``), then ``overrides``."""
    settings = Settings()
    settings.setmodule(SETTINGS_MODULE, priority="project")
    if overrides:
        settings.setdict(overrides, priority="cmdline")
    return settings


def known_setting_names() -> set[str]:
    ours = importlib.import_module(SETTINGS_MODULE)
    return {
        name
        for module in (default_settings, ours)
        for name in vars(module)
        if re.fullmatch(r"[A-Z][A-Z0-9_]*", name)
    }


def parse_setting_pairs(pairs: Iterable[str]) -> dict[str, Any]:
    """``NAME=VALUE`` pairs (``-s``) as settings: the name must be a Scrapy setting or one of
    ours, and the value is read as the type of the setting's default (bool, int, float)."""
    defaults = project_settings()
    overrides: dict[str, Any] = {}
    for pair in pairs:
        name, separator, value = pair.partition("=")
        name = name.strip()
        if not separator or not re.fullmatch(r"[A-Z][A-Z0-9_]*", name):
            raise SettingError(f"-s takes NAME=VALUE with an upper-case setting name, not {pair!r}")
        overrides[name] = _typed(name, value, defaults.get(name))
    check_setting_names(overrides)
    return overrides


def check_setting_names(overrides: dict[str, Any]) -> None:
    """Each name must be a Scrapy setting or one of ours, and not one the command's arguments
    give (the database, the portal)."""
    known = known_setting_names()
    for name in overrides:
        if name in ARGUMENT_SETTINGS:
            raise SettingError(f"-s {name}: give it with {ARGUMENT_SETTINGS[name]} instead")
        if name not in known:
            close = difflib.get_close_matches(name, sorted(known), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise SettingError(f"-s {name}: no such setting{hint}")


def _typed(name: str, value: str, default: Any) -> Any:
    try:
        if isinstance(default, bool):
            return Settings({name: value}).getbool(name)
        if isinstance(default, int):
            return int(value)
        if isinstance(default, float):
            return float(value)
    except ValueError:
        kind = {bool: "true or false", int: "a whole number"}.get(type(default), "a number")
        raise SettingError(f"-s {name}: {value!r} is not {kind}") from None
    return value


# validators ---------------------------------------------------------------------------------


def _day(name: str) -> Callable[[Any], date | None]:
    def read(value: Any) -> date | None:
        if value in (None, ""):
            return None
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise SettingError(f"{name}: {value!r} is not a day (YYYY-MM-DD)") from None

    return read


def _whole(name: str, minimum: int = 0) -> Callable[[Any], int]:
    def read(value: Any) -> int:
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise SettingError(f"{name}: {value!r} is not a whole number") from None
        if number < minimum:
            raise SettingError(f"{name}: {number} is below {minimum}")
        return number

    return read


def _positive(name: str) -> Callable[[Any], float]:
    def read(value: Any) -> float:
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise SettingError(f"{name}: {value!r} is not a number") from None
        if not number > 0:
            raise SettingError(f"{name}: {value!r} must be above 0")
        return number

    return read


def fetch_base_url(value: str) -> str:
    """``scheme://host[:port]`` to fetch from; a path, a missing scheme or host is refused."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingError(
            f"fetch base {value!r} is not a URL like http://127.0.0.1:8000 (scheme and host)"
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise SettingError(
            f"fetch base {value!r} has a path; give only scheme://host:port "
            f"({parts.scheme}://{parts.netloc})"
        )
    try:
        parts.port  # noqa: B018 - raises on a port out of range
    except ValueError as error:
        raise SettingError(f"fetch base {value!r}: {error}") from None
    return f"{parts.scheme}://{parts.netloc}"


def _extract_function(value: Any) -> str:
    module, _, name = str(value).rpartition(".")
    try:
        function = getattr(importlib.import_module(module), name) if module else None
    except ImportError as error:
        raise SettingError(f"ARCHIVE_EXTRACT_FUNCTION: cannot import {value!r}: {error}") from None
    except AttributeError:
        function = None
    if not callable(function):
        raise SettingError(f"ARCHIVE_EXTRACT_FUNCTION: {value!r} is not a function")
    return str(value)


@dataclass(frozen=True)
class CrawlOptions:
    """What one crawl is asked to do, typed and checked (from the ARCHIVE_* settings)."""

    portal: Portal
    db_path: Path
    fetch_base: str  # scheme://host:port the pages are fetched from
    limit: int  # stop scheduling articles after this many (0: no limit)
    recheck: str  # which stored articles to fetch again: "due" (revisit policy) or "all"
    stale_listing_limit: int  # listing pages in a row without news before paging stops
    since: date | None  # backfill: walk listings back to this day
    until: date | None  # backfill: leave out articles listed as newer than this day
    progress_interval: float  # seconds between progress lines (0: none)
    warc_enabled: bool
    warc_dir: Path | None
    warc_max_bytes: int
    extract_workers: int  # 0: one per core
    extract_timeout: float
    extract_function: str
    max_links: int  # links read per page (0: all)

    recover_from: str | None = None  # recover: the web archive (``--from``); None for a crawl
    import_files: tuple[str, ...] = ()  # import: the WARC, ARC and WACZ files read

    @property
    def command(self) -> str:
        """How the run is recorded: a backfill walks history, a crawl takes what is new, a
        recovery reads a web archive."""
        if self.recover_from:
            return "recover"
        if self.import_files:
            return "import"
        return "backfill" if self.since is not None or self.until is not None else "crawl"

    @property
    def fetch_host(self) -> str:
        """The site a crawl stays on: host, and port unless the scheme's usual one."""
        return site_of(self.fetch_base)

    @classmethod
    def of(cls, crawler: Crawler) -> CrawlOptions:
        """The options of ``crawler``'s crawl, read from its settings once: the spider, the
        session, the middlewares, the pipelines and the progress line all ask here."""
        options = _OPTIONS.get(crawler)
        if options is None:
            options = _OPTIONS[crawler] = cls.from_settings(crawler.settings)
        return options

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> CrawlOptions:
        """Read and check every ARCHIVE_* setting; SettingError names the first bad one."""
        portal_id = settings.get("ARCHIVE_PORTAL")
        if not portal_id:
            raise SettingError("ARCHIVE_PORTAL: no portal given")
        try:
            portal = portal_id if isinstance(portal_id, Portal) else get_portal(str(portal_id))
        except UnknownPortalError as error:
            raise SettingError(str(error)) from None
        db_path = settings.get("ARCHIVE_DB_PATH")
        if not db_path:
            raise SettingError("ARCHIVE_DB_PATH: no database given")
        recheck = str(settings.get("ARCHIVE_RECHECK") or "due")
        if recheck not in RECHECK_CHOICES:
            raise SettingError(
                f"ARCHIVE_RECHECK: {recheck!r} is not one of {', '.join(RECHECK_CHOICES)}"
            )
        since = _day("ARCHIVE_BACKFILL_SINCE")(settings.get("ARCHIVE_BACKFILL_SINCE"))
        until = _day("ARCHIVE_BACKFILL_UNTIL")(settings.get("ARCHIVE_BACKFILL_UNTIL"))
        if since and until and until < since:
            raise SettingError(f"--until {until} is before --since {since}")
        warc_dir = settings.get("ARCHIVE_WARC_DIR")
        progress = settings.get("ARCHIVE_PROGRESS_INTERVAL")
        try:
            progress_interval = max(0.0, float(progress or 0))
        except (TypeError, ValueError):
            raise SettingError(f"ARCHIVE_PROGRESS_INTERVAL: {progress!r} is not a number") from None
        return cls(
            portal=portal,
            db_path=Path(db_path),
            fetch_base=fetch_base_url(settings.get("ARCHIVE_FETCH_BASE") or portal.origin),
            limit=_whole("ARCHIVE_ARTICLE_LIMIT")(settings.get("ARCHIVE_ARTICLE_LIMIT") or 0),
            recheck=recheck,
            stale_listing_limit=_whole("ARCHIVE_STALE_LISTING_LIMIT")(
                settings.get("ARCHIVE_STALE_LISTING_LIMIT")
            ),
            since=since,
            until=until,
            progress_interval=progress_interval,
            warc_enabled=settings.getbool("ARCHIVE_WARC_ENABLED"),
            warc_dir=Path(warc_dir) if warc_dir else None,
            warc_max_bytes=_whole("ARCHIVE_WARC_MAX_BYTES", 1)(
                settings.get("ARCHIVE_WARC_MAX_BYTES")
            ),
            extract_workers=_whole("ARCHIVE_EXTRACT_WORKERS")(
                settings.get("ARCHIVE_EXTRACT_WORKERS")
            ),
            extract_timeout=_positive("ARCHIVE_EXTRACT_TIMEOUT")(
                settings.get("ARCHIVE_EXTRACT_TIMEOUT")
            ),
            extract_function=_extract_function(settings.get("ARCHIVE_EXTRACT_FUNCTION")),
            max_links=_whole("ARCHIVE_MAX_LINKS_PER_PAGE")(
                settings.get("ARCHIVE_MAX_LINKS_PER_PAGE")
            ),
            recover_from=settings.get("ARCHIVE_RECOVER_FROM") or None,
            import_files=tuple(settings.getlist("ARCHIVE_IMPORT_FILES")),
        )


@dataclass(frozen=True)
class RecoverOptions:
    """What a recovery from a web archive is asked to do (the ARCHIVE_RECOVER_* settings)."""

    archive: WebArchive
    captured_since: date | None  # captures (mementos) from this day
    captured_until: date | None  # ... to this day
    all_versions: bool  # every distinct version, not only the earliest good capture
    delay: float  # seconds between requests to an archive not on 127.0.0.1

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> RecoverOptions:
        spec = settings.get("ARCHIVE_RECOVER_FROM")
        if not spec:
            raise SettingError("ARCHIVE_RECOVER_FROM: no web archive given")
        try:
            archive = web_archive(
                str(spec),
                str(settings.get("ARCHIVE_RECOVER_CC_INDEX")),
                str(settings.get("ARCHIVE_RECOVER_CC_DATA")),
            )
        except RecoverySourceError as error:
            raise SettingError(str(error)) from None
        since = _day("--captured-since")(settings.get("ARCHIVE_RECOVER_CAPTURED_SINCE"))
        until = _day("--captured-until")(settings.get("ARCHIVE_RECOVER_CAPTURED_UNTIL"))
        if since and until and until < since:
            raise SettingError(f"--captured-until {until} is before --captured-since {since}")
        for name in ("ARCHIVE_RECOVER_BACKOFF", "ARCHIVE_RECOVER_BACKOFF_MAX"):
            _positive(name)(settings.get(name))
        _whole("ARCHIVE_RECOVER_RETRIES")(settings.get("ARCHIVE_RECOVER_RETRIES"))
        return cls(
            archive=archive,
            captured_since=since,
            captured_until=until,
            all_versions=settings.getbool("ARCHIVE_RECOVER_ALL_VERSIONS"),
            delay=_positive("ARCHIVE_RECOVER_DELAY")(settings.get("ARCHIVE_RECOVER_DELAY")),
        )


_OPTIONS: WeakKeyDictionary[Crawler, CrawlOptions] = WeakKeyDictionary()
