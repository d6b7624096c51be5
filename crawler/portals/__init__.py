"""The portal registry: every module in this package that defines ``PORTAL`` declares one portal.

Adding a portal is adding one module here (plus fixture pages under tests/); nothing else needs
to change. Modules starting with an underscore are helpers, not portals.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from functools import cache
from urllib.parse import urlsplit

from crawler.errors import ArchiveError
from crawler.portals._base import Layout, Portal, Revisit, Selectors

logger = logging.getLogger(__name__)

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
]


class UnknownPortalError(ArchiveError, KeyError):
    """Raised for a portal id that no declaration defines."""

    def __str__(self) -> str:
        known = ", ".join(sorted(all_portals())) or "none"
        message = f"unknown portal {self.args[0]!r} (known: {known})"
        for name, reason in broken_declarations().items():
            message += f"; crawler/portals/{name}.py could not be loaded: {reason}"
        return message


def all_portals() -> dict[str, Portal]:
    """Every portal whose declaration loads, by id. A broken declaration (a bad regex, a typo)
    is left out with a warning, so it stops only its own portal, never every command."""
    return _load()[0]


def broken_declarations() -> dict[str, str]:
    """Declaration modules that could not be loaded, and why."""
    return _load()[1]


@cache
def _load() -> tuple[dict[str, Portal], dict[str, str]]:
    portals: dict[str, Portal] = {}
    broken: dict[str, str] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        try:
            module = importlib.import_module(f"{__name__}.{info.name}")
            portal = getattr(module, "PORTAL", None)
            if not isinstance(portal, Portal):
                raise TypeError("it must define PORTAL = Portal(...)")
            if portal.id in portals:
                raise ValueError(f"portal id {portal.id!r} is declared twice")
        except Exception as error:  # noqa: BLE001 - whatever is wrong, it is that file's alone
            broken[info.name] = f"{type(error).__name__}: {error}"
            logger.warning("crawler/portals/%s.py left out: %s", info.name, broken[info.name])
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
