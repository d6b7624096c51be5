"""Hà Tĩnh city portal, 2016 style (seed 000).

"Email Print Aa" toolbar as three adjacent links, date line ``14:08 13/07/2016``, captions in
table cells, a right-aligned byline "Name (Unit)", an "Ý kiến bạn đọc" comment form with a
captcha, and a work-calendar page whose previous/next-day links never end (a crawler trap).
"""

from __future__ import annotations

import re
from datetime import datetime

from simulator.content import SimArticle
from simulator.families._base import Family, Reply, body_blocks, calendar_day, e, page_number
from simulator.site import Site

_ARTICLE = re.compile(r"^/tin-tuc-su-kien/[a-z0-9-]+-(\d+)\.html$")
LISTING = "/tin-tuc-su-kien.html"
CALENDAR = "/lich-cong-tac.html"


class HaTinhCity(Family):
    name = "hatinh-city-portal-2016"
    article_re = _ARTICLE

    def article_path(self, site: Site, article: SimArticle) -> str:
        return f"/tin-tuc-su-kien/{article.slug()}-{article.id}.html"

    def listing(
        self, site: Site, now: datetime, path: str, query: dict[str, list[str]]
    ) -> Reply | None:
        if path in ("/", "/index.html"):
            items = site.visible(now)[: site.page_size]
            return Reply(200, self._page(site, now, "Trang chủ", self._items(site, items)))
        if path != LISTING:
            return None
        page = page_number(query, "page")
        items, total = self.pages(site.visible(now), page, site.page_size)
        links = []
        if page > 1:
            links.append(f'<a href="{LISTING}?page={page - 1}">« Trang trước</a>')
        if page < total:
            links.append(f'<a href="{LISTING}?page={page + 1}">Trang sau »</a>')
        body = self._items(site, items) + f'<div class="paging">{" ".join(links)}</div>'
        return Reply(200, self._page(site, now, "Tin tức - Sự kiện", body))

    def extra_routes(
        self, site: Site, now: datetime, path: str, query: dict[str, list[str]]
    ) -> Reply | None:
        if path != CALENDAR:
            return None
        body = calendar_day(CALENDAR, query, now)
        if isinstance(body, Reply):
            return body
        return Reply(200, self._page(site, now, "Lịch công tác", body))

    def _items(self, site: Site, items: list[SimArticle]) -> str:
        return "\n".join(
            f'<div class="item"><h3><a href="{self.article_path(site, a)}">{e(a.title)}</a></h3>'
            f'<span class="time">{a.published:%H:%M %d/%m/%Y}</span><p>{e(a.lead)}</p></div>'
            for a in items
        )

    def render_article(self, site: Site, article: SimArticle, now: datetime) -> str:
        body = body_blocks(
            article,
            "<p>{text}</p>",
            '<table class="image" align="center"><tr><td><img src="/Uploads/images/{n}.jpg" '
            'alt="" /></td></tr><tr><td class="caption">{text}</td></tr></table>',
        )
        byline = (
            f'<p style="text-align: right;"><strong>{e(article.byline)}</strong></p>'
            if article.byline
            else ""
        )
        lead = f'<p class="sapo"><strong>{e(article.lead)}</strong></p>' if article.lead else ""
        content = f"""
<div class="detail">
  <h1 class="title">{e(article.title)}</h1>
  <div class="tools"><a href="mailto:?subject=tin">Email</a><a href="javascript:window.print()">Print</a><span class="font-size" onclick="toggleSize()">Aa</span></div>
  <div class="date">{article.published:%H:%M %d/%m/%Y}</div>
  <div class="content change-size">
{lead}
{body}
{byline}
  </div>
  <div class="comments"><h3>Ý kiến bạn đọc</h3>
    <form method="post" action="/gui-y-kien.html"><input name="hoten" placeholder="Họ và tên"/>
    <input name="email" placeholder="Email"/><textarea name="noidung"></textarea>
    <img src="/captcha.aspx" alt=""/><input name="captcha" placeholder="Nhập mã bảo vệ"/>
    <button type="submit">Gửi ý kiến</button></form></div>
</div>"""
        return self._page(site, now, article.title, content)

    def _page(self, site: Site, now: datetime, title: str, content: str) -> str:
        notice = ""
        if site.state(now) == "frozen":
            notice = (
                '<div class="notice">Thông báo: Từ ngày 01/7/2025, Cổng thông tin điện tử thành phố '
                "ngừng cập nhật tin bài theo chủ trương sắp xếp đơn vị hành chính.</div>"
            )
        return f"""<!DOCTYPE html>
<html><head><meta charset="{site.charset_header}"/><title>{e(title)} - {e(site.name)}</title></head>
<body>{notice}<div class="header"><a href="/">{e(site.name)}</a></div>
<div class="menu"><a href="/">Trang chủ</a> | <a href="{LISTING}">Tin tức - Sự kiện</a> | <a href="{CALENDAR}">Lịch công tác</a></div>
<div class="main">{content}</div>
<div class="right"><div class="box"><h3>Thống kê truy cập</h3>Đang truy cập: 27<br/>Tổng lượt truy cập: 2.054.118</div></div>
<div class="footer">Bản quyền thuộc UBND thành phố Hà Tĩnh. Ghi rõ nguồn khi phát hành lại thông tin từ website này.</div>
</body></html>"""


FAMILY = HaTinhCity()
