"""Báo Hà Tĩnh newspaper (seed 002): the old CMS, then the new one after a redesign.

Old CMS: ``/<cat>/<slug>/<id>.htm``, ``.date_news``, ``.sapo_detail``, ``#main-detail`` with
``p.pBody``, images whose alt repeats the title, a "Chủ đề" topic box, a "Đọc thêm" related list
(image alt + link + summary), RSS at ``/rss/<cat>.xml``. New CMS (from ``redesign_at``):
``/<slug>-post<id>.html``, ``<time datetime>``, lazy images, a sitemap index (one of whose
sitemaps is an XML entity bomb); old URLs answer 301 to the new ones.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from email.utils import format_datetime

from simulator.content import SimArticle
from simulator.families._base import Family, Reply, body_blocks, e, page_number
from simulator.site import Site

_OLD = re.compile(r"^/([a-z-]+)/([a-z0-9-]+)/(\d+)\.htm$")
_NEW = re.compile(r"^/[a-z0-9-]+-post(\d+)\.html$")
XML_BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&lol9;</loc></url></urlset>
"""


class BaoHaTinh(Family):
    name = "baohatinh-newspaper"

    def redesigned(self, site: Site) -> bool:
        """Whether the new CMS is live at the simulator's current time."""
        at = site.options.get("redesign_at")
        return isinstance(at, datetime) and site.clock() >= at

    def cat(self, site: Site, article: SimArticle) -> str:
        return next((slug for slug, name in site.sections if name == article.section), "xa-hoi")

    def old_path(self, site: Site, article: SimArticle) -> str:
        return f"/{self.cat(site, article)}/{article.slug()}/{article.id}.htm"

    def new_path(self, article: SimArticle) -> str:
        return f"/{article.slug()}-post{article.id}.html"

    def article_path(self, site: Site, article: SimArticle) -> str:
        return self.new_path(article) if self.redesigned(site) else self.old_path(site, article)

    def article_id(self, path: str, query: dict[str, list[str]]) -> int | None:
        match = _OLD.match(path) or _NEW.match(path)
        return int(match.groups()[-1]) if match else None

    def route(
        self,
        site: Site,
        now: datetime,
        path: str,
        raw_query: str,
        form: dict[str, list[str]] | None = None,
    ) -> Reply:
        new = self.redesigned(site)
        if new and _OLD.match(path):
            article, status = site.find(int(_OLD.match(path).group(3)), now)  # type: ignore[union-attr]
            if article is None:
                return Reply(status, "<html><body>Không tìm thấy</body></html>")
            return Reply(301, "", {"Location": self.new_path(article)})
        if not new and _NEW.match(path):
            return Reply(404, "<html><body>Không tìm thấy</body></html>")
        return super().route(site, now, path, raw_query, form)

    def robots(self, site: Site) -> str:
        sitemap = "Sitemap: /sitemap.xml\n" if self.redesigned(site) else ""
        return f"User-agent: *\nDisallow: /tim-kiem/\n{sitemap}"

    # listings ------------------------------------------------------------------------------

    def listing(
        self, site: Site, now: datetime, path: str, query: dict[str, list[str]]
    ) -> Reply | None:
        new = self.redesigned(site)
        if path == "/":
            return Reply(
                200,
                self._page(
                    site, now, "Báo Hà Tĩnh", self._items(site, site.visible(now)[:12], new)
                ),
            )
        match = re.match(r"^/([a-z-]+)/(?:trang-(\d+)\.htm)?$", path)
        if not match or match.group(1) not in dict(site.sections):
            return None
        slug = match.group(1)
        page = page_number(query, "page") if new else int(match.group(2) or 1)
        items, total = self.pages(
            site.visible(now, dict(site.sections)[slug]), page, site.page_size
        )
        if page < total:
            nxt = f"/{slug}/?page={page + 1}" if new else f"/{slug}/trang-{page + 1}.htm"
            pager = f'<div class="paging"><a class="next" href="{nxt}">Xem tiếp</a></div>'
        else:
            pager = ""
        body = self._items(site, items, new) + pager
        return Reply(200, self._page(site, now, dict(site.sections)[slug], body))

    def _items(self, site: Site, items: list[SimArticle], new: bool) -> str:
        if new:
            return "\n".join(
                f'<article class="story"><figure class="story__thumb"><a class="cms-link" '
                f'href="{self.new_path(a)}"><img data-src="https://cdn.baohatinh.vn/images/{a.id}.jpg" '
                f'alt="{e(a.title)}"/></a></figure><h2 class="story__heading" data-tracking="{a.id}">'
                f'<a class="cms-link" href="{self.new_path(a)}">{e(a.title)}</a></h2>'
                f'<time class="time" datetime="{a.published:%Y-%m-%dT%H:%M:%S+0700}">'
                f'{a.published:%d/%m/%Y %H:%M}</time><div class="story__summary">{e(a.lead)}</div></article>'
                for a in items
            )
        return "\n".join(
            f'<div class="item"><a href="{self.old_path(site, a)}"><img src="/dataimages/{a.id}.jpg" '
            f'alt="{e(a.title)}"/></a><h3><a href="{self.old_path(site, a)}">{e(a.title)}</a></h3>'
            f"<p>{e(a.lead)}</p></div>"
            for a in items
        )

    def extra_routes(
        self, site: Site, now: datetime, path: str, query: dict[str, list[str]]
    ) -> Reply | None:
        new = self.redesigned(site)
        match = re.match(r"^/rss/([a-z-]+)\.xml$", path)
        if match and not new and match.group(1) in dict(site.sections):
            items = site.visible(now, dict(site.sections)[match.group(1)])[:20]
            entries = "".join(
                f"<item><title>{e(a.title)}</title><link>https://{site.host}{self.old_path(site, a)}</link>"
                f"<description>{e(a.lead)}</description><pubDate>{format_datetime(a.published)}</pubDate></item>"
                for a in items
            )
            rss = f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Báo Hà Tĩnh</title>{entries}</channel></rss>'
            return Reply(200, rss, content_type="application/rss+xml")
        if not new:
            return None
        if path == "/sitemap.xml":
            maps = "".join(
                f"<sitemap><loc>https://{site.host}/sitemaps/{slug}.xml</loc>"
                + (f"<lastmod>{w3c(max(stamps))}</lastmod>" if stamps else "")
                + "</sitemap>"
                for slug, name in site.sections
                for stamps in [[site.modified_at(a, now) for a in site.visible(now, name)]]
            )
            maps += f"<sitemap><loc>https://{site.host}/sitemaps/tin-moi.xml</loc></sitemap>"
            return Reply(
                200,
                f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{maps}</sitemapindex>',
                content_type="application/xml",
            )
        if path == "/sitemaps/tin-moi.xml":
            return Reply(200, XML_BOMB, content_type="application/xml")
        match = re.match(r"^/sitemaps/([a-z-]+)\.xml$", path)
        if match and match.group(1) in dict(site.sections):
            urls = "".join(
                f"<url><loc>https://{site.host}{self.new_path(a)}</loc><lastmod>{w3c(site.modified_at(a, now))}</lastmod></url>"
                for a in site.visible(now, dict(site.sections)[match.group(1)])
            )
            return Reply(
                200,
                f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>',
                content_type="application/xml",
            )
        return None

    # article pages -------------------------------------------------------------------------

    def render_article(self, site: Site, article: SimArticle, now: datetime) -> str:
        new = self.redesigned(site)
        related = self._related(site, article, now)
        if new:
            body = body_blocks(
                article,
                "<p>{text}</p>",
                '<figure class="image"><img class="lazyload" data-src="https://cdn.baohatinh.vn/images/{n}.jpg" '
                'alt="{alt}"/><noscript><img src="https://cdn.baohatinh.vn/images/{n}.jpg" alt="{alt}"/></noscript>'
                "<figcaption>{text}</figcaption></figure>",
            )
            content = f"""<article class="article">
<h1 class="article__title">{e(article.title)}</h1>
{self._time(article)}
<div class="article__sapo cms-desc">{e(article.lead)}</div>
<div class="article__body cms-body">{body}</div>
{self._tags(article, new)}
<div class="related"><h3>Đọc thêm</h3>{related}</div></article>"""
        else:
            body = body_blocks(
                article,
                '<p class="pBody">{text}</p>',
                '<p class="pBody pCenter"><img src="/dataimages/{n}.jpg" alt="{alt}" title="{alt}"/></p>'
                '<p class="pBody pCenter"><i class="iCaption">{text}</i></p>',
            )
            author = f'<p class="pAuthor">{e(article.byline)}</p>' if article.byline else ""
            content = f"""<div class="detail">
<h1 class="title_detail">{e(article.title)}</h1>
<div class="date_news"><span>{article.published.strftime("%H:%M, %d/%m/%Y" if article.has_time else "%d/%m/%Y")}</span></div>
<div class="sapo_detail">{e(article.lead)}</div>
<div id="main-detail">{body}{author}</div>
{self._tags(article, new)}
<div class="drelated"><h3>Đọc thêm</h3>{related}</div></div>"""
        return self._page(site, now, article.title, content)

    def _time(self, article: SimArticle) -> str:
        if not article.has_time:
            return f'<time class="time" datetime="{article.published:%Y-%m-%d}">{article.published:%d/%m/%Y}</time>'
        return f'<time class="time" datetime="{article.published:%Y-%m-%dT%H:%M:%S+0700}">{article.published:%d/%m/%Y %H:%M}</time>'

    def _tags(self, article: SimArticle, new: bool) -> str:
        if not article.tags:
            return ""
        links = " ".join(f'<a href="/tag/{i}.htm">{e(t)}</a>' for i, t in enumerate(article.tags))
        return f'<div class="box-topic"><span class="title">Chủ đề</span> {links}</div>'

    def _related(self, site: Site, article: SimArticle, now: datetime) -> str:
        if "related" in article.extra:
            items = json.loads(article.extra["related"])
            triples = [(t, alt, summary, "#") for t, alt, summary in items]
        else:
            others = [a for a in site.visible(now) if a.id != article.id][:6]
            path = self.new_path if self.redesigned(site) else (lambda a: self.old_path(site, a))
            triples = [(a.title, a.title, a.lead, path(a)) for a in others]
        return "".join(
            f'<div class="item"><a href="{href}"><img src="/thumb.jpg" alt="{e(alt)}"/></a>'
            f'<a href="{href}" title="{e(title)}">{e(title)}</a><p>{e(summary)}</p></div>'
            for title, alt, summary, href in triples
        )

    def _page(self, site: Site, now: datetime, title: str, content: str) -> str:
        menu = " ".join(f'<a href="/{slug}/">{e(name)}</a>' for slug, name in site.sections)
        return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="{site.charset_header}"/><title>{e(title)} | Báo Hà Tĩnh</title></head>
<body><header><a href="/" class="logo">Báo Hà Tĩnh</a><nav>{menu}</nav></header>
<main>{content}</main>
<footer>Báo Hà Tĩnh - Cơ quan của Đảng bộ Đảng Cộng sản Việt Nam tỉnh Hà Tĩnh.</footer></body></html>"""


FAMILY = BaoHaTinh()


def w3c(moment: datetime) -> str:
    """A sitemap <lastmod>: W3C datetime in Vietnam time."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S+07:00")
