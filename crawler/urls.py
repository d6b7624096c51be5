"""URL rules that hold for every portal: canonical form, identity across hosts, crawler traps.

Pure functions, so the spider, the store and the tests agree on what "the same URL" means.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from w3lib.url import canonicalize_url, url_query_cleaner

# Query parameters that never change what a page shows: click trackers and session ids.
TRACKING_PARAMS = re.compile(
    r"^(utm_[a-z]+|fbclid|gclid|dclid|msclkid|zarsrc|jsessionid|phpsessid|aspsessionid\w*|sid)$",
    re.IGNORECASE,
)
MAX_PATH_SEGMENTS = 20  # Heritrix's TooManyPathSegments default
MAX_URL_LENGTH = 2048


def canonical_url(url: str) -> str:
    """The form under which a URL is stored: sorted query, no fragment, no trackers."""
    parts = urlsplit(url)
    if parts.query:
        names = {kv.split("=", 1)[0] for kv in parts.query.split("&") if kv}
        trackers = [name for name in names if TRACKING_PARAMS.match(name)]
        if trackers:
            url = url_query_cleaner(url, trackers, remove=True, keep_fragments=True)
    # ";jsessionid=..." path parameters (Java portals) are session ids too.
    url = re.sub(r";jsessionid=[^?#/]*", "", url, flags=re.IGNORECASE)
    url = canonicalize_url(url, keep_fragments=False)
    parts = urlsplit(url)
    default_port = {"http": 80, "https": 443}.get(parts.scheme)
    if parts.port is not None and parts.port == default_port:
        url = urlunsplit(parts._replace(netloc=parts.hostname or ""))
    return url


def rebase(url: str, origin: str) -> str:
    """``url`` with its scheme and host replaced by ``origin``'s.

    Pages fetched from a local replay or simulator are recorded under the portal's real origin.
    """
    parts, base = urlsplit(url), urlsplit(origin)
    return urlunsplit((base.scheme, base.netloc, parts.path or "/", parts.query, parts.fragment))


def trap_reason(url: str) -> str | None:
    """Why ``url`` looks like a crawler trap, or None.

    Catches what relative-link loops and language switches produce on real portals:
    ``/en/en/en/…`` and ``/vi/tin-tuc/-/view_content/vi/tin-tuc/-/view_content/…``.
    """
    if len(url) > MAX_URL_LENGTH:
        return "url-too-long"
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if len(segments) > MAX_PATH_SEGMENTS:
        return "too-many-segments"
    n = len(segments)
    for size in range(1, n // 2 + 1):
        for start in range(0, n - 2 * size + 1):
            if segments[start : start + size] == segments[start + size : start + 2 * size]:
                return "repeated-segments"
    return None
