"""Cổng TTĐT thị xã Hồng Lĩnh (Hà Tĩnh district-level portal; redirects to the province since
the district level was abolished on 1 July 2025)."""

from crawler.portals._base import Portal, Selectors

PORTAL = Portal(
    id="honglinh",
    name="Cổng thông tin điện tử thị xã Hồng Lĩnh",
    province="Hà Tĩnh",
    province_after_2025="Hà Tĩnh",
    level="town",
    kind="government",
    origin="https://honglinh.hatinh.gov.vn",
    start_paths=("/portal/pages/default.aspx",),
    article_pattern=r"^/portal/pages/\d{4}-\d{2}-\d{2}/[A-Za-z0-9-]+-\d+\.aspx$",
    article_id_pattern=r"-(?P<id>\d+)\.aspx$",
    listing_pattern=r"^/portal/pages/(default|tin-tuc-su-kien)\.aspx(\?Page=\d+)?$",
    selectors=Selectors(
        title="h1.title-news",
        lead="div.sapo",
        published="div.date-news",
        body="div.content-news",
        drop=('p[style*="text-align:center"]',),
    ),
)
