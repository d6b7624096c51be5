"""The registry of real portals this project knows: crawler/data/registry.csv.

One row per site: its domain, name, province before and after the 2025 reform, level, kind, a
platform guess and what happened to it in 2025, with the source of the row. It covers the 63
provincial portals of before 1 July 2025 (the 34 provinces after it continue 34 of them:
``after_2025`` says which), the provincial newspapers, and the district, department and party
sites of shared/research/vn-portals.md §6. ``portal-archive portals --registry`` lists it; ``add``
fills a portal's metadata from it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class RegistryEntry:
    domain: str
    name: str
    province: str
    province_after_2025: str
    level: str
    kind: str
    platform: str
    after_2025: str
    source: str

    @property
    def continues_after_2025(self) -> bool:
        """A provincial portal that is the portal of one of the 34 provinces after the reform."""
        return self.level == "province" and self.after_2025 == "portal of the new province"


@cache
def registry() -> tuple[RegistryEntry, ...]:
    text = resources.files("crawler").joinpath("data/registry.csv").read_text("utf-8")
    return tuple(RegistryEntry(**row) for row in csv.DictReader(text.splitlines()))


def registry_entry(host: str) -> RegistryEntry | None:
    """The row of ``host`` (``www.`` and a port ignored)."""
    host = host.split(":")[0].lower().removeprefix("www.")
    return next((entry for entry in registry() if entry.domain == host), None)
