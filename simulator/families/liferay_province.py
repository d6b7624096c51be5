"""Liferay 6 province portal, Quảng Ngãi style: laid out unlike the Hà Nội department portal.

Friendly URLs without ``.html``; every section is an asset publisher whose articles live at
``/web/guest/<section>/-/asset_publisher/<instance>/content/<url-title>`` (the title's slug, no
number: the article is found by its url-title), paged with
``?p_p_id=101_INSTANCE_<instance>&…&_101_INSTANCE_<instance>_cur=N``. The body is
``div.asset-content.change-size`` (``change-size`` is the hook of the "Aa" buttons), its lead the
first paragraph in bold, the date in ``span.date-post``, the author a right-aligned last
paragraph. Traps: print and pop-up views of every article (``?viewMode=print``,
``p_p_state=pop_up``), the English switch ``/en/…`` that repeats the page under ``/en``, a
maximized-portlet copy of every listing page, and a work calendar whose day links never end.
"""

from __future__ import annotations

from datetime import datetime

from simulator.content import SimArticle, slugify
from simulator.families._base import (
    Family,
    Reply,
    body_blocks,
    calendar_day,
    e,
    first_query,
    not_found_page,
    pager_window,
)
from simulator.site import Site

SECTIONS = {
    "Tin tức - Sự kiện": ("tin-tuc-su-kien", "Xq3Lm9Ka"),
    "Chỉ đạo - Điều hành": ("chi-dao-dieu-hanh", "Bt7Wd2Pn"),
}
HOME = "/web/guest/trang-chu"
CALENDAR = "/web/guest/lich-cong-tac"


def _section(name: str) -> tuple[str, str]:
    return SECTIONS.get(name, next(iter(SECTIONS.values())))


