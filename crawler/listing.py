"""What a listing page says beside its links: the date of each article it lists.

A backfill reads these dates to know how far back a walk has come (``--since``) and which
articles are newer than ``--until``, without fetching the articles.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from scrapy.http import Response

from crawler.clock import DAY_MONTH_YEAR


def listing_dates(response: Response) -> Iterator[tuple[str, date]]:
    """(link URL, date) for each link of a listing page that has a date beside it: the first
    day/month/year in the nearest enclosing element (up to three levels) that shows one."""
    for anchor in response.xpath("//a[@href]"):
        element = anchor.root
        for level, ancestor in enumerate(element.iterancestors()):
            if level == 3:
                break
            match = DAY_MONTH_YEAR.search(_leading_text(ancestor))
            if match is None:
                continue
            day, month, year = (int(part) for part in match.groups())
            try:
                if 1900 <= year < 2100:  # not a phone or document number
                    yield response.urljoin(element.get("href")), date(year, month, day)
            except ValueError:
                pass
            break


def _leading_text(element: Any, limit: int = 400) -> str:
    """The first ``limit`` characters of an element's text: enough for a list item's date, and
    cheap on the big containers a navigation link sits in."""
    pieces, size = [], 0
    for piece in element.itertext():
        pieces.append(piece)
        size += len(piece)
        if size >= limit:
            break
    return "".join(pieces)[:limit]
