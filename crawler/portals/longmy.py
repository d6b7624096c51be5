"""Cổng TTĐT thị xã Long Mỹ, Hậu Giang, at its first address (served in windows-1258); it moved
to thixalongmy.haugiang.gov.vn in 2019 and the old address redirects there."""

from crawler.portals._base import Portal, Selectors

PORTAL = Portal(
    id="longmy",
    name="Cổng thông tin điện tử thị xã Long Mỹ (địa chỉ cũ)",
    province="Hậu Giang",
    province_after_2025="Cần Thơ",
    level="town",
    kind="government",
    origin="https://longmy.haugiang.gov.vn",
    start_paths=("/",),
    article_pattern=r"^/tin-tuc/\d+-[a-z0-9-]+\.aspx$",
    article_id_pattern=r"^/tin-tuc/(?P<id>\d+)-",
    listing_pattern=r"^/(tin-tuc\.aspx(\?.*)?)?$",
    selectors=Selectors(
        title="h2.tieude",
        published="div.ngaydang",
        body="div.noidung",
        drop=('p[style*="text-align:center"]',),
    ),
)
