"""What every simulated portal family provides, and the HTML helpers they share."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from simulator.content import Block, SimArticle

if TYPE_CHECKING:
    from simulator.site import Site


@dataclass
class Reply:
    status: int
    body: str | bytes = ""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "text/html"


class Family:
    """One CMS family: its URL shapes, its pages, its feeds."""

    name = "base"
    article_re: re.Pattern[str] | None = None  # article paths; group 1 is the article id

    def article_path(self, site: Site, article: SimArticle) -> str:
        raise NotImplementedError

    def article_id(self, path: str, query: dict[str, list[str]]) -> int | None:
        match = self.article_re.match(path) if self.article_re else None
        return int(match.group(1)) if match else None

    def render_article(self, site: Site, article: SimArticle, now: datetime) -> str:
        raise NotImplementedError

    def listing(
        self, site: Site, now: datetime, path: str, query: dict[str, list[str]]
    ) -> Reply | None:
        """A listing page for ``path``, or None when ``path`` is not one."""
        raise NotImplementedError

    def is_own_path(self, site: Site, article: SimArticle, path: str, raw_query: str) -> bool:
        """Whether ``path`` is the article's own URL (a wrong slug is a 404, as on real CMSs)."""
        return self.article_path(site, article) == path

    def home_path(self, site: Site) -> str:
        return "/"

    def extra_routes(
        self, site: Site, now: datetime, path: str, query: dict[str, list[str]]
    ) -> Reply | None:
        """Feeds, sitemaps, traps: whatever else the family serves."""
        return None

    def robots(self, site: Site) -> str:
        return "User-agent: *\nDisallow: /admin/\n"

    def route(
        self,
        site: Site,
        now: datetime,
        path: str,
        raw_query: str,
        form: dict[str, list[str]] | None = None,
    ) -> Reply:
        """The reply to a GET (or to a form posted to ``path``: most families answer it as
        the GET, as most servers do; WebForms pages read it)."""
        query = parse_qs(raw_query, keep_blank_values=True)
        if path == "/robots.txt":
            rules = self.robots(site)
            if site.options.get("crawl_delay"):  # inside the "User-agent: *" group
                rules = rules.replace("\n", f"\nCrawl-delay: {site.options['crawl_delay']}\n", 1)
            return Reply(200, rules, content_type="text/plain")
        article_id = self.article_id(path, query)
        if article_id is not None:
            article, status = site.find(article_id, now)
            if article is None or not self.is_own_path(site, article, path, raw_query):
                return Reply(status if article is None else 404, not_found_page(site))
            return Reply(200, self.render_article(site, article, now))
        for handler in (self.listing, self.extra_routes):
            reply = handler(site, now, path, query)
            if reply is not None:
                return reply
        return Reply(404, not_found_page(site))

    def pages(self, items: list[SimArticle], page: int, size: int) -> tuple[list[SimArticle], int]:
        total = max(1, -(-len(items) // size))
        return items[(page - 1) * size : page * size], total


def pager_window(page: int, total: int, around: int = 5) -> list[int]:
    """Page numbers a SharePoint-style pager shows: the first, the last and a few around the
    current one (a pager linking all 10,000 pages of a deep archive would be unrealistic)."""
    shown = {1, total, *range(max(1, page - around), min(total, page + around) + 1)}
    return sorted(shown)


def calendar_day(calendar: str, query: dict[str, list[str]], now: datetime) -> str | Reply:
    """A work calendar's day (``?ngay=YYYY-MM-DD``, default today) linking the days before and
    after it, whose links never end (a crawler trap); a 400 for a day that is not one."""
    try:
        day = datetime.strptime(first_query(query, "ngay", now.strftime("%Y-%m-%d")), "%Y-%m-%d")
    except ValueError:
        return Reply(400, "<html><body>Ngày không hợp lệ</body></html>")
    prev, nxt = day - timedelta(days=1), day + timedelta(days=1)
    return (
        f"<h2>Lịch công tác ngày {day:%d/%m/%Y}</h2><p>Không có lịch công tác.</p>"
        f'<a href="{calendar}?ngay={prev:%Y-%m-%d}">Ngày trước</a> '
        f'<a href="{calendar}?ngay={nxt:%Y-%m-%d}">Ngày sau</a>'
    )


def not_found_page(site: Site) -> str:
    return (
        f"<html><head><meta charset='utf-8'><title>Không tìm thấy trang - {e(site.name)}</title>"
        "</head><body><h1>Không tìm thấy trang yêu cầu</h1>"
        "<p>Trang bạn tìm không tồn tại hoặc đã bị gỡ bỏ.</p></body></html>"
    )


def e(text: str | None) -> str:
    return escape(text or "", quote=True)


def ddmmyyyy(moment: datetime) -> str:
    return moment.strftime("%d/%m/%Y")


def body_blocks(article: SimArticle, paragraph: str, image: str) -> str:
    """The body as HTML: each paragraph through ``paragraph``, each image through ``image``.

    Templates get ``{text}``, ``{n}`` (image number), ``{alt}`` (the article title, which many
    portals repeat as alt text).
    """
    out = []
    for n, block in enumerate(article.blocks, start=1):
        template = image if block.kind == "image" else paragraph
        out.append(template.format(text=e(block.text), n=n, alt=e(article.title)))
    return "\n".join(out)


def first_query(query: dict[str, list[str]], name: str, default: str = "") -> str:
    values = query.get(name) or query.get(name.lower()) or [default]
    return values[0]


def page_number(query: dict[str, list[str]], *names: str) -> int:
    for name in names:
        value = first_query(query, name)
        if value.isdigit() and int(value) > 0:
            return int(value)
    return 1


__all__ = ["Block", "Family", "Reply", "SimArticle"]
