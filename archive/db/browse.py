"""Finding articles (full text, facets, dates) for the search command, the API and the web
interface; and the web interface's other queries: one article with its provenance (source,
capture, revisions, duplicate cluster), and articles per month."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from archive.db.connection import Database, StoreError

# Facet name -> the expression it groups by (a: articles, s: sources).
FACETS = {
    "province": "s.province",
    "province_after_2025": "s.province_after_2025",
    "portal": "a.portal",
    "level": "s.level",
    "kind": "s.kind",
    "year": "substr(a.published, 1, 4)",
    "section": "a.section",
}
_FROM = "FROM articles a LEFT JOIN sources s ON s.id = a.portal"
_SEARCHED = " JOIN articles_fts f ON f.rowid = a.rowid"


class BrowseQueries(Database):
    def _found(
        self,
        match: str | None,
        chosen: dict[str, str],
        since: str | None = None,
        until: str | None = None,
    ) -> tuple[str, list[Any]]:
        """FROM and WHERE of the articles matching ``match`` (FTS5), the chosen facet values,
        and published between the days ``since`` and ``until``."""
        clauses, params = ["1"], []
        if match:
            clauses.append("articles_fts MATCH ?")
            params.append(match)
        for name, value in chosen.items():
            clauses.append(f"{FACETS[name]} = ?")
            params.append(value)
        if since:
            clauses.append("substr(a.published, 1, 10) >= ?")
            params.append(since)
        if until:
            clauses.append("substr(a.published, 1, 10) <= ?")
            params.append(until)
        return f"{_FROM}{_SEARCHED if match else ''} WHERE {' AND '.join(clauses)}", params

    def matching(
        self,
        match: str | None,
        chosen: dict[str, str],
        limit: int = 20,
        offset: int = 0,
        since: str | None = None,
        until: str | None = None,
    ) -> list[dict[str, Any]]:
        """A page of the articles found: best first (bm25) when searching, newest first
        otherwise. StoreError for an FTS5 expression SQLite cannot parse."""
        found, params = self._found(match, chosen, since, until)
        order = "f.rank, a.url" if match else "a.published DESC, a.url"
        with _parsed(match):
            return list(
                self.db.query(
                    "SELECT a.rowid AS id, a.url, a.title, a.published, a.portal, "
                    f"s.name AS portal_name, s.province, a.section, a.lead, a.text {found} "
                    f"ORDER BY {order} LIMIT ? OFFSET ?",
                    [*params, limit, offset],
                )
            )

    def find(
        self, match: str | None, chosen: dict[str, str], limit: int = 20, offset: int = 0
    ) -> tuple[int, list[dict[str, Any]]]:
        """(how many, a page of them), as ``matching`` gives them."""
        found, params = self._found(match, chosen)
        with _parsed(match):
            (total,) = self.db.execute(f"SELECT count(*) {found}", params).fetchone()
        return int(total), self.matching(match, chosen, limit, offset)

    def facet_counts(
        self, match: str | None, chosen: dict[str, str], facet: str, limit: int = 30
    ) -> list[tuple[str, int]]:
        """The values of ``facet`` among the matching articles, most frequent first."""
        found, params = self._found(match, chosen)
        rows = self.db.execute(
            f"SELECT {FACETS[facet]} AS value, count(*) AS n {found} AND value IS NOT NULL "
            "GROUP BY value ORDER BY n DESC, value LIMIT ?",
            [*params, limit],
        ).fetchall()
        return [(str(value), int(n)) for value, n in rows]

    def monthly_counts(self) -> list[tuple[str, str, int]]:
        """(portal, YYYY-MM, articles published that month), dated articles only."""
        rows = self.db.execute(
            "SELECT portal, substr(published, 1, 7) AS month, count(*) FROM articles "
            "WHERE published IS NOT NULL AND length(published) >= 7 GROUP BY portal, month "
            "ORDER BY month, portal"
        ).fetchall()
        return [(portal, month, int(n)) for portal, month, n in rows]

    def article_page(self, rowid: int) -> dict[str, Any] | None:
        """An article with its source and the capture it was read from."""
        rows = list(
            self.db.query(
                "SELECT a.rowid AS id, a.*, s.name AS portal_name, s.province, "
                "s.province_after_2025, s.level, s.kind, s.origin, c.id AS capture, "
                "c.fetched_from, c.status AS capture_status, c.warc_file "
                f"{_FROM} LEFT JOIN captures c ON c.id = a.capture_id WHERE a.rowid = ?",
                [rowid],
            )
        )
        return rows[0] if rows else None

    def revisions_of(self, url: str) -> list[dict[str, Any]]:
        """Earlier versions of the article at ``url``, oldest first."""
        return list(
            self.db.query(
                "SELECT title, fetched_at, replaced_at, capture_id FROM article_revisions "
                "WHERE article_url = ? ORDER BY replaced_at",
                [url],
            )
        )

    def cluster_of(self, cluster_id: int) -> list[dict[str, Any]]:
        """The articles of a duplicate cluster, its representative first."""
        return list(
            self.db.query(
                "SELECT a.rowid AS id, a.title, a.portal, a.published, "
                "a.url = c.representative AS representative FROM articles a "
                "JOIN clusters c ON c.id = a.cluster_id WHERE c.id = ? "
                "ORDER BY representative DESC, a.published, a.url",
                [cluster_id],
            )
        )

    def capture_record(self, capture_id: int) -> dict[str, Any] | None:
        """Where a capture's payload is (a revisit's: its original response's record), and
        what it was: url, fetched_at, status, warc_file, offset."""
        rows = list(
            self.db.query(
                "SELECT c.url, c.fetched_at, c.status, "
                "coalesce(src.warc_file, c.warc_file) AS warc_file, "
                "coalesce(src.offset, c.offset) AS offset FROM captures c "
                "LEFT JOIN captures src ON c.record_type = 'revisit' AND src.id = ("
                " SELECT min(id) FROM captures o WHERE o.url = c.url "
                " AND o.payload_digest = c.payload_digest AND o.record_type = 'response') "
                "WHERE c.id = ? AND c.record_type IN ('response', 'revisit')",
                [capture_id],
            )
        )
        return rows[0] if rows else None


@contextmanager
def _parsed(match: str | None) -> Iterator[None]:
    """An FTS5 expression SQLite cannot parse, as a StoreError that says so."""
    try:
        yield
    except sqlite3.OperationalError as error:
        if match is None:
            raise
        raise StoreError(f"not a search expression ({error})") from None
