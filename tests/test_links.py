"""LinkReader gives the crawl the same links Scrapy's LinkExtractor does, only faster: checked on
real pages (the Hanoi mirror's relative links, the seed portals' absolute ones) and on the
awkward cases (<base href>, whitespace, files, other schemes, non-ASCII paths)."""

import gzip
import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from scrapy.http import HtmlResponse
from scrapy.linkextractors import LinkExtractor

from crawler.links import LinkReader
from crawler.urls import canonical_url
from tests.hanoi_mirror import articles, read_page

FIXTURES = Path(__file__).parent / "fixtures" / "portals"
HOST = "127.0.0.1:8123"


def on_site(url: str) -> str | None:
    return canonical_url(url) if urlsplit(url).netloc == HOST else None


def extractor_links(response: HtmlResponse) -> tuple[list[str], int]:
    """What the spider did before LinkReader: LinkExtractor, then on_site, first occurrences."""
    found, offsite = [], 0
    for link in LinkExtractor(unique=False).extract_links(response):
        url = on_site(link.url)
        if url is None:
            offsite += 1
        elif url not in found:
            found.append(url)
    return found, offsite


def response(path: str, body: bytes, encoding: str | None = None) -> HtmlResponse:
    return HtmlResponse(f"http://{HOST}{path}", body=body, encoding=encoding)


def test_same_links_as_scrapy_on_the_hanoi_mirror():
    reader = LinkReader(on_site)
    pages = sorted(articles(), key=lambda record: record["article_id"])[::40]
    assert len(pages) > 50
    for record in pages:
        path = "/" + record["mirror_path"]
        page = response(path, read_page(path))
        assert reader.links(page) == extractor_links(page), path


def test_same_links_as_scrapy_on_the_seed_portals():
    reader = LinkReader(on_site)
    pages = sorted(FIXTURES.glob("*/*/page.html.gz"))
    assert len(pages) >= 10
    for page_file in pages:
        meta = json.loads((page_file.parent / "meta.json").read_text("utf-8"))
        path = urlsplit(meta.get("url", "/a/b.html")).path or "/"
        page = response(path, gzip.decompress(page_file.read_bytes()))
        assert reader.links(page) == extractor_links(page), page_file


@pytest.mark.parametrize(
    ("path", "html"),
    [
        ("/tin/a.html", '<base href="http://127.0.0.1:8123/khac/"><a href="b.html">b</a>'),
        ("/tin/a.html", '<a href=" \n../x.html\t">x</a><a href="../x.html#top">again</a>'),
        ("/tin/a.html", '<a href="/f/van-ban.PDF">pdf</a><a href="anh.jpg">jpg</a>'),
        ("/tin/a.html", '<a href="mailto:a@b.vn">m</a><a href="javascript:void(0)">j</a>'),
        ("/tin/a.html?page=2", '<a href="?page=3">3</a><a href="#">top</a><a href="">self</a>'),
        ("/tin/a.html", '<a href="//127.0.0.1:8123/c.html">c</a><a href="//other.vn/">o</a>'),
        ("/tin/", '<a href="tin-tức/bài viết.html?q=hà nội">vi</a><area href="vùng.html">'),
        ("/tin/a.html", '<a href="http://[bad/x">bad</a><a href="https://other.vn/x">o</a>'),
    ],
)
def test_awkward_links_match_scrapy(path, html):
    for encoding in ("utf-8", "cp1258"):
        body = f"<html><body>{html}</body></html>".encode(encoding, "xmlcharrefreplace")
        page = response(path, body, encoding)
        reader = LinkReader(on_site)
        assert reader.links(page) == extractor_links(page)
        assert reader.links(page) == extractor_links(page)  # and again, from what it remembers


def test_relative_links_resolve_against_each_page_folder():
    reader = LinkReader(on_site)
    first = reader.links(response("/a/one.html", b'<a href="x.html">x</a>'))
    second = reader.links(response("/b/two.html", b'<a href="x.html">x</a>'))
    assert first == ([f"http://{HOST}/a/x.html"], 0)
    assert second == ([f"http://{HOST}/b/x.html"], 0)


def test_a_page_of_a_million_links_gives_only_the_first_max_links():
    """A hostile page once queued every one of its links (4.4 GB for four 20 MB pages)."""
    reader = LinkReader(lambda url: url, max_links=3)
    links = "".join(f'<a href="/tin/{n}.html">{n}</a>' for n in range(10))
    page = HtmlResponse("https://x.gov.vn/", body=f"<html><body>{links}</body></html>".encode())
    found, _ = reader.links(page)
    assert found == [f"https://x.gov.vn/tin/{n}.html" for n in range(3)] and reader.capped
    small = HtmlResponse("https://x.gov.vn/", body=b'<html><a href="/a.html">a</a></html>')
    assert reader.links(small)[0] == ["https://x.gov.vn/a.html"] and not reader.capped
    # A huge page is parsed from its first max_links x 400 bytes only (its tree cost 170 MB).
    huge = HtmlResponse("https://x.gov.vn/", body=b'<a href="/b.html">b</a>' + b" " * 5_000_000)
    assert reader.links(huge)[0] == ["https://x.gov.vn/b.html"] and reader.capped
