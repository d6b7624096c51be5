"""Time facts every layer shares: Vietnam's zone, the archive's way of writing "now", and the
day/month/year pattern portals print (the spider reads it beside listing links, extraction in
date lines)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

VIETNAM = timezone(timedelta(hours=7))  # UTC+7 all year: Vietnam has no daylight saving


def iso_seconds(moment: datetime) -> str:
    """``moment`` as the archive stores times: ISO 8601 to the second, with its offset."""
    return moment.isoformat(timespec="seconds")


def now_iso() -> str:
    """Now, in UTC, as the archive stores times (fetch, run and removal times)."""
    return iso_seconds(datetime.now(UTC))


# 13/05/2016, 4/10/2017, 14.01.2022, 1 - 2 - 2020: day first, unpadded, any of / . - between.
DAY_MONTH_YEAR = re.compile(r"(?<!\d)(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})(?!\d)")
