"""Cổng TTĐT thị xã Long Mỹ at its second address (Umbraco), from mid-2019."""

from crawler.portals._base import Portal, Selectors

PORTAL = Portal(
    id="thixalongmy",
    name="Cổng thông tin điện tử thị xã Long Mỹ",
    province="Hậu Giang",
    province_after_2025="Cần Thơ",
    level="town",
    kind="government",
    origin="https://thixalongmy.haugiang.gov.vn",
    start_paths=("/",),
    article_pattern=r"^/tin-tuc/[a-z0-9-]+-\d+/$",
    article_id_pattern=r"-(?P<id>\d+)/$",
    listing_pattern=r"^/(tin-tuc/(\?page=\d+)?)?$",
    selectors=Selectors(
        title="article.news-detail h1",
        lead="div.summary",
        published="div.meta span.date",
        body="div.body-text",
        author="p.author",
        drop=("figure",),
    ),
)
