"""The archive's schema, as numbered migrations recorded in ``PRAGMA user_version``.

Each migration runs once, inside the store's write transaction, in order. Never edit a released
migration: add the next one.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

Migration = Callable[[sqlite_utils.Database], None]


def _m001_initial(db: sqlite_utils.Database) -> None:
    db.table("sources").create(
        {
            "id": str,
            "name": str,
            "province": str,
            "province_after_2025": str,
            "level": str,
            "kind": str,
            "origin": str,
            "language": str,
            "updated_at": str,
        },
        pk="id",
    )
    db.table("articles").create(
        {
            "url": str,
            "portal": str,
            "article_key": str,
            "fetched_url": str,
            "title": str,
            "lead": str,
            "text": str,
            "author": str,
            "published": str,
            "section": str,
            "language": str,
            "images": str,
            "content_hash": str,
            "extractor": str,
            "fetched_at": str,
            "first_seen": str,
            "last_seen": str,
            "run_id": int,
        },
        pk="url",
        not_null=["portal", "title", "text", "content_hash", "fetched_at"],
    )
    db.execute(
        "CREATE UNIQUE INDEX idx_articles_portal_key ON articles (portal, article_key) "
        "WHERE article_key IS NOT NULL"
    )
    db.table("articles").create_index(["portal", "published"])
    db.table("articles").enable_fts(
        ["title", "lead", "text"], create_triggers=True, tokenize="unicode61 remove_diacritics 2"
    )
    db.table("runs").create(
        {
            "id": int,
            "portal": str,
            "command": str,
            "started_at": str,
            "finished_at": str,
            "status": str,
            "requests": int,
            "pages": int,
            "articles_new": int,
            "articles_updated": int,
            "articles_unchanged": int,
            "not_articles": int,
            "errors": int,
            "stats": str,
        },
        pk="id",
    )


def _m002_byline_unit_and_tags(db: sqlite_utils.Database) -> None:
    db.table("articles").add_column("author_unit", str)
    db.table("articles").add_column("tags", str)  # JSON list


def _m003_captures(db: sqlite_utils.Database) -> None:
    db.table("captures").create(
        {
            "id": int,
            "url": str,  # under the portal's real origin, as articles are
            "fetched_from": str,  # where it really came from
            "status": int,
            "content_type": str,
            "payload_digest": str,
            "record_type": str,  # response | revisit
            "warc_file": str,
            "offset": int,
            "length": int,
            "fetched_at": str,
            "run_id": int,
            "portal": str,
        },
        pk="id",
    )
    db.table("captures").create_index(["url", "payload_digest"])
    db.table("captures").create_index(["portal", "fetched_at"])


def _m004_revisions_removals_duplicates(db: sqlite_utils.Database) -> None:
    articles = db.table("articles")
    articles.add_column("capture_id", int)  # the captures row the current version came from
    articles.add_column("text_hash", str)  # normalised text, for exact duplicates
    articles.add_column("removed_at", str)  # when the site answered 404/410 for it
    articles.add_column("removed_status", int)
    articles.add_column("cluster_id", int)  # near-duplicate cluster, if it has any duplicate
    articles.create_index(["text_hash"])
    db.table("article_revisions").create(
        {
            "id": int,
            "article_url": str,
            "title": str,
            "lead": str,
            "text": str,
            "author": str,
            "author_unit": str,
            "published": str,
            "section": str,
            "tags": str,
            "images": str,
            "content_hash": str,
            "extractor": str,
            "fetched_at": str,  # when this version was fetched
            "capture_id": int,
            "replaced_at": str,  # when a fetch first showed the next version
            "run_id": int,
        },
        pk="id",
    )
    db.table("article_revisions").create_index(["article_url", "fetched_at"])
    captures = db.table("captures")
    captures.add_column("redirect_url", str)  # Location of a 3xx, under the real origin
    captures.add_column("error", str)  # a fetch that got no response: what went wrong
    db.table("signatures").create({"url": str, "text_hash": str, "minhash": bytes}, pk="url")
    db.table("clusters").create(
        {"id": int, "representative": str, "size": int, "portals": int, "exact": int}, pk="id"
    )


def _m005_validators(db: sqlite_utils.Database) -> None:
    db.table("captures").add_column("etag", str)  # for conditional re-fetches (If-None-Match)
    db.table("captures").add_column("last_modified", str)  # (If-Modified-Since)


def _m006_listed_lastmods(db: sqlite_utils.Database) -> None:
    # Crawl state, not article data: what each portal's sitemaps last said of a page.
    db.table("listed_lastmods").create(
        {"portal": str, "identity": str, "lastmod": str}, pk=("portal", "identity")
    )


def _m007_word_count(db: sqlite_utils.Database) -> None:
    # Words of the text as duplicate detection counts them: exports filter and report on it.
    from pipelines.record import normalised_words

    db.table("articles").add_column("word_count", int)
    db.conn.create_function(
        "portal_archive_word_count", 1, lambda text: len(normalised_words(text or ""))
    )
    db.execute("UPDATE articles SET word_count = portal_archive_word_count(text)")


def _m008_extraction_failures(db: sqlite_utils.Database) -> None:
    # Pages whose extraction raised, hung or killed its worker: the crawl went on without them.
    db.table("extraction_failures").create(
        {
            "id": int,
            "portal": str,
            "url": str,
            "reason": str,
            "capture_id": int,
            "run_id": int,
            "failed_at": str,
        },
        pk="id",
    )
    db.table("extraction_failures").create_index(["portal", "url"])


def _folded(row: str) -> str:
    """SQL for an article row's title, lead and text with đ and Đ as d and D."""
    joined = f"coalesce({row}.title, '') || ' ' || coalesce({row}.lead, '') || ' ' || "
    joined += f"coalesce({row}.text, '')"
    return f"replace(replace({joined}, 'đ', 'd'), 'Đ', 'D')"


