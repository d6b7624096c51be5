"""The portal registry: every module in this package that defines ``PORTAL`` declares one portal.

Adding a portal is adding one module here (plus fixture pages under tests/); nothing else needs
to change. Modules starting with an underscore are helpers, not portals.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from urllib.parse import urlsplit

from crawler.errors import ArchiveError
from crawler.portals._base import Layout, Portal, Revisit, Selectors

__all__ = [
    "Layout",
    "Portal",
    "Revisit",
    "Selectors",
    "UnknownPortalError",
    "all_portals",
    "get_portal",
    "portal_for_url",
]


class UnknownPortalError(ArchiveError, KeyError):
    """Raised for a portal id that no declaration defines."""

    def __str__(self) -> str:
        known = ", ".join(sorted(all_portals())) or "none"
        return f"unknown portal {self.args[0]!r} (known: {known})"


@cache
def all_portals() -> dict[str, Portal]:
    portals: dict[str, Portal] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        portal = getattr(module, "PORTAL", None)
        if not isinstance(portal, Portal):
            raise TypeError(f"{module.__name__} must define PORTAL = Portal(...)")
        if portal.id in portals:
            raise ValueError(f"portal id {portal.id!r} is declared twice")
        portals[portal.id] = portal
    return dict(sorted(portals.items()))


def get_portal(portal_id: str) -> Portal:
    try:
        return all_portals()[portal_id]
    except KeyError:
        raise UnknownPortalError(portal_id) from None


def portal_for_url(url: str) -> Portal | None:
    """The declared portal whose origin host serves ``url``, if any."""
    host = urlsplit(url).netloc.lower()
    return next((p for p in all_portals().values() if p.host == host), None)
