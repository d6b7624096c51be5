"""Read-only summaries of an archive, for ``stats`` and the end of ``demo``."""

from __future__ import annotations

from typing import Any

from archive.store import Store


def portal_stats(store: Store) -> list[dict[str, Any]]:
    """Per portal: articles, date range, last run."""
    return list(
        store.db.query(
            """
            SELECT s.id AS portal, s.name,
                   (SELECT count(*) FROM articles a WHERE a.portal = s.id) AS articles,
                   (SELECT min(substr(published, 1, 10)) FROM articles a WHERE a.portal = s.id)
                       AS oldest,
                   (SELECT max(substr(published, 1, 10)) FROM articles a WHERE a.portal = s.id)
                       AS newest,
                   r.finished_at AS last_run, r.status AS last_status,
                   r.articles_new AS last_new
            FROM sources s
            LEFT JOIN runs r ON r.id = (SELECT max(id) FROM runs WHERE portal = s.id)
            ORDER BY s.id
            """
        )
    )


def sections(store: Store, portal: str, limit: int = 12) -> list[tuple[str, int]]:
    rows = store.db.execute(
        "SELECT coalesce(section, '(no section)'), count(*) AS n FROM articles WHERE portal = ? "
        "GROUP BY 1 ORDER BY n DESC, 1 LIMIT ?",
        [portal, limit],
    ).fetchall()
    return [(name, count) for name, count in rows]


def newest_titles(store: Store, portal: str, limit: int = 5) -> list[tuple[str, str]]:
    rows = store.db.execute(
        "SELECT substr(published, 1, 10), title FROM articles WHERE portal = ? "
        "ORDER BY published DESC, url LIMIT ?",
        [portal, limit],
    ).fetchall()
    return [(day or "?", title) for day, title in rows]


def format_table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    cells = [[str(row.get(c) if row.get(c) is not None else "-") for c in columns] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join(line.rstrip() for line in lines)
