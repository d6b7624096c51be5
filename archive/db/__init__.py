"""The archive's database: the one place that holds its schema and its SQL.

``Store`` is an archive database, opened; its queries are grouped by table in this package's
modules (``articles``, ``captures``, ``runs``, ``clusters``, ``browse``, ``exports``,
``walks``), its schema in ``schema`` (numbered migrations). Nothing outside this package writes SQL.
"""

from __future__ import annotations

from archive.db.articles import ArticleQueries, SaveOutcome
from archive.db.browse import BrowseQueries
from archive.db.captures import CaptureQueries
from archive.db.clusters import ClusterQueries
from archive.db.connection import StoreError, read_only_connection
from archive.db.runs import RunQueries
from archive.db.walks import WalkQueries

__all__ = ["SaveOutcome", "Store", "StoreError", "read_only_connection"]


class Store(ArticleQueries, CaptureQueries, RunQueries, ClusterQueries, BrowseQueries, WalkQueries):
    """An archive database at ``path`` (created, with its schema, on first use)."""
