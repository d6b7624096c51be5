"""Listings that page only by postback (ASP.NET WebForms): the spider posts the page's form
back for the next page, as a browser would, and only for portals that declare it."""

from dataclasses import replace
from urllib.parse import parse_qs

from scrapy.http import FormRequest, HtmlResponse, Request

from crawler.portals import get_portal
from crawler.spiders.postback import POSTBACK_PAGE, form_fields
from tests.spiders import make_spider

BASE = "http://127.0.0.1:8123"
PAGE = f"""<html><body><form method="post" action="DanhSach.aspx?MaChuyenMuc=3" id="aspnetForm">
<input type="hidden" name="__VIEWSTATE" value="dDwtMTM4" />
<input type="hidden" name="__EVENTTARGET" value="" />
<input type="hidden" name="__EVENTARGUMENT" value="" />
<input type="text" name="q" value="" /><input type="submit" name="btn" value="Tìm" />
<input type="checkbox" name="off" /><select name="nam"><option value="2024">2024</option>
<option value="2025" selected>2025</option></select>
<a href="{BASE}/TinTuc/ChiTiet.aspx?MaTin=1">Tin một</a>
<span>1</span> <a href="javascript:__doPostBack('ctl00$zone1$pager','Page$2')">2</a>
<a href="javascript:__doPostBack('ctl00$zone1$pager','Page$3')">3</a></form></body></html>"""


def listing(portal, meta=None):
    url = f"{BASE}/TinTuc/DanhSach.aspx?MaChuyenMuc=3"
    request = Request(url, meta=meta or {})
    return HtmlResponse(url, body=PAGE.encode(), encoding="utf-8", request=request)


def webforms_portal(postback):
    return replace(
        get_portal("daksong"),
        article_pattern=r"^/TinTuc/ChiTiet\.aspx\?MaTin=\d+$",
        listing_pattern=r"^/TinTuc/DanhSach\.aspx\?MaChuyenMuc=\d+$",
        postback_pager=postback,
    )


def test_the_form_is_posted_as_a_browser_posts_it():
    action, fields = form_fields(listing(webforms_portal(True)))
    assert action == f"{BASE}/TinTuc/DanhSach.aspx?MaChuyenMuc=3"
    assert fields == {
        "__VIEWSTATE": "dDwtMTM4",
        "__EVENTTARGET": "",
        "__EVENTARGUMENT": "",
        "q": "",
        "nam": "2025",
    }


def test_only_the_next_page_is_posted_for():
    spider = make_spider(webforms_portal(True), ARCHIVE_FETCH_BASE=BASE)
    posts = [r for r in spider.parse(listing(spider.portal)) if isinstance(r, FormRequest)]
    assert len(posts) == 1
    form = parse_qs(posts[0].body.decode())
    assert form["__EVENTTARGET"] == ["ctl00$zone1$pager"] and form["__EVENTARGUMENT"] == ["Page$2"]
    assert posts[0].method == "POST" and posts[0].meta[POSTBACK_PAGE] == 2
    # On page 2 (as posted), the next one is 3; nothing after the last.
    after = [
        r
        for r in spider.parse(listing(spider.portal, {POSTBACK_PAGE: 2, "stale": 0}))
        if isinstance(r, FormRequest)
    ]
    assert parse_qs(after[0].body.decode())["__EVENTARGUMENT"] == ["Page$3"]
    last = [
        r
        for r in spider.parse(listing(spider.portal, {POSTBACK_PAGE: 3, "stale": 0}))
        if isinstance(r, FormRequest)
    ]
    assert last == []


def test_a_portal_that_does_not_declare_it_never_posts():
    spider = make_spider(webforms_portal(False), ARCHIVE_FETCH_BASE=BASE)
    assert not [r for r in spider.parse(listing(spider.portal)) if isinstance(r, FormRequest)]
