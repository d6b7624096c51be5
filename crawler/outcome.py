"""Whether a crawl that ran to its end did its job, from its stats: the one judgement the exit
status, the recorded run and the summary share, so no failure is reported as success."""

from __future__ import annotations

from typing import Any


def crawl_problem(stats: dict[str, Any]) -> str | None:
    """What kept a finished crawl from doing its job, for a person; None when nothing did."""
    if stats.get("robotstxt/unreachable_disallow"):
        return "robots.txt could not be fetched, which means: fetch nothing (RFC 9309)"
    if stats.get("robotstxt/server_error_disallow"):
        return "robots.txt answered a server error, which means: fetch nothing for now"
    failed = stats.get("portal/start/failed", 0)
    if failed and failed >= stats.get("portal/start/requested", 0):
        return "the start page could not be fetched"
    if stats.get("recover/cdx/failed"):
        return "part of the web archive's index could not be read; the next recovery reads it again"
    if stats.get("recover/mementos/lost"):
        lost = stats["recover/mementos/lost"]
        return f"{lost} capture(s) could not be fetched from the web archive; run it again"
    listings = stats.get("portal/listing/failed", 0)
    articles = sum(
        count
        for key, count in stats.items()
        if key.startswith(("portal/article/failed/", "portal/article/http_5"))
    )
    if listings or articles:
        lost = [f"{listings} listing page(s)"] if listings else []
        lost += [f"{articles} article page(s)"] if articles else []
        return f"{' and '.join(lost)} could not be fetched; the next crawl tries again"
    return None
