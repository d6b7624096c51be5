"""Cổng TTĐT thành phố Hà Tĩnh (2016-style city portal; frozen since the 2025 reform)."""

from crawler.portals._base import Portal, Selectors

PORTAL = Portal(
    id="hatinhcity",
    name="Cổng thông tin điện tử thành phố Hà Tĩnh",
    province="Hà Tĩnh",
    province_after_2025="Hà Tĩnh",
    level="city",
    kind="government",
    origin="https://hatinhcity.gov.vn",
    start_paths=("/",),
    article_pattern=r"^/tin-tuc-su-kien/[a-z0-9-]+-\d+\.html$",
    article_id_pattern=r"-(?P<id>\d+)\.html$",
    listing_pattern=r"^/(tin-tuc-su-kien\.html(\?page=\d+)?)?$",
    deny_patterns=(r"^/lich-cong-tac",),  # a work calendar whose day links never end
    selectors=Selectors(
        title="h1.title",
        published="div.date",
        body="div.content",
        drop=(".tools", "td.caption"),
    ),
)
