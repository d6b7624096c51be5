"""The "/portal/Pages/<date>/<slug><id>.aspx" portal: ministries, Nam Định, Ninh Thuận, Thanh
Hóa, and Hà Tĩnh's district and commune portals (with numeric ids)."""

from crawler.platforms import Platform

PLATFORM = Platform(
    name="portal-pages",
    label='ASP.NET "/portal/Pages/<date>/" portal',
    url_fingerprints=(r"(?i)^/portal/pages/\d{4}(-\d{1,2}-\d{1,2})?/[^/]+\.aspx$",),
    article_pattern=r"(?i)^/portal/pages/\d{4}(-\d{1,2}-\d{1,2})?/[^/]+\.aspx$",
    article_id_pattern=r"(?i)-(?P<id>[0-9a-z]{6,12})\.aspx$",
    listing_pattern=r"(?i)^/portal/pages/[^/]+\.aspx(\?Page=\d+)?$",
    page_params=("Page",),
    body=("#art-content", "div.ArticleContent", "div.content"),
)
