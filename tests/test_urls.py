import gzip

import pytest

from crawler.portals import get_portal
from crawler.urls import canonical_url, next_page_url, pagination, rebase, trap_reason
from tests.hanoi_mirror import mirror_dir


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://Example.VN:80/a.html?b=2&a=1#top", "http://example.vn/a.html?a=1&b=2"),
        ("https://x.gov.vn/a?utm_source=fb&fbclid=abc&id=7", "https://x.gov.vn/a?id=7"),
        ("https://x.gov.vn/a;jsessionid=0AF3?id=7", "https://x.gov.vn/a?id=7"),
        ("https://x.gov.vn:8443/a", "https://x.gov.vn:8443/a"),
        ("https://x.gov.vn/tin t%E1%BB%A9c", "https://x.gov.vn/tin%20t%E1%BB%A9c"),
    ],
)
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected


def test_rebase_moves_replay_urls_under_the_real_origin():
    assert (
        rebase("http://127.0.0.1:5123/vi/a.html?p=2", "https://sotttt.hanoi.gov.vn")
        == "https://sotttt.hanoi.gov.vn/vi/a.html?p=2"
    )


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://h/web/sotttt-eng/x/-/view_content/1.html/en/en/en", "repeated-segments"),
        ("http://h/vi/tin/-/view_content/vi/tin/-/view_content/1-a.html", "repeated-segments"),
        ("http://h/" + "a/b/" * 6 + "c", "repeated-segments"),
        ("http://h/" + "/".join(f"s{i}" for i in range(25)), "too-many-segments"),
        ("http://h/x?" + "q" * 3000, "url-too-long"),
        ("http://h/vi/tin-tuc/-/view_content/1005503-dam-bao.html", None),
        ("http://h/2016/07/13/bai-viet.html", None),
    ],
)
def test_trap_reason(url, reason):
    assert trap_reason(url) == reason


def test_every_trap_path_of_the_full_mirror_is_refused():
    """The full 2022 mirror's language-switch recursion, print views and repeated segments."""
    portal = get_portal("hanoi-sotttt")
    with gzip.open(mirror_dir() / "mirror-paths.tsv.gz", "rt", encoding="utf-8") as lines:
        paths = [line.rstrip("\n").split("\t")[1].removeprefix("source") for line in lines]
    traps = [p for p in paths if "/en/en/" in p or "/pop_up/" in p or p.count("view_content") > 1]
    assert len(traps) > 3000
    accepted = [p for p in traps if not portal.is_denied(p) and trap_reason("http://h" + p) is None]
    assert accepted == []


@pytest.mark.parametrize(
    ("url", "listing", "number", "following"),
    [
        ("http://h/xa-hoi/", "http://h/xa-hoi/", 1, None),
        ("http://h/xa-hoi/?page=2", "http://h/xa-hoi/", 2, "http://h/xa-hoi/?page=3"),
        ("http://h/p/tin.aspx?Page=12", "http://h/p/tin.aspx", 12, "http://h/p/tin.aspx?Page=13"),
        ("http://h/xa-hoi/trang-3.htm", "http://h/xa-hoi/", 3, "http://h/xa-hoi/trang-4.htm"),
        ("http://h/a?id=3&page=4", "http://h/a?id=3", 4, "http://h/a?id=3&page=5"),
        ("http://h/vi/tin.html?id=7", "http://h/vi/tin.html?id=7", 1, None),
    ],
)
def test_pagination(url, listing, number, following):
    assert pagination(url) == (listing, number)
    assert next_page_url(url) == following
