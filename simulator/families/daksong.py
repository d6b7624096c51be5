"""SharePoint 2010 district portal, Đắk Song style (no seed; modelled on the real mirror).

Layout tables, the body inside ``div.ExternalClass<GUID>``, ``p.Title`` + bold sapo + ``td.Time``
(date only), "TIN ĐÃ ĐƯA" list with ``span.ShowDate``, "Bản in", a JS-filled view counter, a
``<base href>``. Blog URLs: ``ViewPost.aspx?ID=``; one category pages by date
(``AllPosts.aspx?CategoryId=16&PublishedDate=…``), the other only by ``__doPostBack``: its pager
posts the page's form back to the same URL. Body text
mixes HTML entities with raw combining marks (NFD), as the real site does.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from urllib.parse import parse_qs

from simulator.content import SimArticle
from simulator.families._base import Family, Reply, ddmmyyyy, e, first_query, pager_window
from simulator.site import Site

POSTS = "/TinTuc/tintuc/Lists/Posts"
CATEGORIES = {"16": "Tin Kinh tế - Đời sống", "17": "Thông báo"}


def mixed_nfd(text: str) -> str:
    """Entity-escape, then decompose some letters so entities meet raw combining marks."""
    escaped = e(text).replace("ô", "&ocirc;").replace("â", "&acirc;").replace("ê", "&ecirc;")
    out = []
    for char in escaped:
        decomposed = unicodedata.normalize("NFD", char)
        out.append(decomposed if len(decomposed) > 1 and decomposed[0] in "aeiouy" else char)
    return "".join(out)


class DakSong(Family):
    name = "district-sharepoint"

    def article_path(self, site: Site, article: SimArticle) -> str:
        return f"{POSTS}/ViewPost.aspx?ID={article.id}"

    def article_id(self, path: str, query: dict[str, list[str]]) -> int | None:
        value = first_query(query, "ID")
        return int(value) if path == f"{POSTS}/ViewPost.aspx" and value.isdigit() else None

    def is_own_path(self, site: Site, article: SimArticle, path: str, raw_query: str) -> bool:
        return True

    def home_path(self, site: Site) -> str:
        return "/Pages/home.aspx"

    def category(self, site: Site, article: SimArticle) -> str:
        return next((cid for cid, name in CATEGORIES.items() if name == article.section), "16")

    def listing(
        self, site: Site, now: datetime, path: str, query: dict[str, list[str]]
    ) -> Reply | None:
        if path in ("/", "/Pages/home.aspx"):
            links = "".join(
                f'<li><a href="{POSTS}/Category.aspx?CategoryId={cid}">{e(n)}</a></li>'
                for cid, n in CATEGORIES.items()
            )
            items = site.visible(now)[:8]
            return Reply(
                200, self._page(site, "Trang chủ", f"<ul>{links}</ul>" + self._rows(site, items))
            )
        if path not in (f"{POSTS}/Category.aspx", f"{POSTS}/AllPosts.aspx"):
            return None
        cid = first_query(query, "CategoryId", "16")
        if cid not in CATEGORIES:
            return Reply(404, "<html><body>Không tìm thấy</body></html>")
        items = site.visible(now, CATEGORIES[cid])
        before = first_query(query, "PublishedDate")
        if before:
            try:
                cutoff = datetime.fromisoformat(before.replace("Z", "+00:00"))
            except ValueError:
                return Reply(400, "<html><body>Tham số không hợp lệ</body></html>")
            items = [a for a in items if a.published < cutoff]
        page = items[: site.page_size]
        more = ""
        if len(items) > site.page_size:
            if cid == "16":
                last = page[-1].published.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                more = f'<div class="css_Xemtiep"><a href="{POSTS}/AllPosts.aspx?CategoryId={cid}&amp;PublishedDate={last}"><img src="/_layouts/images/xemtiep.gif" alt="Xem tiếp"/></a></div>'
            else:
                return Reply(200, self._postback_page(site, now, cid, 1))
        return Reply(200, self._page(site, CATEGORIES[cid], self._rows(site, page) + more))

    def route(
        self,
        site: Site,
        now: datetime,
        path: str,
        raw_query: str,
        form: dict[str, list[str]] | None = None,
    ) -> Reply:
        """A posted-back pager link of the "Thông báo" list: the page it names."""
        if form is None or path != f"{POSTS}/Category.aspx":
            return super().route(site, now, path, raw_query, form)
        argument = (form.get("__EVENTARGUMENT") or [""])[0]
        cid = first_query(parse_qs(raw_query), "CategoryId", "16")
        if not (form.get("__VIEWSTATE") or [""])[0] or not argument.startswith("Page$"):
            return Reply(500, "<html><body>Invalid postback or callback argument.</body></html>")
        number = argument.removeprefix("Page$")
        if cid != "17" or not number.isdigit():
            return Reply(500, "<html><body>Invalid postback or callback argument.</body></html>")
        return Reply(200, self._postback_page(site, now, cid, int(number)))

    def _postback_page(self, site: Site, now: datetime, cid: str, number: int) -> str:
        """A page of the list paged only by __doPostBack: the SharePoint form, its pager."""
        items, total = self.pages(site.visible(now, CATEGORIES[cid]), number, site.page_size)
        pager = " ".join(
            f"<a href=\"javascript:__doPostBack('ctl00$m$g_5b8f$pager','Page${n}')\">{n}</a>"
            if n != number
            else f"<span>{n}</span>"
            for n in pager_window(number, total)
        )
        form = f"""<form method="post" action="TinTuc/tintuc/Lists/Posts/Category.aspx?CategoryId={cid}" id="aspnetForm">
