"""How every benchmark ends: a table a person reads, then one JSON line a script reads."""

from __future__ import annotations

import json
from typing import Any


def print_figures(bench: str, figures: dict[str, Any]) -> None:
    width = max(map(len, figures))
    for name, value in figures.items():
        print(f"{name.ljust(width)}  {value}")
    print(json.dumps({"bench": bench, **figures}))