def _m009_search_folds_d(db: sqlite_utils.Database) -> None:
    # FTS5's remove_diacritics folds every Vietnamese accent but đ, a letter of its own: "dang bo"
    # found nothing of "Đảng bộ". The index is now contentless (the text stays in articles only)
    # with a fourth column, the three with đ as d, so both spellings match without folding the
    # query. Only changes of the indexed columns touch it (a crawl's "seen" updates do not).
    for trigger in ("articles_ai", "articles_ad", "articles_au"):
        db.execute(f'DROP TRIGGER IF EXISTS "{trigger}"')
    db.execute("DROP TABLE IF EXISTS articles_fts")
    db.execute(
        "CREATE VIRTUAL TABLE articles_fts USING fts5(title, lead, text, folded, content='', "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    insert = (
        "INSERT INTO articles_fts (rowid, title, lead, text, folded) "
        f"VALUES (new.rowid, new.title, new.lead, new.text, {_folded('new')});"
    )
    delete = (
        "INSERT INTO articles_fts (articles_fts, rowid, title, lead, text, folded) "
        f"VALUES ('delete', old.rowid, old.title, old.lead, old.text, {_folded('old')});"
    )
    db.execute(f"CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN {insert} END")
    db.execute(f"CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN {delete} END")
    db.execute(
        "CREATE TRIGGER articles_au AFTER UPDATE OF title, lead, text ON articles "
        f"BEGIN {delete} {insert} END"
    )
    db.execute(
        "INSERT INTO articles_fts (rowid, title, lead, text, folded) "
        f"SELECT rowid, title, lead, text, {_folded('articles')} FROM articles"
    )


def _m010_fill_text_hash(db: sqlite_utils.Database) -> None:
    # Migration 4 added text_hash without filling it: an archive older than it had every earlier
    # article with none, and dedupe took them all for one text (150 distinct articles in one
    # cluster). Filled as new rows get it (pipelines.record.article_record): text, else title.
    from pipelines.record import text_hash

    db.conn.create_function("portal_archive_text_hash", 1, lambda text: text_hash(text or ""))
    db.execute(
        "UPDATE articles SET text_hash = portal_archive_text_hash(coalesce(nullif(text, ''), "
        "title)) WHERE text_hash IS NULL"
    )


def _m011_walk_resumes(db: sqlite_utils.Database) -> None:
    # Crawl state: listing pages where a walk was cut short or gave up, for the next crawl.
    db.table("walk_resumes").create(
        {
            "portal": str,
            "url": str,
            "listing": str,
            "until": int,
            "failures": int,
            "updated_at": str,
        },
        pk=("portal", "url"),
    )
    db.table("walk_resumes").create_index(["portal", "listing"])


def _m012_sources_of_captures(db: sqlite_utils.Database) -> None:
    # Where a capture and the article read from it came from: ``live`` (fetched from the site),
    # ``wayback``, ``commoncrawl`` (recovered from a web archive; the capture's fetched_at is then
    # the memento's time and fetched_from the memento's URL) or ``import`` (a WARC file).
    db.execute("ALTER TABLE captures ADD COLUMN source TEXT NOT NULL DEFAULT 'live'")
    db.execute("ALTER TABLE articles ADD COLUMN source TEXT NOT NULL DEFAULT 'live'")
    # A recovered capture's article, once read (stored, or the same as a stored version).
    db.table("captures").add_column("article_url", str)
    db.table("captures").create_index(["portal", "source"])


def _m013_inferred_declarations(db: sqlite_utils.Database) -> None:
    # ``crawl URL`` on a site nobody declared: the declaration it inferred (Portal.to_json), the
    # template fingerprint of the start page it was learned from (a redesign means learning the
    # site again) and when.
    sources = db.table("sources")
    sources.add_column("declaration", str)
    sources.add_column("template", str)
    sources.add_column("inferred_at", str)


MIGRATIONS: list[Migration] = [
    _m001_initial,
    _m002_byline_unit_and_tags,
    _m003_captures,
    _m004_revisions_removals_duplicates,
    _m005_validators,
    _m006_listed_lastmods,
    _m007_word_count,
    _m008_extraction_failures,
    _m009_search_folds_d,
    _m010_fill_text_hash,
    _m011_walk_resumes,
    _m012_sources_of_captures,
    _m013_inferred_declarations,
]


def migrate(db: sqlite_utils.Database) -> int:
    """Bring ``db`` to the newest schema; returns the schema version."""
    current = int(db.execute("PRAGMA user_version").fetchone()[0])
    if current > len(MIGRATIONS):
        raise sqlite_utils.db.sqlite3.DatabaseError(
            f"database schema version {current} is newer than this portal-archive "
            f"({len(MIGRATIONS)}); upgrade portal-archive"
        )
    for version, migration in enumerate(MIGRATIONS[current:], start=current + 1):
        migration(db)
        db.execute(f"PRAGMA user_version = {version}")
    return len(MIGRATIONS)


def schema_version() -> int:
    """The schema version this code writes (the number of migrations)."""
    return len(MIGRATIONS)


def needs_migration(path: str) -> bool:
    """Whether the database at ``path`` is older than this schema (read without a write lock,
    so a reader does not wait for a crawl that is writing)."""
    import sqlite3
    from contextlib import closing

    from archive.db import read_only_connection

    try:
        with closing(read_only_connection(path)) as conn:
            return int(conn.execute("PRAGMA user_version").fetchone()[0]) < len(MIGRATIONS)
    except sqlite3.DatabaseError:
        return True  # let the store say what is wrong with it
