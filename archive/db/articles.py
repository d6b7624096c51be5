"""Queries of the ``articles`` and ``article_revisions`` tables: saving an article (a changed
one keeps its previous version as a revision), removals, what the spider must not fetch again,
what is due a revisit, reading and full-text search, and the per-portal summaries."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, Literal

from archive.db.connection import Database, _Rows
from pipelines.record import HASHED_FIELDS, ArticleRecord, article_record

if TYPE_CHECKING:
    from pipelines.extraction import Article

SaveOutcome = Literal["new", "updated", "unchanged", "reextracted", "older"]
REVISION_FIELDS = (
    *HASHED_FIELDS,
    "images",
    "content_hash",
    "extractor",
    "fetched_at",
    "capture_id",
    "run_id",
)


class ArticleQueries(Database):
    def save_article(
        self,
        article: Article | ArticleRecord,
        run_id: int | None = None,
        capture_id: int | None = None,
    ) -> SaveOutcome:
        """Insert or update ``article`` (or its row, ``article_record``); idempotent for
        unchanged content.

        A changed article keeps its previous version in ``article_revisions``. ``capture_id`` is
        the captures row the page came from (None when WARC capture is off).
        """
        outcome: SaveOutcome = self._write(self._save_article, article, run_id, capture_id)
        return outcome

    def save_articles(
        self, batch: Sequence[tuple[Article | ArticleRecord, int | None, int | None]]
    ) -> list[SaveOutcome]:
        """``save_article`` for many (article or its row, run_id, capture_id), one transaction."""

        def save_all() -> list[SaveOutcome]:
            return [self._save_article(*entry) for entry in batch]

        outcomes: list[SaveOutcome] = self._write(save_all)
        return outcomes

    def _save_article(
        self, article: Article | ArticleRecord, run_id: int | None, capture_id: int | None
    ) -> SaveOutcome:
        record = dict(article if isinstance(article, dict) else article_record(article))
        record["capture_id"] = capture_id
        url, source = record["url"], record.get("source", "live")
        outcome = self._save_record(record, run_id, capture_id)
        if capture_id is not None and source != "live":
            # Read whatever came of it (a new version or the same content): a recovery run
            # again does not fetch this memento again (CaptureQueries.recovered_mementos).
            self.db.conn.execute(
                "UPDATE captures SET article_url = ? WHERE id = ?", [url, capture_id]
            )
        return outcome

    def _save_record(
        self, record: ArticleRecord, run_id: int | None, capture_id: int | None
    ) -> SaveOutcome:
        fetched_at = record["fetched_at"]
        existing = self._existing_article(record)
        table = _Rows(self.db.conn, "articles", "url")
        if existing is None:
            record.update(first_seen=fetched_at, last_seen=fetched_at, run_id=run_id)
            table.insert(record)
            return "new"
        url = existing["url"]
        if existing["content_hash"] == record["content_hash"]:
            if existing["capture_id"] is not None and existing["capture_id"] == capture_id:
                if existing["extractor"] != record["extractor"]:  # same result, newer extractor
                    table.update(url, {"extractor": record["extractor"]})
                return "unchanged"
            table.update(
                url,
                {
                    "last_seen": max(existing["last_seen"] or "", fetched_at),
                    "removed_at": None,
                    "removed_status": None,
                },
            )
            return "unchanged"
        record.pop("url")
        if capture_id is not None and existing["capture_id"] == capture_id:
            # The same capture read again by a newer extractor: not a change on the site.
            table.update(url, record)
            return "reextracted"
        if fetched_at < existing["fetched_at"]:
            return self._reextract_revision(record, capture_id, existing, run_id)
        self._keep_revision(existing, replaced_at=fetched_at)
        record.update(last_seen=fetched_at, run_id=run_id, removed_at=None)
        record["removed_status"] = None
        table.update(url, record)
        return "updated"

    def _keep_revision(self, current: dict[str, Any], replaced_at: str) -> None:
        revision = {name: current[name] for name in REVISION_FIELDS}
        revision.update(article_url=current["url"], replaced_at=replaced_at)
        _Rows(self.db.conn, "article_revisions", "id").insert(revision)

    def _reextract_revision(
        self,
        record: dict[str, Any],
        capture_id: int | None,
        existing: dict[str, Any],
        run_id: int | None,
    ) -> SaveOutcome:
        """An older capture than the article's current one: refresh the revision it made, or,
        for a version recovered from a web archive (which come in any order), keep it as the
        revision it was."""
        row = self.db.execute(
            "SELECT id, content_hash FROM article_revisions WHERE capture_id = ?", [capture_id]
        ).fetchone()
        if capture_id is not None and row is None and record.get("source", "live") != "live":
            return self._earlier_version(record, capture_id, existing, run_id)
        if capture_id is None or row is None:
            return "older"
        if row[1] == record["content_hash"]:
            return "unchanged"
        self.db.table("article_revisions").update(
            row[0], {name: record[name] for name in REVISION_FIELDS if name != "capture_id"}
        )
        return "reextracted"

    def _earlier_version(
        self, record: dict[str, Any], capture_id: int, existing: dict[str, Any], run_id: int | None
    ) -> SaveOutcome:
        """A recovered version older than the stored one: a revision, replaced by the next
        newer version (the article or a revision), unless a version has the same content."""
        url = existing["url"]
        versions = self.db.execute(
            "SELECT fetched_at, content_hash FROM article_revisions WHERE article_url = ?", [url]
        ).fetchall() + [(existing["fetched_at"], existing["content_hash"])]
        if any(content == record["content_hash"] for _, content in versions):
            return "unchanged"
        fetched_at = record["fetched_at"]
        replaced_at = min(at for at, _ in versions if at > fetched_at)
        revision = {name: record.get(name) for name in REVISION_FIELDS}
        revision.update(
            article_url=url, replaced_at=replaced_at, capture_id=capture_id, run_id=run_id
        )
        _Rows(self.db.conn, "article_revisions", "id").insert(revision)
        self.db.conn.execute(
            "UPDATE articles SET first_seen = min(first_seen, ?) WHERE url = ?", [fetched_at, url]
        )
        return "updated"

    def _existing_article(self, record: ArticleRecord) -> dict[str, Any] | None:
        url = record["url"]
        cursor = self.db.conn.execute(
            "SELECT * FROM articles WHERE url = ? "
            "OR (portal = ? AND article_key = ?) ORDER BY url = ? DESC LIMIT 1",
            [url, record["portal"], record["article_key"], url],
        )
        row = cursor.fetchone()
        return dict(zip([c[0] for c in cursor.description], row, strict=True)) if row else None

    def mark_removed(self, portal: str, url: str, status: int, at: str) -> bool:
        """Mark the article last fetched from ``url`` as removed by the site (404/410).

        Only the URL the article was stored from counts: its canonical URL or another section's
        copy answering 404 (common on mirrors) says nothing about the article. Nothing is
        deleted. True when a row was marked.
        """
        marked: bool = self._write(self._mark_removed, portal, url, status, at)
        return marked

    def _mark_removed(self, portal: str, url: str, status: int, at: str) -> bool:
        cursor = self.db.conn.execute(
            "UPDATE articles SET removed_at = ?, removed_status = ? "
            "WHERE portal = ? AND fetched_url = ? AND removed_at IS NULL",
            [at, status, portal, url],
        )
        return bool(cursor.rowcount)

    def known_articles(self, portal: str) -> set[str]:
        """What identifies ``portal``'s stored articles to the spider: article ids, and URLs
        (canonical and fetched) for articles without one."""
        known: set[str] = set()
        for key, url, fetched_url in self.db.execute(
            "SELECT article_key, url, fetched_url FROM articles WHERE portal = ?", [portal]
        ):
            known.update((key,) if key else (url, fetched_url))
        return known

    def recheck_targets(
        self, portal: str, first_seen_after: str | None = None, last_seen_before: str | None = None
    ) -> list[tuple[str, str | None, str | None]]:
        """(URL, ETag, Last-Modified) of stored, not removed articles of ``portal`` to re-fetch:
        all of them, or those first seen after one time and not seen since another (a revisit
        policy). The validators make the re-fetch conditional."""
        rows = self.db.execute(
            "SELECT a.fetched_url, c.etag, c.last_modified FROM articles a "
            "LEFT JOIN captures c ON c.id = a.capture_id WHERE a.portal = ? "
            "AND a.removed_at IS NULL AND (? IS NULL OR a.first_seen > ?) "
            "AND (? IS NULL OR a.last_seen < ?) ORDER BY a.url",
            [portal, first_seen_after, first_seen_after, last_seen_before, last_seen_before],
        ).fetchall()
        return [(url, etag, modified) for url, etag, modified in rows]

    def touch(self, portal: str, url: str, at: str) -> bool:
        """The article stored from ``url`` was seen unchanged at ``at`` (a 304 answer)."""
        touched: bool = self._write(self._touch, portal, url, at)
        return touched

    def _touch(self, portal: str, url: str, at: str) -> bool:
        cursor = self.db.conn.execute(
            "UPDATE articles SET last_seen = max(coalesce(last_seen, ''), ?), "
            "removed_at = NULL, removed_status = NULL WHERE portal = ? AND fetched_url = ?",
            [at, portal, url],
        )
        return bool(cursor.rowcount)

    def count_articles(self, portal: str | None = None) -> int:
        if portal is None:
            return int(self.db.execute("SELECT count(*) FROM articles").fetchone()[0])
        return int(
            self.db.execute("SELECT count(*) FROM articles WHERE portal = ?", [portal]).fetchone()[
                0
            ]
        )

    def articles(
        self, portal: str | None = None, since: str | None = None, limit: int | None = None
    ) -> Iterator[dict[str, Any]]:
        """Stored articles (every column), newest first."""
        yield from self.db.query(
            "SELECT * FROM articles WHERE (:portal IS NULL OR portal = :portal) "
            "AND (:since IS NULL OR published >= :since) "
            "ORDER BY published DESC, url LIMIT coalesce(:limit, -1)",
            {"portal": portal, "since": since, "limit": limit},
        )

    def sections(self, portal: str, limit: int = 12) -> list[tuple[str, int]]:
        """``portal``'s sections, largest first, with their article counts."""
        rows = self.db.execute(
            "SELECT coalesce(section, '(no section)'), count(*) AS n FROM articles "
            "WHERE portal = ? GROUP BY 1 ORDER BY n DESC, 1 LIMIT ?",
            [portal, limit],
        ).fetchall()
        return [(name, count) for name, count in rows]

    def newest_titles(self, portal: str, limit: int = 5) -> list[tuple[str, str]]:
        """(published day, title) of ``portal``'s newest articles."""
        rows = self.db.execute(
            "SELECT substr(published, 1, 10), title FROM articles WHERE portal = ? "
            "ORDER BY published DESC, url LIMIT ?",
            [portal, limit],
        ).fetchall()
        return [(day or "?", title) for day, title in rows]

    def articles_by_source(self, portal: str) -> dict[str, tuple[int, str, str]]:
        """``portal``'s articles per source (live, wayback, commoncrawl, import): how many, and
        the first and last day they were captured (fetched, or the memento's time)."""
        rows = self.db.execute(
            "SELECT source, count(*), min(substr(fetched_at, 1, 10)), "
            "max(substr(fetched_at, 1, 10)) FROM articles WHERE portal = ? GROUP BY source",
            [portal],
        )
        return {source: (int(count), first, last) for source, count, first, last in rows}

    def portals_with_articles(self) -> list[str]:
        return sorted(row[0] for row in self.db.execute("SELECT DISTINCT portal FROM articles"))

    def newest_day(self, portal: str) -> tuple[int, str | None]:
        """How many articles ``portal`` has, and the newest published day."""
        count, newest = self.db.execute(
            "SELECT count(*), max(substr(published, 1, 10)) FROM articles WHERE portal = ?",
            [portal],
        ).fetchone()
        return int(count), newest
