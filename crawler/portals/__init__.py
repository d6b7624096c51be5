"""The portal registry: every module in this package that defines ``PORTAL`` declares one portal.

Adding a portal is adding one module here (plus fixture pages under tests/); nothing else needs
to change. Modules starting with an underscore are helpers, not portals. Declarations in the
user's portals folder (``portals_dir()``, where ``portal-archive add`` writes) load the same way.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
import pkgutil
from collections.abc import Callable, Iterator
from functools import cache, partial
from pathlib import Path
from types import ModuleType
from urllib.parse import urlsplit

from crawler.errors import ArchiveError
from crawler.portals._base import Layout, Portal, Revisit, Selectors

logger = logging.getLogger(__name__)
PORTALS_ENV = "PORTAL_ARCHIVE_PORTALS"

__all__ = [
    "Layout",
    "Portal",
    "Revisit",
    "Selectors",
    "UnknownPortalError",
    "all_portals",
    "broken_declarations",
    "get_portal",
    "portal_for_url",
    "portals_dir",
    "reload_portals",
]


class UnknownPortalError(ArchiveError, KeyError):
    """Raised for a portal id that no declaration defines."""

    def __str__(self) -> str:
        known = ", ".join(sorted(all_portals())) or "none"
        message = f"unknown portal {self.args[0]!r} (known: {known})"
        for name, reason in broken_declarations().items():
            where = name if name.endswith(".py") else f"crawler/portals/{name}.py"
            message += f"; {where} could not be loaded: {reason}"
        return message


def all_portals() -> dict[str, Portal]:
    """Every portal whose declaration loads, by id. A broken declaration (a bad regex, a typo)
    is left out with a warning, so it stops only its own portal, never every command."""
    return _load()[0]


def broken_declarations() -> dict[str, str]:
    """Declaration modules that could not be loaded, and why."""
    return _load()[1]


def portals_dir() -> Path:
    """The user's portals folder: declarations written by ``portal-archive add`` (or by hand),
    loaded beside the bundled ones. ``$PORTAL_ARCHIVE_PORTALS``, else ``./portals``."""
    return Path(os.environ.get(PORTALS_ENV) or "portals")


def reload_portals() -> None:
    """Read the declarations again (after ``add`` wrote one, or the portals folder changed)."""
    _load.cache_clear()


def _modules() -> Iterator[tuple[str, Callable[[], ModuleType]]]:
    """(name, loader) of every declaration module: the bundled ones, then the user's."""
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            yield info.name, partial(importlib.import_module, f"{__name__}.{info.name}")
    folder = portals_dir()
    if folder.is_dir():
        for path in sorted(folder.glob("*.py")):
            if not path.name.startswith("_"):
                yield str(path), partial(_load_file, path)


def _load_file(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"portal_archive_user_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def _load() -> tuple[dict[str, Portal], dict[str, str]]:
    portals: dict[str, Portal] = {}
    broken: dict[str, str] = {}
    for name, load in _modules():
        try:
            module = load()
            portal = getattr(module, "PORTAL", None)
            if not isinstance(portal, Portal):
                raise TypeError("it must define PORTAL = Portal(...)")
            if portal.id in portals:
                raise ValueError(f"portal id {portal.id!r} is declared twice")
        except Exception as error:  # noqa: BLE001 - whatever is wrong, it is that file's alone
            broken[name] = f"{type(error).__name__}: {error}"
            where = name if name.endswith(".py") else f"crawler/portals/{name}.py"
            logger.warning("%s left out: %s", where, broken[name])
            continue
        portals[portal.id] = portal
    return dict(sorted(portals.items())), broken


def get_portal(portal_id: str) -> Portal:
    try:
        return all_portals()[portal_id]
    except KeyError:
        raise UnknownPortalError(portal_id) from None


def portal_for_url(url: str) -> Portal | None:
    """The declared portal whose origin host serves ``url``, if any."""
    host = urlsplit(url).netloc.lower()
    return next((p for p in all_portals().values() if p.host == host), None)
