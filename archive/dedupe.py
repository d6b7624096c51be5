"""Duplicate articles: exact (same normalised text) and near (the same communiqué republished by
the province and the town, trimmed or retitled), grouped in clusters with a representative.

Nothing is dropped: clusters are a column (``articles.cluster_id``) and a table (``clusters``);
exports decide what to do with them. Near duplicates come from MinHash signatures of word
5-shingles and an LSH index (datasketch), each candidate pair confirmed by its estimated Jaccard
similarity. Signatures are kept in the archive (``signatures``) and only computed for articles
that are new or whose text changed, so a re-run after a crawl costs little.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from datasketch import MinHash, MinHashLSH

from archive.db import Store
from archive.db.clusters import NEAR_MIN_WORDS, NEAR_THRESHOLD
from pipelines.record import normalised_words

NUM_PERM = 128
SCHEME = "affine32"  # datasketch's hashing scheme; stored signatures are its uint32 values
SHINGLE = 5  # words
LEVELS = {"province": 0, "city": 1, "town": 1, "district": 2, "commune": 3, "department": 1}


@dataclass(frozen=True)
class DedupeResult:
    articles: int  # articles long enough to compare
    signed: int  # signatures computed this run (new or changed text)
    clusters: int
    clustered_articles: int
    cross_portal: int  # clusters spanning more than one portal
    exact: int  # clusters whose members all have the same normalised text


def shingles(text: str) -> set[bytes]:
    words = normalised_words(text)
    if len(words) < SHINGLE:
        return {" ".join(words).encode("utf-8")}
    return {" ".join(words[i : i + SHINGLE]).encode("utf-8") for i in range(len(words) - 4)}


def signature(text: str) -> MinHash:
    minhash = MinHash(num_perm=NUM_PERM, scheme=SCHEME)
    minhash.update_batch(list(shingles(text)))
    return minhash


def _from_bytes(blob: bytes) -> MinHash:
    values = np.frombuffer(blob, dtype=np.uint32)
    return MinHash(num_perm=NUM_PERM, scheme=SCHEME, hashvalues=values)


def dedupe(store: Store, threshold: float | None = None) -> DedupeResult:
    """Recompute the duplicate clusters of the whole archive."""
    threshold = threshold or NEAR_THRESHOLD
    rows = store.texts_to_compare()
    members: dict[str, tuple[str, str, str | None, int]] = {}  # url -> portal, hash, date, level
    minhashes: dict[str, MinHash] = {}
    fresh: list[dict[str, Any]] = []
    for url, portal, text_hash, lead, text, signed_hash, blob, published, level in rows:
        if len(normalised_words(text or "")) < NEAR_MIN_WORDS:
            continue
        body = f"{lead or ''}\n{text or ''}"
        members[url] = (portal, text_hash, published, LEVELS.get(level or "", 9))
        if blob is not None and signed_hash == text_hash:
            minhashes[url] = _from_bytes(blob)
            continue
        minhashes[url] = signature(body)
        fresh.append(
            {"url": url, "text_hash": text_hash, "minhash": minhashes[url].hashvalues.tobytes()}
        )

    groups = _UnionFind(members)
    by_hash: dict[str, str] = {}
    for url, (_, text_hash, _, _) in members.items():
        if text_hash is not None:  # no hash says nothing of sameness
            groups.union(url, by_hash.setdefault(text_hash, url))
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    for url, minhash in minhashes.items():
        lsh.insert(url, minhash)
    for url, minhash in minhashes.items():
        for other in lsh.query(minhash):
            if other != url and minhash.jaccard(minhashes[other]) >= threshold:
                groups.union(url, other)

    clusters = [sorted(group) for group in groups.groups() if len(group) > 1]
    # The representative: first published, then the higher administrative level, then URL.
    ranked = [
        sorted(cluster, key=lambda u: (members[u][2] or "9999", members[u][3], u))
        for cluster in clusters
    ]

    store.replace_clusters(
        fresh,
        [
            {
                "members": cluster,
                "portals": len({members[u][0] for u in cluster}),
                "exact": len({members[u][1] for u in cluster}) == 1,
            }
            for cluster in ranked
        ],
    )
    return DedupeResult(
        articles=len(members),
        signed=len(fresh),
        clusters=len(ranked),
        clustered_articles=sum(map(len, ranked)),
        cross_portal=sum(1 for c in ranked if len({members[u][0] for u in c}) > 1),
        exact=sum(1 for c in ranked if len({members[u][1] for u in c}) == 1),
    )


class _UnionFind:
    def __init__(self, items: Iterable[str]) -> None:
        self.parent = {item: item for item in items}

    def find(self, item: str) -> str:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: str, b: str) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self.parent[max(root_a, root_b)] = min(root_a, root_b)

    def groups(self) -> list[list[str]]:
        found: dict[str, list[str]] = {}
        for item in self.parent:
            found.setdefault(self.find(item), []).append(item)
        return list(found.values())
