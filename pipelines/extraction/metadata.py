"""What a page says of itself in its metadata, for pages no declaration describes.

Title and author from ``<meta>`` (Open Graph, Twitter, Dublin Core, ``name=author``), JSON-LD
(``headline``, ``author``), then the page's elements (a lone ``<h1>``, ``rel=author``,
``.byline``), read with trafilatura's metadata functions, in the order its ``extract_metadata``
uses them, without the date search that function also runs (htmldate, the slow part; the date
is found by pipelines.extraction.dates and core). Measured on trafilatura's evaluation corpus
(bench/extraction.py), the titles and authors match or beat ``extract_metadata``'s.
"""

from __future__ import annotations

from dataclasses import dataclass

import lxml.html
from trafilatura.metadata import examine_meta, extract_author, extract_meta_json, extract_title


@dataclass(frozen=True)
class PageMetadata:
    title: str | None
    authors: list[str]


def page_metadata(doc: lxml.html.HtmlElement) -> PageMetadata:
    """The page's own title and authors (several authors come as "A; B")."""
    try:
        metadata = examine_meta(doc)
        if metadata.author and " " not in metadata.author.strip():
            metadata.author = None  # one word in a meta tag: a handle or the site, as a rule
        metadata = extract_meta_json(doc, metadata)  # JSON-LD's author is taken as it is
    except Exception:  # noqa: BLE001 - trafilatura's JSON-LD reader has bugs of its own
        return PageMetadata(None, [])
    title = " ".join((metadata.title or extract_title(doc) or "").split()) or None
    author = metadata.author or extract_author(doc)
    if not author or author.startswith(("http://", "https://")):
        return PageMetadata(title, [])
    return PageMetadata(title, [part.strip() for part in author.split(";") if part.strip()][:5])
