"""Reading web archives' indexes and answers, without a server: CDX pages in both formats, the
choice of captures, damaged mementos, Common Crawl's records."""

import io
import json
from dataclasses import replace
from datetime import date

import pytest
from scrapy import Request
from scrapy.http import Response
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.archive_access import (
    MEMENTO_PROBLEM,
    UNUSABLE_DIGESTS,
    KnownUnusablePayload,
    MementoMiddleware,
    memento_problem,
    payload_sha1,
)
from crawler.items import MEMENTO_META, Memento
from crawler.mementos import (
    CaptureChooser,
    CdxPageError,
    RecoverySourceError,
    cdx_query,
    cdx_rows,
    commoncrawl_endpoints,
    query_hosts,
    web_archive,
)
from crawler.portals import get_portal

HONGLINH = get_portal("honglinh")
ARTICLE = "/portal/pages/2022-08-15/Uy-ban-MTTQ-trien-khai-150504.aspx"
PAGE = ("<html><body><h1>Tin</h1>" + "<p>Nội dung bài viết.</p>" * 40 + "</body></html>").encode()


def pywb_line(url, timestamp, digest="D1", status="200", mime="text/html", **more):
    row = {"urlkey": "k", "timestamp": timestamp, "url": url, "mime": mime, "status": status}
    return json.dumps({**row, "digest": digest, **more}) + "\n"


def test_cdx_rows_read_pywb_json_lines_and_the_wayback_table():
    lines = pywb_line("http://honglinh.hatinh.gov.vn/a", "20200101000000")
    assert cdx_rows(200, lines)[0]["url"] == "http://honglinh.hatinh.gov.vn/a"
    table = json.dumps(
        [
            ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"],
            ["k", "20200101000000", "http://x.vn/a", "text/html", "200", "D", "9"],
        ]
    )
    row = cdx_rows(200, table)[0]  # the Wayback's field names, made pywb's by cdx_toolkit
    assert (row["url"], row["status"], row["mime"]) == ("http://x.vn/a", "200", "text/html")


def test_cdx_rows_end_of_pages_and_damage():
    assert cdx_rows(200, "") == [] and cdx_rows(400, "<html>bad page</html>") == []
    assert cdx_rows(404, '{"error": "No Captures found for: x.vn/*"}') == []
    cut = pywb_line("http://x.vn/a", "20200101000000")[:-30]
    with pytest.raises(CdxPageError, match="cut short"):
        cdx_rows(200, cut)
    with pytest.raises(CdxPageError, match="503"):
        cdx_rows(503, "busy")


def test_web_archive_specs():
    assert web_archive("wayback").replay == "https://web.archive.org/web"
    common = web_archive("commoncrawl", "http://127.0.0.1:9/", "http://127.0.0.1:8")
    assert common.collinfo == "http://127.0.0.1:9/collinfo.json" and common.data.endswith(":8")
    local = web_archive("http://127.0.0.1:8080/honglinh/cdx")
    assert (
        local.replay == "http://127.0.0.1:8080/honglinh" and local.base == "http://127.0.0.1:8080"
    )
    with pytest.raises(RecoverySourceError, match="give wayback, commoncrawl"):
        web_archive("archive.org")


def test_cdx_query_asks_for_every_path_of_the_host_answered_200():
    url = cdx_query("http://a/c/cdx", "honglinh.hatinh.gov.vn", 2, "wayback", date(2020, 1, 1))
    assert "url=honglinh.hatinh.gov.vn%2F%2A" in url and "page=2" in url
    assert "filter=status%3A200" in url and "from=20200101" in url
    wayback = cdx_query("https://web.archive.org/cdx/search/cdx", "x.vn", 0, "wayback")
    assert "filter=statuscode%3A200" in wayback and "pageSize=" in wayback


def test_query_hosts_cover_former_origins_once_without_www():
    moved = replace(
        HONGLINH,
        origin="https://www.honglinh.hatinh.gov.vn",
        former_origins=("http://honglinh.hatinh.gov.vn", "http://old.hatinh.gov.vn"),
    )
    assert query_hosts(moved) == ["honglinh.hatinh.gov.vn", "old.hatinh.gov.vn"]


def chooser(**more):
    return CaptureChooser(HONGLINH, web_archive("http://127.0.0.1:1/c/cdx"), **more)


