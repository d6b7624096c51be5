"""Queries of the duplicate tables: ``signatures`` (each text's MinHash, kept so a re-run signs
only new or changed texts) and ``clusters`` (groups of duplicate articles, numbered)."""

from __future__ import annotations

from typing import Any

from archive.db.connection import Database

# Texts shorter than this many words are not signed or compared: notices and file links look
# alike without being the same. The export counts what the last dedupe left out with it.
NEAR_MIN_WORDS = 40
# Estimated Jaccard similarity of word 5-shingle sets from which two texts are near duplicates:
# five paragraphs against four of them is about 0.75.
NEAR_THRESHOLD = 0.6


class ClusterQueries(Database):
    def texts_to_compare(self) -> list[tuple[Any, ...]]:
        """Per article: url, portal, text_hash, lead, text, the text_hash and MinHash it was
        last signed with (or None), published, the portal's level."""
        return self.db.execute(
            "SELECT a.url, a.portal, a.text_hash, a.lead, a.text, s.text_hash, s.minhash, "
            "a.published, src.level FROM articles a LEFT JOIN signatures s ON s.url = a.url "
            "LEFT JOIN sources src ON src.id = a.portal"
        ).fetchall()

    def replace_clusters(
        self, signed: list[dict[str, Any]], clusters: list[dict[str, Any]]
    ) -> None:
        """In one transaction: store the new ``signed`` signatures (url, text_hash, minhash),
        drop those of deleted articles, and replace every cluster by ``clusters`` (each with
        ``members``, its representative first, ``portals`` and ``exact``)."""

        def write() -> None:
            db = self.db
            if signed:
                db.table("signatures").upsert_all(signed, pk="url")
            db.execute("DELETE FROM signatures WHERE url NOT IN (SELECT url FROM articles)")
            db.execute("UPDATE articles SET cluster_id = NULL WHERE cluster_id IS NOT NULL")
            db.execute("DELETE FROM clusters")
            for number, cluster in enumerate(clusters, start=1):
                members = cluster["members"]
                db.table("clusters").insert(
                    {
                        "id": number,
                        "representative": members[0],
                        "size": len(members),
                        "portals": cluster["portals"],
                        "exact": int(cluster["exact"]),
                    }
                )
                db.conn.executemany(
                    "UPDATE articles SET cluster_id = ? WHERE url = ?",
                    [(number, url) for url in members],
                )

        self.write(write)

    def largest_clusters(self, limit: int) -> list[tuple[int, int, str, str]]:
        """(id, size, representative's title, its portals) of the clusters spanning most
        portals, then the largest."""
        return self.db.execute(
            "SELECT c.id, c.size, a.title, (SELECT group_concat(DISTINCT portal) FROM articles m "
            "WHERE m.cluster_id = c.id) FROM clusters c "
            "JOIN articles a ON a.url = c.representative "
            "ORDER BY c.portals DESC, c.size DESC, c.id LIMIT ?",
            [limit],
        ).fetchall()
