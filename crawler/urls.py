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


def site_of(url: str) -> str:
    """What a crawl stays on: the host and, unless it is the scheme's usual one, the port
    (``127.0.0.1:18100``; ``honglinh.hatinh.gov.vn`` for http and https alike). Two servers on
    one host are two sites: a replay and a simulator side by side, or a portal's admin port."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        port = parts.port
    except ValueError:
        return host
    return f"{host}:{port}" if port and port not in (80, 443) else host


def with_scheme(address: str) -> str:
    """An address as people type it (``honglinh.hatinh.gov.vn/portal``) as a URL: https://
    unless it names its scheme."""
    return address if "//" in address else f"https://{address}"


def path_and_query(url: str) -> str:
    """The part of ``url`` a portal's URL patterns match and a request line names: its path and
    query (``/a/b.aspx?Page=2``)."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def canonical_url(url: str) -> str:
    """The form under which a URL is stored: sorted query, no fragment, no trackers."""
    parts = urlsplit(url)
    if parts.query:
        names = {kv.split("=", 1)[0] for kv in parts.query.split("&") if kv}
        trackers = [name for name in names if TRACKING_PARAMS.match(name)]
        if trackers:
            url = url_query_cleaner(url, trackers, remove=True, keep_fragments=True)
    # ";jsessionid=..." path parameters (Java portals) are session ids too, and so are ASP.NET's
    # cookieless sessions, "/(S(<24 characters>))/" in front of the path: a new one per visit.
    url = re.sub(r";jsessionid=[^?#/]*", "", url, flags=re.IGNORECASE)
    url = re.sub(r"(?<=[^/:])/\((?:[A-Z]\([^)/]*\))+\)(?=/)", "", url)
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


# Query parameters and path endings that number the pages of a listing.
PAGE_PARAMS = re.compile(r"^(page|trang|p|pg|pageindex|paged)$", re.IGNORECASE)
PAGE_IN_PATH = re.compile(r"/(?:trang|page)[-/]?(\d+)(?:\.html?)?/?$", re.IGNORECASE)


def pagination(url: str) -> tuple[str, int]:
    """(the listing ``url`` belongs to, its page number): ``/tin?page=3`` → (``/tin``, 3).

    A URL without a page number is page 1 of itself. Pages of one listing share the first part,
    so the spider can walk them in order, one after the other, and stop (by date, or when
    nothing is new) without having scheduled the rest.
    """
    parts = urlsplit(url)
    if parts.query:
        pairs = [pair.split("=", 1) for pair in parts.query.split("&") if pair]
        for index, pair in enumerate(pairs):
            if len(pair) == 2 and PAGE_PARAMS.match(pair[0]) and pair[1].isdigit():
                rest = "&".join("=".join(p) for i, p in enumerate(pairs) if i != index)
                return urlunsplit(parts._replace(query=rest)), int(pair[1])
    match = PAGE_IN_PATH.search(parts.path)
    if match:
        path = parts.path[: match.start()] + "/"
        return urlunsplit(parts._replace(path=path)), int(match.group(1))
    return url, 1


def next_page_url(url: str) -> str | None:
    """The URL of the page after ``url`` in the same listing, if ``url`` is numbered."""
    listing, number = pagination(url)
    if listing == url:
        return None
    parts = urlsplit(url)
    if parts.query:
        pairs = parts.query.split("&")
        for index, pair in enumerate(pairs):
            name, _, value = pair.partition("=")
            if PAGE_PARAMS.match(name) and value == str(number):
                pairs[index] = f"{name}={number + 1}"
                return urlunsplit(parts._replace(query="&".join(pairs)))
    match = PAGE_IN_PATH.search(parts.path)
    assert match is not None
    start, end = match.span(1)
    path = parts.path[:start] + str(number + 1) + parts.path[end:]
    return urlunsplit(parts._replace(path=path))
