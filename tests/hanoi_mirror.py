"""The Hanoi portal mirror in ../shared/data as test and benchmark material.

``reachable_articles`` computes, straight from the files and independently of the crawler's
code, which articles a crawler starting at the home page can reach by following links: every
on-site ``.html`` link that resolves to a staged page, print views excluded.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html

from simulator.data import data_root

HOME = "/vi/trang-chu.html"


def mirror_dir() -> Path:
    root = data_root() / "hanoi-sotttt"
    if not (root / "manifest.jsonl.gz").is_file():
        raise FileNotFoundError(
            f"the Hanoi mirror is missing at {root}; the tests need ../shared/data beside the "
            "repository (or PORTAL_ARCHIVE_DATA pointing at it)"
        )
    return root


@cache
def manifest() -> dict[str, dict[str, Any]]:
    """Manifest records by URL path on the replay server (``/vi/...html``)."""
    records = {}
    with gzip.open(mirror_dir() / "manifest.jsonl.gz", "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            records["/" + record["mirror_path"]] = record
    return records


def articles() -> Iterator[dict[str, Any]]:
    return (r for r in manifest().values() if r["page_type"] == "article")


def read_page(path: str) -> bytes:
    return gzip.decompress((mirror_dir() / "site" / (path.lstrip("/") + ".gz")).read_bytes())


@cache
def reachable_articles() -> frozenset[str]:
    """Article ids reachable by links from the home page (2,892 in the 2022 mirror)."""
    pages = manifest()
    seen, queue, found = {HOME}, [HOME], set()
    while queue:
        path = queue.pop()
        doc = lxml.html.fromstring(read_page(path))
        for href in doc.xpath("//a/@href"):
            target = urlsplit(urljoin("http://mirror" + path, href))
            if target.netloc != "mirror" or not target.path.endswith(".html"):
                continue
            if target.path in seen:
                continue
            seen.add(target.path)
            record = pages.get(target.path)
            if record is None or record["page_type"] == "print_view":
                continue
            if record["page_type"] == "article":
                found.add(str(record["article_id"]))
            queue.append(target.path)
    return frozenset(found)
