"""Long Mỹ town portal (seed 004), before and after it moved host.

Old site (2017, served in windows-1258): date line ``4/10/2017, 14:1 (GMT+7)`` (d/M/yyyy, H:m,
unpadded), byline "Văn phòng HĐND-UBND thị xã (HLB)", a "Các tin khác" list, listings paged by
``?trang=N`` whose menu links carry a fresh session id on every page view (a trap for crawlers
that do not strip it). From ``moved_at`` every URL answers 301 to the new host.
New site (Umbraco style): ``/tin-tuc/<slug>-<id>/``, ``/media/<n>/…?anchor=center&mode=crop``.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime

from simulator.content import SimArticle
from simulator.families._base import (
    Family,
    Reply,
    body_blocks,
    e,
    page_number,
    pager_window,
)
from simulator.site import Site

_OLD = re.compile(r"^/tin-tuc/(\d+)-[a-z0-9-]+\.aspx$")
_NEW = re.compile(r"^/tin-tuc/[a-z0-9-]+-(\d+)/$")


def unpadded(moment: datetime) -> str:
    return f"{moment.day}/{moment.month}/{moment.year}, {moment.hour}:{moment.minute} (GMT+7)"


class LongMyOld(Family):
    name = "longmy-town-portal"
    article_re = _OLD

    def article_path(self, site: Site, article: SimArticle) -> str:
        return f"/tin-tuc/{article.id}-{article.slug()}.aspx"

    def route(
        self,
        site: Site,
        now: datetime,
        path: str,
        raw_query: str,
        form: dict[str, list[str]] | None = None,
    ) -> Reply:
        moved_at, new_host = site.options.get("moved_at"), site.options.get("new_host")
        if isinstance(moved_at, datetime) and now >= moved_at and path != "/robots.txt":
            target = f"https://{new_host}/"
            article_id = self.article_id(path, {})
            if article_id is not None:
                article, _ = site.find(article_id, now)
                if article is not None:
                    target = f"https://{new_host}{NEW.article_path(site, article)}"
            return Reply(301, "", {"Location": target})
        return super().route(site, now, path, raw_query, form)

    def listing(
        self, site: Site, now: datetime, path: str, query: dict[str, list[str]]
    ) -> Reply | None:
        if path not in ("/", "/tin-tuc.aspx"):
            return None
        page = page_number(query, "trang")
        items, total = self.pages(site.visible(now), page, site.page_size)
        rows = "".join(
            f'<tr><td><a href="{self.article_path(site, a)}">{e(a.title)}</a> '
            f'<span class="ngay">({a.published.day}/{a.published.month}/{a.published.year})</span></td></tr>'
            for a in items
        )
        pager = " ".join(
            f'<a href="/tin-tuc.aspx?trang={n}">{n}</a>' for n in pager_window(page, total)
        )
        return Reply(
            200,
            self._page(
                site,
                "Tin tức",
                f'<table class="dstin">{rows}</table><div class="trang">{pager}</div>',
            ),
        )

    def render_article(self, site: Site, article: SimArticle, now: datetime) -> str:
        body = body_blocks(
            article,
            '<p style="text-align: justify;">{text}</p>',
            '<p style="text-align:center"><img src="/Images/{n}.jpg" alt=""/><br/><i>{text}</i></p>',
        )
        others = [a for a in site.visible(now) if a.id != article.id][:6]
        other_list = "".join(
            f'<li><a href="{self.article_path(site, a)}">{e(a.title)}</a></li>' for a in others
        )
        content = f"""<div class="chitiet"><h2 class="tieude">{e(article.title)}</h2>
<div class="ngaydang">{unpadded(article.published)}</div>
{f"<p><b>{e(article.lead)}</b></p>" if article.lead else ""}
<div class="noidung">{body}
{f'<p style="text-align: right;"><b>{e(article.byline)}</b></p>' if article.byline else ""}</div>
<div class="tinkhac"><h3>Các tin khác</h3><ul>{other_list}</ul></div></div>"""
        return self._page(site, article.title, content)

    def _page(self, site: Site, title: str, content: str) -> str:
        # A new session id in the links of every page view, as old ASP.NET set-ups did:
        # distinct URLs without end for a crawler that keeps them. Deterministic per site.
        views = int(site.options.get("_views", 0)) + 1  # type: ignore[call-overload]
        site.options["_views"] = views
        sid = hashlib.sha1(f"{site.key}:{views}".encode()).hexdigest()[:24]
        return f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset={site.charset_header}"/>
<title>{e(title)}</title></head><body>
<div class="banner">{e(site.name)}</div>
<div class="menu"><a href="/tin-tuc.aspx?trang=1&amp;sid={sid}">Tin tức</a> <a href="/lien-he.aspx?sid={sid}">Liên hệ</a></div>
<div class="noi-dung">{content}</div><div class="chan">UBND thị xã Long Mỹ - tỉnh Hậu Giang</div></body></html>"""


class LongMyNew(Family):
    name = "longmy-town-portal-umbraco"
    article_re = _NEW

    def article_path(self, site: Site, article: SimArticle) -> str:
        return f"/tin-tuc/{article.slug(50)}-{article.id}/"

    def listing(
        self, site: Site, now: datetime, path: str, query: dict[str, list[str]]
    ) -> Reply | None:
        if path not in ("/", "/tin-tuc/"):
            return None
        page = page_number(query, "page")
        items, total = self.pages(site.visible(now), page, site.page_size)
        cards = "".join(
            f'<div class="news-card"><a href="{self.article_path(site, a)}"><img src="/media/{a.id % 5000}/anh.jpg?anchor=center&amp;mode=crop&amp;width=600&amp;height=400&amp;rnd=13{a.id}" alt="{e(a.title)}"/></a>'
            f'<h3><a href="{self.article_path(site, a)}">{e(a.title)}</a></h3><span class="date">{a.published:%d/%m/%Y}</span></div>'
            for a in items
        )
        nxt = (
            f'<a class="next" href="/tin-tuc/?page={page + 1}">Trang sau</a>'
            if page < total
            else ""
        )
        return Reply(200, self._page(site, "Tin tức", f'<div class="news-list">{cards}</div>{nxt}'))

    def render_article(self, site: Site, article: SimArticle, now: datetime) -> str:
        body = body_blocks(
            article,
            "<p>{text}</p>",
            '<figure><img src="/media/{n}/anh.jpg?anchor=center&amp;mode=crop&amp;width=600&amp;height=400" alt="{alt}"/><figcaption>{text}</figcaption></figure>',
        )
        content = f"""<article class="news-detail"><h1>{e(article.title)}</h1>
<div class="meta"><span class="date">{article.published:%d/%m/%Y %H:%M}</span></div>
{f'<div class="summary">{e(article.lead)}</div>' if article.lead else ""}
<div class="body-text">{body}{f'<p class="author" style="text-align:right">{e(article.byline)}</p>' if article.byline else ""}</div></article>"""
        return self._page(site, article.title, content)

    def _page(self, site: Site, title: str, content: str) -> str:
        return f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"/><title>{e(title)} - {e(site.name)}</title></head>
<body><header><a href="/">{e(site.name)}</a><nav><a href="/tin-tuc/">Tin tức</a></nav></header>
<main>{content}</main><footer>Cổng thông tin điện tử thị xã Long Mỹ</footer></body></html>"""


OLD = LongMyOld()
NEW = LongMyNew()
FAMILY = OLD
