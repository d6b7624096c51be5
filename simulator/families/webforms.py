"""Custom ASP.NET WebForms province portal, Quảng Nam style.

Articles at ``/TinTuc/ChiTiet.aspx?MaTin=N`` read with label ids (``…lblTieuDe``,
``…lblNgayDang``, ``…lblTomTat``, ``…lblNoiDung``, ``…lblTacGia``), the body a ``span`` of
paragraphs. Section listings ``/TinTuc/DanhSach.aspx?MaChuyenMuc=N`` show their first page to a
GET; every further page only to a postback: the pager's links are
``javascript:__doPostBack('ctl00$zone1$ucDanhSach$pager','Page$N')``, and the server answers
the form posted back (``__VIEWSTATE``, ``__EVENTVALIDATION``, ``__EVENTTARGET``,
``__EVENTARGUMENT``), refusing one without its view state, as ASP.NET does. Traps: cookieless
session ids in the path (``/(S(…))/``, a new one on every page), a print view and a send-by-mail
page per article, and ``?lang=en`` copies of every page.
"""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import datetime

from simulator.content import SimArticle
from simulator.families._base import Family, Reply, body_blocks, e, first_query
from simulator.site import Site

SECTIONS = {"3": "Tin hoạt động", "7": "Thông báo - Chỉ đạo"}
DETAIL = "/TinTuc/ChiTiet.aspx"
LIST = "/TinTuc/DanhSach.aspx"
HOME = "/Default.aspx"
PAGER = "ctl00$zone1$ucDanhSach$pager"
LABEL = "ctl00_zone1_detail_ctl00_ctl00_lbl"
_SESSION = re.compile(r"^/\(S\([a-z0-9]{24}\)\)")


def _view_state(section: str, page: int) -> str:
    return base64.b64encode(f"dDwtMTM4;section={section};page={page}".encode()).decode()


