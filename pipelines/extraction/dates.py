"""Vietnamese portal date lines to timezone-aware datetimes.

Portals print dates day-first, often unpadded, with the time before or after the date and with
labels around it: ``Ngày đăng 13/05/2016 | 5:05 PM | View count: 889``, ``14:08 13/07/2016``,
``4/10/2017, 14:1 (GMT+7)``, ``Thứ Sáu, ngày 14/01/2022 | 07:21``, ``14/07/2016 2:08 CH``,
``ngày 14 tháng 1 năm 2022``. General-purpose parsers guess month-first on such strings, so this
module reads them itself. A date without an offset is Vietnamese local time (+07:00).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from crawler.clock import DAY_MONTH_YEAR as _NUMERIC_DATE
from crawler.clock import VIETNAM

_WORDED_DATE = re.compile(
    r"(?<!\d)(\d{1,2})\s+tháng\s+(\d{1,2})\s*(?:,|năm)?\s*(\d{4})(?!\d)", re.IGNORECASE
)
_ISO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?"
)
_ISO_DAY = re.compile(r"(?<![\d/])(\d{4})-(\d{2})-(\d{2})(?![\d/])")
_TIME = re.compile(
    r"(?<![\d/.\-])(\d{1,2})\s*(?::|h|giờ)\s*(\d{1,2})(?:\s*:\s*(\d{1,2}))?(?![\d/])"
    r"(?:\s*(AM|PM|SA|CH)\b)?",
    re.IGNORECASE,
)


def parse_vn_datetime(text: str | None) -> datetime | None:
    """The first date in ``text`` with the time printed next to it (midnight if none), or None.

    >>> parse_vn_datetime("Ngày đăng 13/05/2016 | 5:05 PM | View count: 889").isoformat()
    '2016-05-13T17:05:00+07:00'
    """
    parsed = _parse(text)
    return parsed[0] if parsed else None


def published_iso(text: str | None) -> str | None:
    """ISO 8601 for a date line: with time and +07:00 when the page shows a time, else the day.

    >>> published_iso("14:08 13/07/2016"), published_iso("(08/11/2019)")
    ('2016-07-13T14:08:00+07:00', '2019-11-08')
    """
    parsed = _parse(text)
    if parsed is None:
        return None
    moment, has_time = parsed
    return moment.isoformat() if has_time else moment.date().isoformat()


def _parse(text: str | None) -> tuple[datetime, bool] | None:
    if not text:
        return None
    text = " ".join(text.split())
    iso = _ISO.search(text)
    if iso:
        moment = _from_iso(iso)
        return (moment, True) if moment else None
    match = _NUMERIC_DATE.search(text) or _WORDED_DATE.search(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = _ISO_DAY.search(text)
        if not match:
            return None
        year, month, day = (int(g) for g in match.groups())
    try:
        date = datetime(year, month, day, tzinfo=VIETNAM)
    except ValueError:
        return None
    clock = _nearest_time(text, match.start(), match.end())
    if clock is None:
        return date, False
    hour, minute, second = clock
    return date.replace(hour=hour, minute=minute, second=second), True


def _from_iso(match: re.Match[str]) -> datetime | None:
    year, month, day, hour, minute = (int(g) for g in match.groups()[:5])
    second = int(match.group(6) or 0)
    offset = match.group(7)
    tz = VIETNAM
    if offset == "Z":
        tz = UTC
    elif offset:
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        tz = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    try:
        # The page's own offset is kept: a Berlin page's evening post must not move to the next
        # day. Vietnamese pages are put in Vietnam's time afterwards (in_vietnam_time).
        return datetime(year, month, day, hour, minute, second, tzinfo=tz)
    except ValueError:
        return None


def in_vietnam_time(published: str | None) -> str | None:
    """A time with another offset (UTC, say, from a meta tag) in Vietnam's time (+07:00): what
    the archive stores for Vietnamese pages. A bare day is left as it is."""
    if not published or "T" not in published:
        return published
    try:
        moment = datetime.fromisoformat(published)
    except ValueError:
        return published
    if moment.tzinfo is None:
        return published
    return moment.astimezone(VIETNAM).isoformat()


def _nearest_time(text: str, date_start: int, date_end: int) -> tuple[int, int, int] | None:
    """The valid time closest to the date, within a short distance on either side."""
    best: tuple[int, tuple[int, int, int]] | None = None
    for match in _TIME.finditer(text):
        if date_start <= match.start() < date_end:
            continue
        distance = (
            date_start - match.end() if match.end() <= date_start else match.start() - date_end
        )
        if distance > 25:
            continue
        hour, minute = int(match.group(1)), int(match.group(2))
        second = int(match.group(3) or 0)
        meridiem = (match.group(4) or "").upper()
        if meridiem in ("PM", "CH") and hour < 12:
            hour += 12
        elif meridiem in ("AM", "SA") and hour == 12:
            hour = 0
        if hour > 23 or minute > 59 or second > 59:
            continue
        if best is None or distance < best[0]:
            best = (distance, (hour, minute, second))
    return best[1] if best else None


_YEARLESS = re.compile(
    r"(?:\(|\b(?:sáng|trưa|chiều|tối|đêm|ngày|hôm nay|hôm qua)\s+)(\d{1,2})/(\d{1,2})(?!/\d)\)?",
    re.I,
)


def resolve_yearless(text: str | None, reference: datetime) -> str | None:
    """A year-less day in running text ("Chiều nay (20/4)", "Sáng 12/1"), dated by ``reference``.

    The year is the reference's, or the one before when that would put the day more than a
    day after the reference (an article from 31/12 read on 2/1).

    >>> resolve_yearless("Chiều nay (20/4), Bí thư…", datetime(2021, 4, 21, tzinfo=VIETNAM))
    '2021-04-20'
    >>> resolve_yearless("Sáng 30/12, hội nghị…", datetime(2022, 1, 2, tzinfo=VIETNAM))
    '2021-12-30'
    """
    if not text:
        return None
    match = _YEARLESS.search(text[:300])
    if not match:
        return None
    day, month = int(match.group(1)), int(match.group(2))
    for year in (reference.year, reference.year - 1):
        try:
            candidate = datetime(year, month, day, tzinfo=VIETNAM)
        except ValueError:
            return None
        if candidate <= reference + timedelta(days=1):
            return candidate.date().isoformat()
    return None
