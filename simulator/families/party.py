"""City party-committee site, NukeViet-like (seed 003).

No date on the article page: it is only on listing pages (``(dd/mm/yyyy)``) and in a meta tag.
Icon toolbar (send mail / print / save), star rating, keywords, comment form with "Mã bảo mật",
"Những tin mới hơn" / "Những tin cũ hơn" lists, an RSS feed. Listings page as ``/page-N``.
"""

from __future__ import annotations

import re
from datetime import datetime
from email.utils import format_datetime

from simulator.content import SimArticle
from simulator.families._base import Family, Reply, body_blocks, ddmmyyyy, e, pager_window
from simulator.site import Site

_ARTICLE = re.compile(r"^/tin-tuc/[a-z0-9-]+/[a-z0-9-]+-(\d+)\.html$")
_LISTING = re.compile(r"^/tin-tuc/([a-z0-9-]+)/(?:page-(\d+))?$")


class PartyCommittee(Family):
    name = "city-party-committee"
    article_re = _ARTICLE

    def cat(self, site: Site, article: SimArticle) -> str:
        return next(
            (slug for slug, name in site.sections if name == article.section), "tin-hoat-dong"
        )

    def article_path(self, site: Site, article: SimArticle) -> str:
        return f"/tin-tuc/{self.cat(site, article)}/{article.slug()}-{article.id}.html"

    def listing(
        self, site: Site, now: datetime, path: str, query: dict[str, list[str]]
    ) -> Reply | None:
        if path == "/":
            return Reply(
                200, self._page(site, "Trang chủ", self._items(site, site.visible(now)[:10]))
            )
        match = _LISTING.match(path)
        if not match or match.group(1) not in dict(site.sections):
            return None
        slug, page = match.group(1), int(match.group(2) or 1)
        items, total = self.pages(
            site.visible(now, dict(site.sections)[slug]), page, site.page_size
        )
        pager = " ".join(
            f'<a href="/tin-tuc/{slug}/page-{n}">{n}</a>' if n != page else f"<strong>{n}</strong>"
            for n in pager_window(page, total)
        )
        return Reply(
            200,
            self._page(
                site,
                dict(site.sections)[slug],
                self._items(site, items) + f'<div class="generate_page">{pager}</div>',
            ),
        )

    def extra_routes(
        self, site: Site, now: datetime, path: str, query: dict[str, list[str]]
    ) -> Reply | None:
        if path != "/rss/tin-tuc/":
            return None
        entries = "".join(
            f"<item><title>{e(a.title)}</title><link>https://{site.host}{self.article_path(site, a)}</link>"
            f"<pubDate>{format_datetime(a.published)}</pubDate></item>"
            for a in site.visible(now)[:20]
        )
        return Reply(
            200,
            f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{e(site.name)}</title>{entries}</channel></rss>',
            content_type="application/rss+xml",
        )

    def _items(self, site: Site, items: list[SimArticle]) -> str:
        return "\n".join(
            f'<div class="news_column"><h3><a href="{self.article_path(site, a)}">{e(a.title)}</a></h3>'
            f'<span class="date">({ddmmyyyy(a.published)})</span><p>{e(a.lead)}</p></div>'
            for a in items
        )

    def render_article(self, site: Site, article: SimArticle, now: datetime) -> str:
        visible = site.visible(now)
        index = next((i for i, a in enumerate(visible) if a.id == article.id), 0)
        newer, older = visible[max(0, index - 5) : index], visible[index + 1 : index + 6]

        def related(items: list[SimArticle]) -> str:
            return "".join(
                f'<li><a href="{self.article_path(site, a)}">{e(a.title)}</a> '
                f'<span class="date">({ddmmyyyy(a.published)})</span></li>'
                for a in items
            )

        body = body_blocks(
            article,
            "<p>{text}</p>",
            '<p style="text-align:center"><img src="/uploads/news/{n}.jpg" alt="{alt}"/><br/><em>{text}</em></p>',
        )
        hometext = f'<div id="hometext">{e(article.lead)}</div>' if article.lead else ""
        keywords = ", ".join(article.tags) or "thành ủy, hội nghị"
        content = f"""<div id="news_detail"><h1>{e(article.title)}</h1>
<div class="control"><ul><li><a class="sendmail" href="/sendmail/{article.id}" title="Gửi bài viết qua email">&nbsp;</a></li>
<li><a class="print" href="/print/{article.id}" title="In bài viết">&nbsp;</a></li>
<li><a class="savefile" href="/savefile/{article.id}" title="Lưu bài viết này">&nbsp;</a></li></ul></div>
{hometext}<div class="bodytext">{body}</div>
{f'<p style="text-align:right"><strong>Tác giả: {e(article.byline)}</strong></p>' if article.byline else ""}
</div>
<form id="form3B"><div id="stringrating">Tổng số điểm của bài viết là: 12 trong 3 đánh giá</div>
<span>Xếp hạng bài viết</span> <input type="radio" class="hover-star" value="1"/><input type="radio" class="hover-star" value="2"/>
<span>Click để đánh giá bài viết</span></form>
<div class="keywords"><strong>Từ khóa:</strong> {e(keywords)}</div>
<div id="idcomment"><h3>Ý kiến bạn đọc</h3><form><input name="name"/><textarea name="content"></textarea>
<label>Mã bảo mật</label><img src="/captcha.php" alt=""/><input name="seccode"/><input type="submit" value="Gửi bình luận"/></form></div>
<div class="other-news"><h4>Những tin mới hơn</h4><ul class="related">{related(newer)}</ul>
<h4>Những tin cũ hơn</h4><ul class="related">{related(older)}</ul></div>"""
        meta = f'<meta property="article:published_time" content="{article.published:%Y-%m-%dT%H:%M:%S+07:00}"/>'
        return self._page(site, article.title, content, meta)

    def _page(self, site: Site, title: str, content: str, meta: str = "") -> str:
        menu = " ".join(f'<a href="/tin-tuc/{slug}/">{e(name)}</a>' for slug, name in site.sections)
        return f"""<!DOCTYPE html>
<html lang="vi"><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"/>{meta}
<title>{e(title)} - {e(site.name)}</title></head>
<body><div id="header"><a href="/">{e(site.name)}</a></div><div id="menu">{menu}</div>
<div id="body">{content}</div>
<div id="footer">Trang thông tin điện tử {e(site.name)}. Ghi rõ nguồn khi phát hành lại thông tin.</div></body></html>"""


FAMILY = PartyCommittee()
