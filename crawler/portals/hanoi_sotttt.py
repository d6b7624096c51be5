"""Sở Thông tin và Truyền thông Hà Nội (Liferay 6), as mirrored by HTTrack on 27 Aug 2022.

The live portal has moved on; this declaration describes the offline mirror in
shared/data/hanoi-sotttt, whose URLs are the live ones rewritten by HTTrack: ``.html`` suffixes, and
Liferay's paginated listings (``?…&_101_cur=N``) saved as ``<section><4 hex>.html``.
Traps in it: print views, the /en/ language-switch recursion, repeated path segments.
"""

from crawler.portals._base import Portal, Selectors

PORTAL = Portal(
    id="hanoi-sotttt",
    name="Sở Thông tin và Truyền thông Hà Nội",
    province="Hà Nội",
    province_after_2025="Hà Nội",
    level="department",
    kind="government",
    origin="https://sotttt.hanoi.gov.vn",
    start_paths=("/vi/trang-chu.html",),
    article_pattern=r"/-/view_content/\d+-[^/]*\.html$",
    article_id_pattern=r"/-/view_content/(?P<id>\d+)",
    # Section pages, and their Liferay pagination (?p_p_id=101&…&_101_cur=N) kept by HTTrack.
    listing_pattern=r"^/vi/[a-z0-9-]+\.html(\?.*)?$",
    deny_patterns=(
        r"/pop_up/",
        r"viewMode=print",
        r"(^|/)en(/|\.html|$)",
        r"^/web/sotttt-eng/",
        r"/dang-nhap",
    ),
    selectors=Selectors(
        title="div.asset-full-content-title",
        lead="p.sapo",
        body="div.journal-content-article",
        published="div.assetPublishDate",
        author=".view-content-author",
        section=".dd_chuyenmuc .tintuc",
    ),
    replay="hanoi-sotttt/site",
)
