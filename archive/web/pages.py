"""The archive's own pages in Datasette (a plugin registered by archive.web): home, search,
article, and the captured page. Each reads the archive on a read-only connection, in a thread.
"""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup

from archive.db import Store
from archive.db.browse import FACETS
from archive.search import MARK_CLOSE, MARK_OPEN, fts_query, marked, passage
from archive.status import FROZEN_DAYS, portal_statuses

PAGE_SIZE = 20
# Our pages load nothing from elsewhere: article images stay links to where they were.
PAGE_POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'"
# A captured page is shown as it was, but inert: no script runs, nothing is fetched.
CAPTURE_POLICY = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"
FACET_LABELS = {
    "province": "Province (before 2025)",
    "province_after_2025": "Province (after 2025)",
    "portal": "Portal",
    "level": "Level",
    "kind": "Kind",
    "year": "Year",
    "section": "Section",
}


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [
        (r"^/$", home),
        (r"^/-/search$", search),
        (r"^/-/article/(?P<id>\d+)$", article),
        (r"^/-/capture/(?P<id>\d+)$", capture),
    ]


def _config(datasette: Any) -> dict[str, str]:
    config: dict[str, str] = datasette.plugin_config("portal-archive")
    return config


async def _read(datasette: Any, work: Any) -> Any:
    """``work(store)`` on a read-only store, in a thread."""
    path = _config(datasette)["db"]

    def run() -> Any:
        with Store.read_only(path) as store:
            return work(store)

    return await asyncio.to_thread(run)


async def _page(datasette: Any, request: Any, template: str, context: dict[str, Any]) -> Response:
    html = await datasette.render_template(template, context, request=request)
    return Response.html(html, headers={"Content-Security-Policy": PAGE_POLICY})


def _marked_html(text: str) -> Markup:
    """Text with MARK_OPEN/MARK_CLOSE around words, as HTML with <mark>."""
    safe = escape(text).replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")
    return Markup(safe)


# home ----------------------------------------------------------------------------------------


async def home(datasette: Any, request: Any) -> Response:
    def gather(store: Store) -> tuple[Any, Any, Any]:
        return (
            store.portal_summaries(),
            {s.portal: s for s in portal_statuses(store, datetime.now(), FROZEN_DAYS)},
            store.monthly_counts(),
        )

    summaries, statuses, months = await _read(datasette, gather)
    portals = [
        {
            **row,
            "fate": statuses[row["portal"]].fate if row["portal"] in statuses else "not crawled",
            "note": statuses[row["portal"]].detail if row["portal"] in statuses else "",
        }
        for row in summaries
    ]
    context = {
        "portals": portals,
        "total": sum(p["articles"] or 0 for p in portals),
        "chart": Markup(monthly_chart(months)),
        "database": Path(_config(datasette)["db"]).stem,
    }
    return await _page(datasette, request, "pa_home.html", context)


COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf")


