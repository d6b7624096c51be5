"""Thành ủy Bắc Kạn (city party committee, NukeViet-like): no date on the article page, only in
a meta tag and on listings; its server mis-declares the charset (ISO-8859-1 for UTF-8 pages)."""

from crawler.portals._base import Portal, Selectors

PORTAL = Portal(
    id="thanhuy-backan",
    name="Thành ủy Bắc Kạn",
    province="Bắc Kạn",
    province_after_2025="Thái Nguyên",
    level="city",
    kind="party",
    origin="https://thanhuy.backan.dcs.vn",
    start_paths=("/",),
    article_pattern=r"^/tin-tuc/[a-z0-9-]+/[a-z0-9-]+-\d+\.html$",
    article_id_pattern=r"-(?P<id>\d+)\.html$",
    listing_pattern=r"^/(tin-tuc/[a-z0-9-]+/(page-\d+)?)?$",
    deny_patterns=(r"^/(sendmail|print|savefile)/",),
    feeds=("/rss/tin-tuc/",),  # NukeViet's news module feed: the 20 newest
    selectors=Selectors(
        title="#news_detail h1",
        lead="#hometext",
        published='meta[property="article:published_time"]',
        body="div.bodytext",
    ),
)
