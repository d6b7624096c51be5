"""Queries of what was fetched: ``captures`` (one row per HTTP exchange, pointing into the WARC
files), ``extraction_failures``, and ``listed_lastmods`` (what sitemaps said of each page)."""

from __future__ import annotations

from typing import Any

from archive.db.connection import Database, _Rows
from crawler.clock import now_iso


class CaptureQueries(Database):
    def listed_lastmods(self, portal: str) -> dict[str, str]:
        """What ``portal``'s sitemaps last said of each page (identity -> <lastmod>)."""
        return dict(
            self.db.execute(
                "SELECT identity, lastmod FROM listed_lastmods WHERE portal = ?", [portal]
            ).fetchall()
        )

    def _record_lastmod(self, portal: str, identity: str, lastmod: str) -> None:
        self.db.conn.execute(
            "INSERT INTO listed_lastmods (portal, identity, lastmod) VALUES (?, ?, ?) "
            "ON CONFLICT (portal, identity) DO UPDATE SET lastmod = excluded.lastmod",
            [portal, identity, lastmod],
        )

    def earlier_capture(self, url: str, payload_digest: str) -> tuple[str, str] | None:
        """(url, fetched_at) of the first capture of ``url`` with the same payload, if any."""
        row = self.db.execute(
            "SELECT url, fetched_at FROM captures WHERE url = ? AND payload_digest = ? "
            "AND record_type = 'response' ORDER BY id LIMIT 1",
            [url, payload_digest],
        ).fetchone()
        return (row[0], row[1]) if row else None

    def recovered_mementos(self, portal: str) -> set[str]:
        """What a recovery or an import run again need not read again: ``memento <time>
        <url>`` (``Memento.identity``) for the mementos an article was read from (stored, or the
        same as a stored version), ``copied <time> <url>`` for every record copied in. A memento
        copied but not yet read when a run was killed is only ``copied``: it is read again."""
        rows = self.db.execute(
            "SELECT fetched_at, url, article_url FROM captures WHERE portal = ? "
            "AND source != 'live'",
            [portal],
        )
        known = set()
        for fetched_at, url, article_url in rows:
            known.add(f"copied {fetched_at} {url}")
            if article_url is not None:
                known.add(f"memento {fetched_at} {url}")
        return known

    def _insert_capture(self, capture: dict[str, Any]) -> int:
        """Index one capture; returns its id."""
        return _Rows(self.db.conn, "captures", "id").insert(capture)

    def _record_failure(
        self, portal: str, url: str, reason: str, capture_id: int | None, run_id: int | None
    ) -> None:
        """A page whose extraction failed (raised, hung, killed its worker): kept with why, so
        it can be looked at and re-extracted from its capture later."""
        self.db.conn.execute(
            "INSERT INTO extraction_failures (portal, url, reason, capture_id, run_id, failed_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [portal, url, reason, capture_id, run_id, now_iso()],
        )

    def article_captures(self, portal: str | None, since: str | None) -> list[tuple[Any, ...]]:
        """Captures that may hold an article's story, oldest first: 200s of HTML, and the 304s
        (seen unchanged) and 404/410s (removed) between them; ``portal`` and ``since`` (fetched
        on or after) narrow them. Per row: id, url, portal, fetched_at, run_id, status, the WARC
        file and offset of the payload (a revisit's original), and the extractor that read it.
        """
        sql = """
            SELECT c.id, c.url, c.portal, c.fetched_at, c.run_id, c.status,
                   coalesce(src.warc_file, c.warc_file), coalesce(src.offset, c.offset),
                   coalesce(a.extractor, r.extractor, same_url.extractor)
            FROM captures c
            LEFT JOIN captures src ON c.record_type = 'revisit' AND src.id = (
                SELECT min(id) FROM captures s WHERE s.url = c.url
                AND s.payload_digest = c.payload_digest AND s.record_type = 'response')
            LEFT JOIN articles a ON a.capture_id = c.id
            LEFT JOIN article_revisions r ON r.capture_id = c.id
            LEFT JOIN articles same_url ON same_url.fetched_url = c.url
            WHERE c.record_type IN ('response', 'revisit') AND (c.status IN (304, 404, 410) OR (
                c.status = 200
                AND (c.content_type LIKE '%html%' OR coalesce(c.content_type, '') = '')))
              AND (:portal IS NULL OR c.portal = :portal)
              AND (:since IS NULL OR c.fetched_at >= :since)
            ORDER BY c.id
        """
        return self.db.execute(sql, {"portal": portal, "since": since}).fetchall()
