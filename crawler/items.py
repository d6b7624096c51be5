"""What the spider hands to the pipelines: fetched pages, untouched, pages found gone, and what
sitemaps said of pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class RawPage:
    """One fetched article page, before extraction.

    ``url`` is the fetched URL moved under the portal's real origin (see Portal.origin);
    ``fetched_from`` is where it really came from (a replay on 127.0.0.1, say). ``capture`` is
    the archive's captures row for this response: its id, or the archive.writer.CaptureRef of a
    row not written yet (None when WARC capture is off).
    """

    portal: str
    url: str
    fetched_from: str
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: str
    capture: Any = None


@dataclass
class GonePage:
    """An article URL that now answers 404 or 410: the archive marks the article removed."""

    portal: str
    url: str  # under the portal's real origin
    status: int
    fetched_at: str


@dataclass
class UnchangedPage:
    """A stored article re-fetched conditionally and answered 304 Not Modified."""

    portal: str
    url: str  # under the portal's real origin
    fetched_at: str


@dataclass
class ListedLastmod:
    """A sitemap's <lastmod> for an article or a child sitemap, once the crawl has acted on it.

    The next crawl re-fetches the page only if the sitemap then shows another value: a change of
    the site's own stamp, whatever its clock says, is what tells of an edit. ``identity`` is what
    the archive knows the article by (its id, else its URL under the real origin) or the
    sitemap's URL under the real origin.
    """

    portal: str
    identity: str
    lastmod: str