class LiferayProvince(Family):
    name = "province-liferay"

    def __init__(self) -> None:
        self._titles: dict[int, tuple[int, dict[int, str], dict[str, int]]] = {}

    def url_titles(self, site: Site) -> tuple[dict[int, str], dict[str, int]]:
        """Each article's url-title (the title's slug; "-1", "-2"... after a repeated title,
        as Liferay makes them unique), and the article of each url-title."""
        known = self._titles.get(id(site))
        if known is None or known[0] != len(site.articles):
            by_id: dict[int, str] = {}
            by_title: dict[str, int] = {}
            for article in sorted(site.articles, key=lambda a: a.id):
                if article.id in by_id:
                    continue
                base = title = slugify(article.title, 80)
                n = 0
                while title in by_title:
                    n += 1
                    title = f"{base}-{n}"
                by_id[article.id], by_title[title] = title, article.id
            known = self._titles[id(site)] = (len(site.articles), by_id, by_title)
        return known[1], known[2]

    def url_title(self, site: Site, article: SimArticle) -> str:
        return self.url_titles(site)[0].get(article.id) or slugify(article.title, 80)

    def article_path(self, site: Site, article: SimArticle) -> str:
        section, instance = _section(article.section)
        return f"/web/guest/{section}/-/asset_publisher/{instance}/content/{self.url_title(site, article)}"

    def route(
        self,
        site: Site,
        now: datetime,
        path: str,
        raw_query: str,
        form: dict[str, list[str]] | None = None,
    ) -> Reply:
        if path.startswith("/en/"):  # the language switch: the same pages again, forever deeper
            path = path[3:]
        if "/-/asset_publisher/" in path and "/content/" in path:
            article_id = self.url_titles(site)[1].get(path.rsplit("/", 1)[1])
            article, status = site.find(article_id, now) if article_id else (None, 404)
            if article is None or self.article_path(site, article) != path:
                return Reply(status if article is None else 404, not_found_page(site))
            return Reply(200, self.render_article(site, article, now))
        return super().route(site, now, path, raw_query, form)

    def home_path(self, site: Site) -> str:
        return HOME

    def listing(
        self, site: Site, now: datetime, path: str, query: dict[str, list[str]]
    ) -> Reply | None:
        if path in ("/", HOME):
            items = site.visible(now)[: site.page_size]
            return Reply(200, self._page(site, "Trang chủ", self._items(site, items), now))
        for name, (section, instance) in SECTIONS.items():
            if path != f"/web/guest/{section}":
                continue
            page_value = first_query(query, f"_101_INSTANCE_{instance}_cur", "1")
            page = int(page_value) if page_value.isdigit() and int(page_value) > 0 else 1
            items, total = self.pages(site.visible(now, name), page, site.page_size)
            pager = " ".join(
                f'<a href="{self._page_url(section, instance, n)}">{n}</a>'
                if n != page
                else f'<strong class="current">{n}</strong>'
                for n in pager_window(page, total)
            )
            maximize = f"/web/guest/{section}?p_p_id=101_INSTANCE_{instance}&amp;p_p_lifecycle=0&amp;p_p_state=maximized&amp;_101_INSTANCE_{instance}_cur={page}"
            body = (
                f'<h2 class="portlet-title">{e(name)}</h2><a class="maximize" href="{maximize}">Phóng to</a>'
                + self._items(site, items)
                + f'<div class="taglib-page-iterator"><div class="pager">{pager}</div></div>'
            )
            return Reply(200, self._page(site, name, body, now))
        return None

    def _page_url(self, section: str, instance: str, page: int) -> str:
        return (
            f"/web/guest/{section}?p_p_id=101_INSTANCE_{instance}&amp;p_p_lifecycle=0&amp;"
            f"p_p_state=normal&amp;p_p_mode=view&amp;_101_INSTANCE_{instance}_cur={page}&amp;"
            f"_101_INSTANCE_{instance}_delta={10}"
        )

    def extra_routes(
        self, site: Site, now: datetime, path: str, query: dict[str, list[str]]
    ) -> Reply | None:
        if path != CALENDAR:
            return None
        body = calendar_day(CALENDAR, query, now)
        if isinstance(body, Reply):
            return body
        return Reply(200, self._page(site, "Lịch công tác", body, now))

    def _items(self, site: Site, items: list[SimArticle]) -> str:
        rows = "\n".join(
            f'<div class="asset-abstract"><h3 class="asset-title"><a href="{self.article_path(site, a)}">{e(a.title)}</a></h3>'
            f'<span class="metadata-entry">{a.published:%d/%m/%Y}</span>'
            f'<div class="asset-summary">{e(a.lead)}</div></div>'
            for a in items
        )
        return f'<div class="asset-publisher">{rows}</div>'

    def render_article(self, site: Site, article: SimArticle, now: datetime) -> str:
        path = self.article_path(site, article)
        body = body_blocks(
            article,
            "<p>{text}</p>",
            '<p style="text-align:center"><img src="/documents/10180/0/anh-{n}.jpg" alt="{alt}"/></p>'
            '<p style="text-align:center"><em>{text}</em></p>',
        )
        byline = (
            f'<p style="text-align:right"><strong>{e(article.byline)}</strong></p>'
            if article.byline
            else ""
        )
        lead = f"<p><strong>{e(article.lead)}</strong></p>" if article.lead else ""
        others = [a for a in site.visible(now, article.section) if a.id != article.id][:5]
        related = "".join(
            f'<li><a href="{self.article_path(site, a)}">{e(a.title)}</a> <span>({a.published:%d/%m/%Y})</span></li>'
            for a in others
        )
        content = f"""<div class="asset-full-content">
<h1 class="title-detail">{e(article.title)}</h1>
<div class="asset-metadata"><span class="date-post">Cập nhật: {article.published:%d/%m/%Y %H:%M}</span>
<span class="views">Lượt xem: <b id="viewCount"></b></span></div>
<div class="toolbar-share"><a href="#" class="aa">Aa</a><a href="{path}?viewMode=print">In bài</a>
<a href="{path}?p_p_state=pop_up&amp;sendEmail=1">Gửi email</a></div>
<div class="asset-content change-size">
{lead}
{body}
{byline}
</div>
<div class="ratings"><span class="taglib-ratings-label">Đánh giá bài viết</span></div>
</div>
<div class="asset-links"><h3>Tin cùng chuyên mục</h3><ul>{related}</ul></div>"""
        return self._page(site, article.title, content, now)

    def _page(self, site: Site, title: str, content: str, now: datetime) -> str:
        menu = "".join(
            f'<li><a href="/web/guest/{section}">{e(name)}</a></li>'
            for name, (section, _) in SECTIONS.items()
        )
        newest = "".join(
            f'<li><a href="{self.article_path(site, a)}">{e(a.title)}</a></li>'
            for a in site.visible(now)[:5]
        )
        return f"""<!DOCTYPE html>
<html class="aui ltr" dir="ltr" lang="vi-VN"><head><meta content="text/html; charset=UTF-8" http-equiv="content-type"/>
<title>{e(title)} - {e(site.name)}</title>
<script src="/html/js/liferay/portlet.js"></script><script>Liferay.ThemeDisplay = {{}};</script></head>
<body class="portal-home"><div id="wrapper"><header id="banner"><a href="{HOME}"><img src="/image/logo.png" alt="{e(site.name)}"/></a>
<a class="lang" href="/en{HOME}">English</a></header>
<nav id="navigation"><ul><li><a href="{HOME}">Trang chủ</a></li>{menu}<li><a href="{CALENDAR}">Lịch công tác</a></li></ul></nav>
<div id="content"><div class="portlet-layout row-fluid"><div class="span8 portlet-column" id="column-1">
<div class="portlet-boundary portlet-boundary_101_"><div class="portlet-body">{content}</div></div></div>
<div class="span4 portlet-column" id="column-2">
<div class="portlet-boundary"><div class="portlet-body"><h3 class="box-title">Tin mới</h3><ul class="newest">{newest}</ul></div></div>
<div class="portlet-boundary"><div class="portlet-body"><div class="banner-box"><a href="https://dichvucong.gov.vn"><img src="/image/banner-dvc.png" alt="Dịch vụ công trực tuyến"/></a></div></div></div>
<div class="portlet-boundary"><div class="portlet-body"><div class="counter">Thống kê truy cập: 2.104.558<br/>Đang trực tuyến: 57</div></div></div>
</div></div></div>
<footer id="footer"><p>Cổng thông tin điện tử tỉnh Quảng Ngãi. Ghi rõ nguồn khi phát hành lại thông tin từ website này.</p></footer></div></body></html>"""


FAMILY = LiferayProvince()