def test_chooser_keeps_articles_of_the_portal_earliest_first_one_per_payload():
    pick = chooser()
    rows = [
        {"url": f"https://www.honglinh.hatinh.gov.vn{ARTICLE}", "timestamp": "20230101000000",
         "status": "200", "mime": "text/html", "digest": "B"},
        {"url": f"http://honglinh.hatinh.gov.vn{ARTICLE}", "timestamp": "20220901000000",
         "status": "200", "mime": "text/html", "digest": "A"},
        {"url": f"http://honglinh.hatinh.gov.vn{ARTICLE}", "timestamp": "20221001000000",
         "status": "200", "mime": "text/html", "digest": "A"},  # the same payload again
        {"url": "http://honglinh.hatinh.gov.vn/portal/pages/default.aspx",
         "timestamp": "20220901000000", "status": "200", "mime": "text/html", "digest": "H"},
        {"url": f"http://hatinh.gov.vn{ARTICLE}", "timestamp": "20220901000000",
         "status": "200", "mime": "text/html", "digest": "P"},
        {"url": f"http://honglinh.hatinh.gov.vn{ARTICLE}", "timestamp": "20250801000000",
         "status": "301", "mime": "text/html", "digest": "R"},
        {"url": "http://honglinh.hatinh.gov.vn/banner.jpg", "timestamp": "20220901000000",
         "status": "200", "mime": "image/jpeg", "digest": "J"},
    ]  # fmt: skip
    pick.add(rows)
    [(url, mementos)] = pick.chosen()
    assert url == f"https://honglinh.hatinh.gov.vn{ARTICLE}"  # under the portal's origin
    assert [m.timestamp for m in mementos] == ["20220901000000", "20230101000000"]
    assert mementos[0].fetch_url == (
        f"http://127.0.0.1:1/c/20220901000000id_/http://honglinh.hatinh.gov.vn{ARTICLE}"
    )
    assert dict(pick.counts) == {
        "rows": 7,
        "left_out/same_payload": 1,
        "left_out/not_article": 1,
        "left_out/other_host": 1,
        "left_out/not_200": 1,
        "left_out/not_html": 1,
    }


def test_chooser_leaves_out_a_payload_shared_by_many_articles_and_the_window():
    pick = chooser(captured_since=date(2021, 1, 1))
    for number in range(4):
        path = ARTICLE.replace("150504", str(150600 + number))
        pick.add([
            {"url": f"http://honglinh.hatinh.gov.vn{path}", "timestamp": "20240101000000",
             "status": "200", "mime": "text/html", "digest": "NOTFOUND"},
            {"url": f"http://honglinh.hatinh.gov.vn{path}", "timestamp": "20200101000000",
             "status": "200", "mime": "text/html", "digest": f"OLD{number}"},
        ])  # fmt: skip
    assert pick.chosen() == []  # a soft 404 under 4 URLs, and captures before the window
    assert pick.counts["left_out/shared_payload"] == 4
    assert pick.counts["left_out/outside_window"] == 4


def test_commoncrawl_crawls_chosen_by_the_capture_window():
    names = ["CC-MAIN-2019-04", "CC-MAIN-2021-10", "CC-MAIN-2023-50", "CC-MAIN-2025-08"]
    collinfo = json.dumps([{"id": n, "cdx-api": f"http://i/{n}-index"} for n in names])
    assert commoncrawl_endpoints(collinfo, None, None)[0] == "http://i/CC-MAIN-2025-08-index"
    window = commoncrawl_endpoints(collinfo, date(2021, 6, 1), date(2022, 6, 1))
    assert "http://i/CC-MAIN-2023-50-index" in window  # the crawl after holds the window's end
    assert "http://i/CC-MAIN-2025-08-index" not in window
    with pytest.raises(RecoverySourceError):
        commoncrawl_endpoints("<html>", None, None)


def memento(**more):
    fields = {
        "original": f"http://honglinh.hatinh.gov.vn{ARTICLE}",
        "timestamp": "20220901000000",
        "source": "wayback",
        "fetch_url": "http://127.0.0.1:1/c/20220901000000id_/x",
        "digest": payload_sha1(PAGE),
    }
    return Memento(**{**fields, **more})


