"""The web interface: Datasette over the archive, read-only, with the archive's own pages.

``portal-archive serve`` runs it on 127.0.0.1. Datasette gives every table and SQL (read-only:
its connections open the file with ``mode=ro``); the pages of ``archive.web.pages`` add a home
page (each portal's fate, counts, a chart of articles per month), search (accents and đ
optional, ranked, words marked, facets), an article page with its provenance, and the captured
page itself, served from its WARC record with scripts and outside requests blocked. Datasette's
own assets are bundled in its package, ours are inline: nothing is loaded from the network.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from archive.db import Store
from archive.warc import warc_dir_for

TEMPLATES = Path(__file__).parent / "templates"
PLUGIN = "portal-archive"


def make_app(db_path: str | Path, warc_dir: str | Path | None = None) -> Any:
    """The Datasette instance serving the archive at ``db_path`` (StoreError when it is none).
    An archive of an older schema is brought up to date first, as export does: the only write
    the web interface makes."""
    from datasette.app import Datasette
    from datasette.plugins import pm

    from archive.db.schema import needs_migration
    from archive.web import pages

    if Path(db_path).is_file() and needs_migration(str(db_path)):
        Store(db_path).close()
    Store.read_only(db_path).close()
    if not pm.is_registered(pages):
        pm.register(pages, name=PLUGIN)
    metadata = {
        "title": "portal-archive",
        "description": "Vietnamese provincial and municipal portals, archived",
        "plugins": {
            PLUGIN: {
                "db": str(Path(db_path).resolve()),
                "warc_dir": str(warc_dir or warc_dir_for(db_path)),
            }
        },
        "databases": {
            Path(db_path).stem: {
                "tables": {"articles": {"fts_table": "articles_fts", "fts_pk": "rowid"}}
            }
        },
    }
    return Datasette(
        [str(db_path)],
        metadata=metadata,
        template_dir=str(TEMPLATES),
        settings={"num_sql_threads": 2, "sql_time_limit_ms": 5000},
    )


def serve(db_path: str | Path, port: int, host: str = "127.0.0.1") -> None:
    """Serve until interrupted."""
    import uvicorn

    app = make_app(db_path)
    uvicorn.run(app.app(), host=host, port=port, log_level="warning")