<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="/wEPDwUKLTk1{cid}{number}" />
<input type="hidden" name="__EVENTTARGET" value="" /><input type="hidden" name="__EVENTARGUMENT" value="" />
{self._rows(site, items)}<div class="pager">{pager}</div></form>"""
        return self._page(site, CATEGORIES[cid], form)

    def _rows(self, site: Site, items: list[SimArticle]) -> str:
        rows = "".join(
            f'<tr><td><a href="{self.article_path(site, a)}">{e(a.title)}</a> <span class="ShowDate">({ddmmyyyy(a.published)})</span></td></tr>'
            for a in items
        )
        return f'<table class="tbtinkhac">{rows}</table>'

    def render_article(self, site: Site, article: SimArticle, now: datetime) -> str:
        paragraphs = []
        for n, block in enumerate(article.blocks, start=1):
            if block.kind == "image":
                paragraphs.append(
                    f'<table align="center"><tr><td><img src="/PublishingImages/{n}.jpg" alt=""/></td></tr>'
                    f'<tr><td><p style="text-align:center;color:#0000ff"><em>{mixed_nfd(block.text)}</em></p></td></tr></table>'
                )
            else:
                paragraphs.append(f"<p>{mixed_nfd(block.text)}</p>")
        if article.byline:
            paragraphs.append(
                f'<p style="text-align:right"><strong>Bài, ảnh: {e(article.byline)}</strong></p>'
            )
        others = [a for a in site.visible(now, article.section) if a.id != article.id][:4]
        content = f"""<table width="100%"><tr class="ms-news-header"><td class="FolderTitle">{e(article.section)}</td>
<td class="Time">{ddmmyyyy(article.published)}</td></tr></table>
<div id="part1"><table id="tableforprint"><tr><td><p class="Title">{e(article.title)}</p></td></tr>
<tr><td><b class="lv_description_mode1">{mixed_nfd(article.lead)}</b></td></tr>
<tr><td><div class="ExternalClass9C6D6B7E0F2A4E1D8B3C5A7F9E1D2C4B"><div id="content-print">{"".join(paragraphs)}</div></div></td></tr></table>
<span class="css_readCounter">Số lượt người xem : <b id="viewCounter"></b></span>
<span class="css_printandback"><a class="print" href="javascript:printContent()"> Bản in </a></span></div>
<div id="part2"><table class="tbtinkhac"><tr><td class="OtherTitle"><p class="OtherTitle">TIN ĐÃ ĐƯA</p></td></tr>
<tr><td class="Other"><ul>{"".join(f'<li><a href="{self.article_path(site, a)}">{e(a.title)}</a> <span class="ShowDate">({ddmmyyyy(a.published)})</span></li>' for a in others)}</ul></td></tr></table></div>"""
        return self._page(site, article.title, content)

    def _page(self, site: Site, title: str, content: str) -> str:
        return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html dir="ltr"><head><meta name="GENERATOR" content="Microsoft SharePoint"/><meta http-equiv="Content-type" content="text/html; charset=utf-8"/>
<base href="https://{site.host}/"/><title>{e(title)}</title></head>
<body><div id="s4-workspace"><div id="s4-bodyContainer"><table class="snMain"><tr>
<td class="snLeft"><ul><li><a href="Pages/home.aspx">Trang chủ</a></li><li><a href="TinTuc/tintuc/Lists/Posts/Category.aspx?CategoryId=16">Tin tức - Sự kiện</a></li></ul></td>
<td class="snCenter"><div class="postMain"><div class="ms-WPBody noindex">{content}</div></div></td></tr></table>
<div class="footer">Cổng thông tin điện tử huyện Đắk Song</div></div></div></body></html>"""


FAMILY = DakSong()
