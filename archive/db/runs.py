"""Queries of ``sources`` (the declared portals) and ``runs`` (one row per crawl, backfill or
re-extraction, with its statistics)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from archive.db.connection import Database, jsonable
from crawler.clock import now_iso

CRAWLING_COMMANDS = "('crawl', 'backfill')"  # runs that fetched from the site

if TYPE_CHECKING:
    from crawler.portals import Portal


class RunQueries(Database):
    def save_source(self, portal: Portal) -> None:
        record = {
            "id": portal.id,
            "name": portal.name,
            "province": portal.province,
            "province_after_2025": portal.province_after_2025,
            "level": portal.level,
            "kind": portal.kind,
            "origin": portal.origin,
            "language": portal.language,
            "updated_at": now_iso(),
        }
        self._write(lambda: self.db.table("sources").upsert(record, pk="id"))

    def save_inferred(self, portal: Portal, template: str) -> None:
        """Keeps the declaration ``crawl URL`` inferred for a site, and the fingerprint of the
        template it was learned from."""
        self.save_source(portal)
        record = {"declaration": portal.to_json(), "template": template, "inferred_at": now_iso()}
        self._write(lambda: self.db.table("sources").update(portal.id, record))

    def inferred_for(self, origin: str) -> tuple[str, str] | None:
        """(declaration JSON, template fingerprint) inferred earlier for the site at ``origin``."""
        row = self.db.execute(
            "SELECT declaration, template FROM sources "
            "WHERE origin = ? AND declaration IS NOT NULL",
            [origin],
        ).fetchone()
        return (row[0], row[1] or "") if row else None

    def start_run(self, portal: str, command: str) -> int:
        record = {
            "portal": portal,
            "command": command,
            "started_at": now_iso(),
            "status": "running",
        }

        def insert() -> int:
            return int(self.db.table("runs").insert(record).last_rowid or 0)

        run_id: int = self._write(insert)
        return run_id

    def finish_run(self, run_id: int, status: str, stats: dict[str, Any]) -> None:
        counts = {
            "requests": stats.get("downloader/request_count", 0),
            "pages": stats.get("response_received_count", 0),
            "articles_new": stats.get("archive/articles/new", 0),
            "articles_updated": stats.get("archive/articles/updated", 0),
            "articles_unchanged": stats.get("archive/articles/unchanged", 0),
            "not_articles": stats.get("archive/not_article", 0),
            "errors": stats.get("log_count/ERROR", 0),
        }
        record = {
            "finished_at": now_iso(),
            "status": status,
            **counts,
            "stats": json.dumps(jsonable(stats), ensure_ascii=False, sort_keys=True),
        }
        self._write(lambda: self.db.table("runs").update(run_id, record))

    def run(self, run_id: int) -> dict[str, Any]:
        return dict(self.db.table("runs").get(run_id))

    def portal_summaries(self) -> list[dict[str, Any]]:
        """Per portal: articles, date range, last run."""
        return list(
            self.db.query(
                """
                SELECT s.id AS portal, s.name,
                       (SELECT count(*) FROM articles a WHERE a.portal = s.id) AS articles,
                       (SELECT min(substr(published, 1, 10)) FROM articles a
                        WHERE a.portal = s.id) AS oldest,
                       (SELECT max(substr(published, 1, 10)) FROM articles a
                        WHERE a.portal = s.id) AS newest,
                       r.finished_at AS last_run, r.status AS last_status,
                       r.articles_new AS last_new
                FROM sources s
                LEFT JOIN runs r ON r.id = (SELECT max(id) FROM runs WHERE portal = s.id)
                ORDER BY s.id
                """
            )
        )

    def mark_interrupted(self, portal: str) -> int:
        """Runs of ``portal`` still marked running, whose process is gone (the caller holds the
        portal's lock, so none is alive): marked ``interrupted``. How many."""

        def mark() -> int:
            cursor = self.db.conn.execute(
                "UPDATE runs SET status = 'interrupted', finished_at = ? WHERE portal = ? "
                f"AND status = 'running' AND command IN {CRAWLING_COMMANDS}",
                [now_iso(), portal],
            )
            return int(cursor.rowcount)

        marked: int = self._write(mark)
        return marked

    def crawled_portals(self) -> list[str]:
        """Portals with at least one crawl recorded."""
        rows = self.db.execute(
            f"SELECT DISTINCT portal FROM runs WHERE command IN {CRAWLING_COMMANDS}"
        )
        return sorted(row[0] for row in rows)

    def recent_crawls(self, portal: str, limit: int) -> list[dict[str, Any]]:
        """The last ``limit`` crawls of ``portal``, newest first: status, finished_at, pages,
        articles_new, stats (JSON)."""
        return list(
            self.db.query(
                "SELECT status, finished_at, pages, articles_new, stats FROM runs "
                f"WHERE portal = ? AND command IN {CRAWLING_COMMANDS} ORDER BY id DESC LIMIT ?",
                [portal, limit],
            )
        )

    def last_good_crawl(self, portal: str) -> str | None:
        """When the last crawl of ``portal`` that finished normally ended."""
        (finished,) = self.db.execute(
            "SELECT max(finished_at) FROM runs WHERE portal = ? "
            f"AND command IN {CRAWLING_COMMANDS} AND status = 'finished'",
            [portal],
        ).fetchone()
        return finished
