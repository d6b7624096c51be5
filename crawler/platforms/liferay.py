"""Liferay portals (EcoIT, Viettel and others): Hà Nội's departments, Bắc Giang, Thái Nguyên,
Quảng Ngãi, Đà Nẵng."""

from crawler.platforms import Platform

PLATFORM = Platform(
    name="liferay",
    label="Liferay",
    fingerprints=(
        r"journal-content-article|asset-full-content|asset-content",
        r"portlet-body|portlet-content-container|portlet-boundary",
        r"(?i)Liferay\.(ThemeDisplay|Portlet|AUI)|/html/js/liferay/",
        r"p_p_id=",
    ),
    url_fingerprints=(r"/web/guest/", r"/-/(view_content|asset_publisher)/", r"_cur=\d+"),
    deny_patterns=(r"p_p_state=(maximized|pop_up|exclusive)", r"p_p_lifecycle=[12]", r"/c/portal/"),
    article_pattern=r"/-/(view_content|asset_publisher/[^/]+/content)/[^/?]+",
    article_id_pattern=r"/-/view_content/(?P<id>\d+)",
    page_params=("_cur", "cur"),
    title=("div.asset-full-content-title", "h1.title", ".chi-tiet-title", "h1"),
    published=("div.assetPublishDate", ".date-post", ".meta-data-date", ".chi-tiet-publish-date"),
    lead=("p.sapo", "div.article-summary", ".chi-tiet-sub-content"),
    body=("div.journal-content-article", ".asset-content", ".chi-tiet-main-content"),
    author=(".view-content-author",),
)
