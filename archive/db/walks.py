"""Queries of ``walk_resumes``: listing pages the next crawl of a portal requests first, because
an earlier walk was cut short there or gave the page up.

A walk records, as it goes, the page it would start again from (``continued``); a walk that
stops as walks do (nothing new, older than ``--since``, the last page) clears what it covered
(``ended``). So after a kill, a signal, ``--limit`` or a full disk, the row left behind says
where the walk was; the next crawl reads on from there past the pages it had read, until the
walk ends by its own rules.
"""

from __future__ import annotations

from archive.db.connection import Database
from crawler.clock import now_iso
from crawler.index import ResumePoint
from crawler.items import WalkProgress

LISTING_RETRIES = 3  # crawls that try a given-up listing page again before it is dropped


class WalkQueries(Database):
    def walk_resumes(self, portal: str) -> list[ResumePoint]:
        """Where ``portal``'s next crawl starts walks again, deepest cut first."""
        rows = self.db.execute(
            "SELECT url, until FROM walk_resumes WHERE portal = ? ORDER BY until DESC, url",
            [portal],
        ).fetchall()
        return [ResumePoint(url, until) for url, until in rows]

    def _record_walk(self, step: WalkProgress) -> None:
        run = self.db.conn.execute
        key = [step.portal, step.listing]
        if step.event == "failed":
            row = run(
                "SELECT failures FROM walk_resumes WHERE portal = ? AND url = ?",
                [step.portal, step.url],
            ).fetchone()
            failures = (row[0] if row else 0) + 1
            if failures > LISTING_RETRIES:
                run("DELETE FROM walk_resumes WHERE portal = ? AND url = ?", key[:1] + [step.url])
                return
            self._put_resume(step, step.url, step.number, failures)
            return
        # The page was read: a try at a page given up earlier has worked.
        run(
            "DELETE FROM walk_resumes WHERE portal = ? AND url = ? AND failures > 0",
            [step.portal, step.url],
        )
        frontier = step.number + 1  # the first page of the listing this walk has not read
        if step.event == "ended":
            run(
                "DELETE FROM walk_resumes WHERE portal = ? AND listing = ? AND failures = 0 "
                "AND until <= ?",
                [*key, frontier],
            )
            return
        (deepest,) = run(
            "SELECT max(until) FROM walk_resumes WHERE portal = ? AND listing = ? AND failures = 0",
            key,
        ).fetchone()
        if deepest is not None and deepest >= frontier:
            return  # a fresh walk behind where an earlier one was cut: that mark stays
        run("DELETE FROM walk_resumes WHERE portal = ? AND listing = ? AND failures = 0", key)
        self._put_resume(step, step.resume_url or step.url, frontier, 0)

    def _put_resume(self, step: WalkProgress, url: str, until: int, failures: int) -> None:
        self.db.conn.execute(
            "INSERT INTO walk_resumes (portal, url, listing, until, failures, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (portal, url) DO UPDATE SET "
            "listing = excluded.listing, until = excluded.until, "
            "failures = excluded.failures, updated_at = excluded.updated_at",
            [step.portal, url, step.listing, until, failures, now_iso()],
        )
