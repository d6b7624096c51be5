"""Hà Tĩnh district/town portal, Hồng Lĩnh style (seed 001).

URLs ``/portal/pages/YYYY-MM-DD/Title-Slug-NNNNNN.aspx``; listings paged with ``?Page=N``;
JS-filled rating labels, a comment form whose captcha error span is in the static HTML, a sidebar
with the town map, songs, a "Liên kết website" select and a visitor counter.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from simulator.content import SimArticle
from simulator.families._base import (
    Family,
    Reply,
    body_blocks,
    ddmmyyyy,
    e,
    page_number,
    pager_window,
)
from simulator.site import Site

_ARTICLE = re.compile(r"^/portal/pages/\d{4}-\d{2}-\d{2}/[A-Za-z0-9-]+-(\d+)\.aspx$")
LISTING = "/portal/pages/tin-tuc-su-kien.aspx"


def title_slug(title: str, max_len: int = 50) -> str:
    """ASCII slug that keeps the title's capitals, cut like the real portal cuts it."""
    folded = unicodedata.normalize("NFKD", title.replace("đ", "d").replace("Đ", "D"))
    ascii_title = folded.encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_title).strip("-")[:max_len].rstrip("-")


class HongLinh(Family):
    name = "hatinh-district-portal"
    article_re = _ARTICLE

    def article_path(self, site: Site, article: SimArticle) -> str:
        day = article.published.strftime("%Y-%m-%d")
        return f"/portal/pages/{day}/{title_slug(article.title)}-{article.id}.aspx"

    def home_path(self, site: Site) -> str:
        return "/portal/pages/default.aspx"

    def listing(
        self, site: Site, now: datetime, path: str, query: dict[str, list[str]]
    ) -> Reply | None:
        if path in ("/", "/portal/pages/default.aspx"):
            items = site.visible(now)[: site.page_size]
            return Reply(200, self._page(site, "Trang chủ", self._items(site, items, "")))
        if path != LISTING:
            return None
        page = page_number(query, "Page")
        items, total = self.pages(site.visible(now), page, site.page_size)
        pager = " ".join(
            f'<a href="{LISTING}?Page={n}">{n}</a>' if n != page else f"<span>{n}</span>"
            for n in pager_window(page, total)
        )
        body = self._items(site, items, f'<div class="pager">Trang: {pager}</div>')
        return Reply(200, self._page(site, "Tin tức - Sự kiện", body))

    def _items(self, site: Site, items: list[SimArticle], pager: str) -> str:
        rows = "\n".join(
            f'<div class="news-item"><a href="{self.article_path(site, a)}">{e(a.title)}</a>'
            f'<span class="date">({ddmmyyyy(a.published)})</span><p>{e(a.lead)}</p></div>'
            for a in items
        )
        return f'<div class="list-news">{rows}</div>{pager}'

    def render_article(self, site: Site, article: SimArticle, now: datetime) -> str:
        body = body_blocks(
            article,
            "<p>{text}</p>",
            '<p style="text-align:center"><img src="/portal/PublishingImages/anh-{n}.jpg" '
            'alt="" /></p>\n<p style="text-align:center"><em>{text}</em></p>',
        )
        byline = (
            f'<p style="text-align:right"><strong>{e(article.byline)}</strong></p>'
            if article.byline
            else ""
        )
        lead = f'<div class="sapo"><strong>{e(article.lead)}</strong></div>' if article.lead else ""
        content = f"""
<div class="news-detail">
  <h1 class="title-news">{e(article.title)}</h1>
  <div class="date-news">Ngày đăng: {article.published.strftime("%d/%m/%Y %H:%M")}</div>
  {lead}
  <div class="content-news">
{body}
{byline}
  </div>
  <div class="rating"><span class="lbl">Đánh giá:</span> <span id="rateStars"></span>
    <div class="rate-info">lượt đánh giá: <b id="rateCount"></b>, trung bình: <b id="rateAvg"></b></div>
  </div>
  <div class="comment-box"><h4>Bình luận</h4>
    <form action="/portal/pages/binh-luan.aspx" method="post">
      <input name="name" placeholder="Họ tên"/><textarea name="body"></textarea>
      <img src="/captcha.ashx" alt="captcha"/><input name="captcha"/>
      <span id="captchaError" class="error" style="display:none">Mã xác thực không đúng.</span>
      <input type="submit" value="Gửi"/>
    </form>
  </div>
  <div class="other-news"><h3>Tin khác</h3>{self._others(site, article, now)}</div>
</div>"""
        return self._page(site, article.title, content)

    def _others(self, site: Site, article: SimArticle, now: datetime) -> str:
        others = [a for a in site.visible(now) if a.id != article.id][:5]
        return (
            "<ul>"
            + "".join(
                f'<li><a href="{self.article_path(site, a)}">{e(a.title)}</a></li>' for a in others
            )
            + "</ul>"
        )

    def _page(self, site: Site, title: str, content: str) -> str:
        return f"""<!DOCTYPE html>
<html lang="vi"><head><meta http-equiv="Content-Type" content="text/html; charset={site.charset_header}"/>
<title>{e(title)} - {e(site.name)}</title></head>
<body><div id="header"><a href="/portal/pages/default.aspx"><img src="/banner.jpg" alt="{e(site.name)}"/></a></div>
<ul id="menu"><li><a href="/portal/pages/default.aspx">Trang chủ</a></li>
<li><a href="{LISTING}">Tin tức - Sự kiện</a></li><li><a href="/portal/pages/lien-he.aspx">Liên hệ</a></li></ul>
<div id="main"><div id="content">{content}</div>
<div id="sidebar">
  <div class="box"><h3>Bản đồ thị xã Hồng Lĩnh</h3><img src="/ban-do.jpg" alt="Bản đồ"/></div>
  <div class="box"><h3>Các ca khúc hay về Hồng Lĩnh</h3><audio controls src="/am-nhac/hong-linh.mp3"></audio></div>
  <div class="box"><h3>Liên kết website</h3><select onchange="window.open(this.value)">
    <option>-- Chọn liên kết --</option><option value="https://hatinh.gov.vn">Cổng TTĐT tỉnh Hà Tĩnh</option>
    <option value="https://baohatinh.vn">Báo Hà Tĩnh</option></select></div>
  <div class="counter">Thống kê: 1.340.281<br/>Online: 34</div>
</div></div>
<div id="footer">Cổng thông tin điện tử thị xã Hồng Lĩnh. Ghi rõ nguồn khi phát hành lại thông tin từ website này.</div>
</body></html>"""


FAMILY = HongLinh()