class WebForms(Family):
    name = "province-webforms"

    def article_path(self, site: Site, article: SimArticle) -> str:
        return f"{DETAIL}?MaTin={article.id}"

    def article_id(self, path: str, query: dict[str, list[str]]) -> int | None:
        value = first_query(query, "MaTin")
        return int(value) if path == DETAIL and value.isdigit() else None

    def is_own_path(self, site: Site, article: SimArticle, path: str, raw_query: str) -> bool:
        return True

    def home_path(self, site: Site) -> str:
        return HOME

    def section_of(self, article: SimArticle) -> str:
        return next((key for key, name in SECTIONS.items() if name == article.section), "3")

    def route(
        self,
        site: Site,
        now: datetime,
        path: str,
        raw_query: str,
        form: dict[str, list[str]] | None = None,
    ) -> Reply:
        path = _SESSION.sub("", path) or "/"  # the session id changes nothing but the URL
        if form is not None:
            return self.postback(site, now, path, raw_query, form)
        return super().route(site, now, path, raw_query)

    def postback(
        self, site: Site, now: datetime, path: str, raw_query: str, form: dict[str, list[str]]
    ) -> Reply:
        """A pager link posted back: the page it names, if the form carries its view state."""
        from urllib.parse import parse_qs

        section = first_query(parse_qs(raw_query), "MaChuyenMuc", "3")
        state = (form.get("__VIEWSTATE") or [""])[0]
        target = (form.get("__EVENTTARGET") or [""])[0]
        argument = (form.get("__EVENTARGUMENT") or [""])[0]
        if path != LIST or section not in SECTIONS or not state or target != PAGER:
            return Reply(
                500, "<html><body><h2>Invalid postback or callback argument.</h2></body></html>"
            )
        match = re.fullmatch(r"Page\$(\d+)", argument)
        if not match:
            return Reply(
                500, "<html><body><h2>Invalid postback or callback argument.</h2></body></html>"
            )
        return self._listing(site, now, section, int(match.group(1)))

    def listing(
        self, site: Site, now: datetime, path: str, query: dict[str, list[str]]
    ) -> Reply | None:
        if path in ("/", HOME):
            items = site.visible(now)[: site.page_size]
            return Reply(200, self._page(site, "Trang chủ", self._items(site, items), path))
        if path != LIST:
            return None
        section = first_query(query, "MaChuyenMuc", "3")
        if section not in SECTIONS:
            return Reply(404, "<html><body>Không tìm thấy chuyên mục</body></html>")
        return self._listing(site, now, section, 1)

    def _listing(self, site: Site, now: datetime, section: str, page: int) -> Reply:
        items, total = self.pages(site.visible(now, SECTIONS[section]), page, site.page_size)
        shown = sorted({1, total, *range(max(1, page - 3), min(total, page + 3) + 1)})
        pager = " ".join(
            f"<a href=\"javascript:__doPostBack('{PAGER}','Page${n}')\">{n}</a>"
            if n != page
            else f'<span class="current">{n}</span>'
            for n in shown
        )
        action = f"DanhSach.aspx?MaChuyenMuc={section}"
        body = f"""<form name="aspnetForm" method="post" action="{action}" id="aspnetForm">
<input type="hidden" name="__EVENTTARGET" id="__EVENTTARGET" value="" />
<input type="hidden" name="__EVENTARGUMENT" id="__EVENTARGUMENT" value="" />
<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="{_view_state(section, page)}" />
<input type="hidden" name="__EVENTVALIDATION" id="__EVENTVALIDATION" value="/wEWAgL{section}{page}" />
<h2 class="tieude-chuyenmuc">{e(SECTIONS[section])}</h2>
{self._items(site, items)}
<div class="phantrang" id="ctl00_zone1_ucDanhSach_pager">Trang: {pager}</div>
<input type="text" name="ctl00$zone1$txtTimKiem" /><input type="submit" name="ctl00$zone1$btnTim" value="Tìm" />
</form>"""
        return Reply(
            200, self._page(site, SECTIONS[section], body, f"{LIST}?{action.split('?')[1]}")
        )

    def _items(self, site: Site, items: list[SimArticle]) -> str:
        rows = "\n".join(
            f'<div class="tin-item"><a class="tieude" href="{self.article_path(site, a)}">{e(a.title)}</a>'
            f'<span class="ngay">({a.published:%d/%m/%Y})</span><div class="tomtat">{e(a.lead)}</div></div>'
            for a in items
        )
        return f'<div class="danhsach-tin">{rows}</div>'

    def render_article(self, site: Site, article: SimArticle, now: datetime) -> str:
        body = body_blocks(
            article,
            "<p>{text}</p>",
            '<table class="anh" align="center"><tr><td><img src="/Upload/TinTuc/anh-{n}.jpg"/></td></tr>'
            "<tr><td><em>{text}</em></td></tr></table>",
        )
        author = (
            f'<span id="{LABEL}TacGia" class="tacgia">{e(article.byline)}</span>'
            if article.byline
            else ""
        )
        others = [a for a in site.visible(now, article.section) if a.id != article.id][:5]
        related = "".join(
            f'<li><a href="{self.article_path(site, a)}">{e(a.title)}</a></li>' for a in others
        )
        weekday = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"]
        content = f"""<div class="chitiet-tin">
<span id="{LABEL}TieuDe" class="tieude-chitiet">{e(article.title)}</span>
<div class="ngaydang"><span id="{LABEL}NgayDang">{weekday[article.published.weekday()]}, {article.published:%d/%m/%Y %H:%M}</span></div>
<div class="congcu"><a href="/TinTuc/InBai.aspx?MaTin={article.id}">In bài</a> | <a href="/TinTuc/GuiEmail.aspx?MaTin={article.id}">Gửi email</a> | <a href="javascript:window.scrollTo(0,0)">Về đầu trang</a></div>
<div class="tomtat-chitiet"><span id="{LABEL}TomTat">{e(article.lead)}</span></div>
<div class="noidung-chitiet"><span id="{LABEL}NoiDung">{body}</span></div>
<div class="tacgia-chitiet">{author}</div>
</div>
<div class="tinkhac"><h3>Các tin khác</h3><ul>{related}</ul></div>"""
        return self._page(site, article.title, content, self.article_path(site, article))

    def extra_routes(
        self, site: Site, now: datetime, path: str, query: dict[str, list[str]]
    ) -> Reply | None:
        if path in ("/TinTuc/InBai.aspx", "/TinTuc/GuiEmail.aspx"):
            article, status = site.find(int(first_query(query, "MaTin", "0") or 0), now)
            if article is None:
                return Reply(status, "<html><body>Không tìm thấy</body></html>")
            what = "Bản in" if "InBai" in path else "Gửi bài viết qua email"
            return Reply(200, f"<html><body><h3>{what}</h3><p>{e(article.title)}</p></body></html>")
        return None

    def _page(self, site: Site, title: str, content: str, here: str) -> str:
        session = hashlib.sha1(here.encode()).hexdigest()[:24]  # a new session id on every page
        menu = "".join(
            f'<li><a href="{LIST}?MaChuyenMuc={key}">{e(name)}</a></li>'
            for key, name in SECTIONS.items()
        )
        return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>{e(title)} - {e(site.name)}</title>
<script type="text/javascript">function __doPostBack(t, a) {{ var f = document.forms['aspnetForm']; f.__EVENTTARGET.value = t; f.__EVENTARGUMENT.value = a; f.submit(); }}</script></head>
<body><div id="header"><a href="{HOME}"><img src="/Images/banner.jpg" alt="{e(site.name)}" /></a>
<a href="{here}{"&amp;" if "?" in here else "?"}lang=en">English</a></div>
<ul id="menu"><li><a href="{HOME}">Trang chủ</a></li>{menu}<li><a href="/(S({session}))/Default.aspx">Trang chủ (phiên)</a></li></ul>
<div id="noidung">{content}</div>
<div id="cot-phai"><div class="lienket"><h3>Liên kết</h3><select><option>Cổng Dịch vụ công quốc gia</option></select></div>
<div class="thongke">Lượt truy cập: 9.845.120<br />Đang online: 112</div></div>
<div id="footer">Cổng thông tin điện tử tỉnh Quảng Nam. Bản quyền thuộc UBND tỉnh Quảng Nam.</div></body></html>"""


FAMILY = WebForms()
