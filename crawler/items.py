"""What the spider hands to the pipelines: a fetched page, untouched."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class RawPage:
    """One fetched article page, before extraction.

    ``url`` is the fetched URL moved under the portal's real origin (see Portal.origin);
    ``fetched_from`` is where it really came from (a replay on 127.0.0.1, say).
    """

    portal: str
    url: str
    fetched_from: str
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: str
