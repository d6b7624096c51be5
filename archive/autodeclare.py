"""Portals nobody declared: ``portal-archive add URL`` and ``crawl URL``.

``declare`` probes the site (crawler/inference), fills what a person or the registry says of it
(province, level, kind), and previews a few of its articles through the real extraction.
``portal_for_crawl`` gives ``crawl URL`` its declaration: a declared portal of that host if
there is one; else the one inferred earlier and kept in the archive (``sources``), unless the
site's template has changed since (then the site is learned again).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from archive.db import Store
from crawler.inference.declare import Inference, PortalFacts, infer_portal
from crawler.inference.homepage import fingerprint_similarity, template_fingerprint
from crawler.inference.probe import DEFAULT_BUDGET, Probe
from crawler.portals import Portal, portal_for_url
from crawler.registry import registry_entry
from crawler.urls import with_scheme
from pipelines.extraction import NotAnArticle, extract_article

SAME_TEMPLATE = 0.6  # share of the class names two start pages have in common


@dataclass
class Declared:
    inference: Inference
    preview: list[dict[str, Any]]


def declare(
    url: str,
    facts: PortalFacts | None = None,
    *,
    fetch_base: str | None = None,
    budget: int = DEFAULT_BUDGET,
    delay: float | None = None,
) -> Declared:
    """Learn the site at ``url``; ``facts`` left empty are taken from the registry."""
    facts = _with_registry(url, facts or PortalFacts())
    inference = infer_portal(
        url, facts, fetch_base=fetch_base, budget=budget, delay=_delay(fetch_base, delay)
    )
    return Declared(inference, preview(inference))


def preview(inference: Inference, count: int = 5) -> list[dict[str, Any]]:
    """The first ``count`` sampled articles, extracted with the inferred declaration."""
    shown: list[dict[str, Any]] = []
    for page in inference.articles[:count]:
        url = inference.portal.origin + page.path
        try:
            article = extract_article(
                url,
                page.html.encode("utf-8"),
                {"Content-Type": "text/html; charset=utf-8"},
                "2000-01-01T00:00:00+07:00",
                inference.portal,
            )
        except NotAnArticle as error:
            shown.append({"url": url, "error": str(error)})
            continue
        shown.append(
            {
                "url": url,
                "title": article.title,
                "published": article.published,
                "author": article.author,
                "lead": article.lead,
                "words": len(article.text.split()),
            }
        )
    return shown


def portal_for_crawl(
    store: Store, url: str, fetch_base: str | None = None, delay: float | None = None
) -> tuple[Portal, str]:
    """The declaration to crawl ``url`` with, and how it was had: ``declared``, ``kept`` (the
    one inferred earlier, the template unchanged) or ``inferred`` (learned now, and kept)."""
    declared = portal_for_url(with_scheme(url))
    if declared is not None:
        return declared, "declared"
    parts = urlsplit(with_scheme(url))
    origin = f"{parts.scheme}://{parts.netloc}"
    kept = store.inferred_for(origin)
    if kept is not None:
        portal = Portal.from_json(kept[0])
        probe = Probe(origin, fetch_base, budget=2, delay=_delay(fetch_base, delay))
        probe.robots()
        home = probe.fetch(portal.start_paths[0])
        if (
            home is None
            or fingerprint_similarity(template_fingerprint(home.html), kept[1]) >= SAME_TEMPLATE
        ):
            return portal, "kept"
    found = declare(url, fetch_base=fetch_base, delay=delay).inference
    store.save_inferred(found.portal, found.fingerprint)
    return found.portal, "inferred"


def _with_registry(url: str, facts: PortalFacts) -> PortalFacts:
    entry = registry_entry(urlsplit(with_scheme(url)).netloc)
    if entry is None:
        return facts
    return replace(
        facts,
        name=facts.name or entry.name,
        province=facts.province or entry.province,
        province_after_2025=facts.province_after_2025 or entry.province_after_2025,
        level=facts.level if facts.level != "unknown" else entry.level,
        kind=facts.kind if facts.kind != "government" else entry.kind,
    )


def _delay(fetch_base: str | None, delay: float | None) -> float:
    """One second between probe requests on a real site; none on a local copy."""
    if delay is not None:
        return delay
    host = urlsplit(fetch_base or "").hostname or ""
    return 0.0 if host in ("127.0.0.1", "localhost", "::1") else 1.0