def monthly_chart(months: list[tuple[str, str, int]], width: int = 900, height: int = 220) -> str:
    """Articles per month per portal, stacked bars, as inline SVG (no script, no library)."""
    if not months:
        return '<p class="empty">No dated articles yet.</p>'
    portals = sorted({portal for portal, _, _ in months})
    per_month: dict[str, dict[str, int]] = defaultdict(dict)
    for portal, when, count in months:
        per_month[when][portal] = count
    first, last = min(per_month), max(per_month)
    year, month = int(first[:4]), int(first[5:7])
    axis = []
    while f"{year:04d}-{month:02d}" <= last:
        axis.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    tallest = max(sum(counts.values()) for counts in per_month.values())
    bar = width / len(axis)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height + 40}" width="100%" role="img" '
        f'aria-label="Articles per month per portal, {first} to {last}">'
    ]
    for index, key in enumerate(axis):
        top = float(height)
        for number, portal in enumerate(portals):
            count = per_month.get(key, {}).get(portal, 0)
            if not count:
                continue
            tall = count / tallest * height
            top -= tall
            parts.append(
                f'<rect class="bar" x="{index * bar:.2f}" y="{top:.2f}" '
                f'width="{max(bar - 1, 1):.2f}" height="{tall:.2f}" '
                f'fill="{COLORS[number % len(COLORS)]}">'
                f"<title>{escape(portal)} {key}: {count}</title></rect>"
            )
        if key.endswith("-01") or index == 0:
            parts.append(
                f'<text x="{index * bar:.2f}" y="{height + 14}" font-size="11">{key[:4]}</text>'
            )
    for number, portal in enumerate(portals):
        x = 10 + number * 150
        color = COLORS[number % len(COLORS)]
        parts.append(
            f'<rect x="{x}" y="{height + 24}" width="10" height="10" fill="{color}"/>'
            f'<text x="{x + 14}" y="{height + 33}" font-size="11">{escape(portal)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


# search --------------------------------------------------------------------------------------


async def search(datasette: Any, request: Any) -> Response:
    query = (request.args.get("q") or "").strip()
    chosen = {name: request.args[name] for name in FACETS if request.args.get(name)}
    try:
        page = max(1, int(request.args.get("page") or 1))
    except ValueError:
        page = 1
    match = fts_query(query) or None

    def gather(store: Store) -> tuple[Any, Any]:
        total, rows = store.find(match, chosen, PAGE_SIZE, (page - 1) * PAGE_SIZE)
        facets = {name: store.facet_counts(match, chosen, name) for name in FACETS}
        return (total, rows), facets

    (total, rows), facets = await _read(datasette, gather)
    results = [
        {
            "id": row["id"],
            "title": _marked_html(marked(row["title"], query)),
            "snippet": _marked_html(passage(row["lead"], row["text"], query)),
            "day": (row["published"] or "")[:10] or "undated",
            "portal": row["portal"],
            "portal_name": row["portal_name"],
            "section": row["section"],
        }
        for row in rows
    ]

    def link(**changes: Any) -> str:
        params = {"q": query, **chosen, **changes}
        return "/-/search?" + urlencode({k: v for k, v in params.items() if v})

    facet_blocks = [
        {
            "label": FACET_LABELS[name],
            "name": name,
            "chosen": chosen.get(name),
            "remove": link(**{name: None, "page": None}),
            "options": [
                {"value": value, "count": count, "href": link(**{name: value, "page": None})}
                for value, count in values
            ],
        }
        for name, values in facets.items()
    ]
    context = {
        "query": query,
        "total": total,
        "results": results,
        "facets": facet_blocks,
        "page": page,
        "previous": link(page=page - 1) if page > 1 else None,
        "next": link(page=page + 1) if page * PAGE_SIZE < total else None,
        "database": Path(_config(datasette)["db"]).stem,
    }
    return await _page(datasette, request, "pa_search.html", context)


# one article --------------------------------------------------------------------------------


async def article(datasette: Any, request: Any) -> Response:
    rowid = int(request.url_vars["id"])

    def gather(store: Store) -> tuple[Any, Any, Any]:
        row = store.article_page(rowid)
        if row is None:
            return None, [], []
        cluster = store.cluster_of(row["cluster_id"]) if row["cluster_id"] else []
        return row, store.revisions_of(row["url"]), cluster

    row, revisions, cluster = await _read(datasette, gather)
    if row is None:
        return Response.html("<h1>No such article</h1>", status=404)
    context = {
        "a": row,
        "paragraphs": [p for p in (row["text"] or "").split("\n") if p.strip()],
        "tags": json.loads(row["tags"] or "[]"),
        "images": json.loads(row["images"] or "[]"),
        "revisions": revisions,
        "cluster": [member for member in cluster if member["id"] != row["id"]],
        "database": Path(_config(datasette)["db"]).stem,
    }
    return await _page(datasette, request, "pa_article.html", context)


# the captured page ----------------------------------------------------------------------------


async def capture(datasette: Any, request: Any) -> Response:
    from archive.reextract import read_payload

    capture_id = int(request.url_vars["id"])
    record = await _read(datasette, lambda store: store.capture_record(capture_id))
    if record is None or not record["warc_file"]:
        return Response.html("<h1>No such capture</h1>", status=404)
    path = Path(_config(datasette)["warc_dir"]) / record["warc_file"]
    if not path.is_file():
        return Response.html(f"<h1>WARC file missing: {escape(path.name)}</h1>", status=404)
    body, headers = await asyncio.to_thread(read_payload, str(path), record["offset"])
    content_type = headers.get("Content-Type") or headers.get("content-type") or "text/html"
    return Response(
        body,
        content_type=content_type,
        headers={
            "Content-Security-Policy": CAPTURE_POLICY,
            "X-Archived-Url": record["url"],
            "X-Archived-At": record["fetched_at"],
        },
    )