def test_memento_problems():
    good = memento()
    assert memento_problem(good, 200, PAGE) is None
    assert memento_problem(good, 200, PAGE[:-100]) == "digest_mismatch"
    assert memento_problem(good, 302, b"") == "captured_302"
    unchecked = memento(digest="")
    toolbar = b"<!-- BEGIN WAYBACK TOOLBAR INSERT -->" + PAGE
    assert memento_problem(unchecked, 200, toolbar) == "archive_toolbar"
    soft = ("<html><title>Không tìm thấy trang</title>" + " " * 600 + "</html>").encode()
    assert memento_problem(unchecked, 200, soft) == "soft_404"
    assert memento_problem(unchecked, 200, b"<html></html>") == "empty"
    assert good.captured_at == "2022-09-01T00:00:00+00:00"


def test_wayback_headers_made_original_again():
    request = Request(memento().fetch_url, meta={MEMENTO_META: memento()})
    headers = {
        "Content-Type": "text/html; charset=utf-8",
        "Memento-Datetime": "Thu, 01 Sep 2022 00:00:00 GMT",
        "Link": '<http://x>; rel="original"',
        "X-Archive-Orig-Last-Modified": "Wed, 31 Aug 2022 10:00:00 GMT",
        "X-Archive-Orig-Content-Length": "999",
    }
    response = Response(request.url, status=200, headers=headers, body=PAGE, request=request)
    made = MementoMiddleware().process_response(request, response)
    names = {name.decode().lower() for name in made.headers}
    assert names == {"content-type", "last-modified"}
    assert MEMENTO_PROBLEM not in request.meta


def test_a_payload_found_unusable_is_not_fetched_again_under_another_url():
    found: set[str] = set()
    first = Request("http://a/1", meta={MEMENTO_META: memento(digest="S"), UNUSABLE_DIGESTS: found})
    soft = ("<html><title>Không tìm thấy trang</title>" + " " * 600 + "</html>").encode()
    response = Response(first.url, status=200, body=soft, request=first)
    MementoMiddleware().process_response(first, response)
    assert first.meta[MEMENTO_PROBLEM] == "soft_404" and found == {"S"}
    second = Request(
        "http://a/2", meta={MEMENTO_META: memento(digest="S"), UNUSABLE_DIGESTS: found}
    )
    with pytest.raises(KnownUnusablePayload):
        MementoMiddleware().process_request(second)


def warc_record(body, status="200 OK"):
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    http = StatusAndHeaders(status, [("Content-Type", "text/html")], "HTTP/1.1")
    record = writer.create_warc_record(
        "http://honglinh.hatinh.gov.vn/a", "response", payload=io.BytesIO(body),
        length=len(body), http_headers=http,
    )  # fmt: skip
    writer.write_record(record)
    return out.getvalue()


def test_common_crawl_record_read_by_range_becomes_its_response():
    cc = memento(source="commoncrawl", fetch_url="http://127.0.0.1:2/f.warc.gz", offset=0)
    record = warc_record(PAGE)
    request = Request(cc.fetch_url, meta={MEMENTO_META: replace(cc, length=len(record))})
    response = Response(request.url, status=206, body=record, request=request)
    made = MementoMiddleware().process_response(request, response)
    assert (made.status, made.body) == (200, PAGE)
    assert made.headers[b"Content-Type"] == b"text/html"
    cut = Request(cc.fetch_url, meta={MEMENTO_META: cc})
    damaged = Response(cut.url, status=206, body=record[: len(record) // 2], request=cut)
    MementoMiddleware().process_response(cut, damaged)
    assert cut.meta[MEMENTO_PROBLEM] in ("unreadable_record", "digest_mismatch")


def test_a_web_archive_is_asked_once_a_second_on_one_connection():
    from archive.runner import crawl_settings

    overrides = {"ARCHIVE_RECOVER_FROM": "wayback"}
    settings = crawl_settings(HONGLINH, "x.db", "https://web.archive.org", overrides)
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 1
    assert settings.getfloat("DOWNLOAD_DELAY") == 1.0
    assert settings.getbool("RANDOMIZE_DOWNLOAD_DELAY") is False
    local = crawl_settings(HONGLINH, "x.db", "http://127.0.0.1:8080", overrides)
    assert local.getfloat("DOWNLOAD_DELAY") == 0  # relaxed only on 127.0.0.1
    slower = {**overrides, "ARCHIVE_RECOVER_DELAY": 4.0}
    assert crawl_settings(HONGLINH, "x.db", "https://x", slower).getfloat("DOWNLOAD_DELAY") == 4.0
