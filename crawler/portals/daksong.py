"""Cổng TTĐT huyện Đắk Song, Đắk Nông (SharePoint 2010 blog site; dark since the district level
was abolished on 1 July 2025). One category pages by date, another only by JavaScript postback
(``__doPostBack``): the crawl posts the page's form back, as a browser does."""

from crawler.portals._base import Portal, Selectors

PORTAL = Portal(
    id="daksong",
    name="Cổng thông tin điện tử huyện Đắk Song",
    province="Đắk Nông",
    province_after_2025="Lâm Đồng",
    level="district",
    kind="government",
    origin="https://daksong.daknong.gov.vn",
    postback_pager=True,
    start_paths=("/Pages/home.aspx",),
    article_pattern=r"/Lists/Posts/ViewPost\.aspx\?ID=\d+$",
    article_id_pattern=r"ViewPost\.aspx\?ID=(?P<id>\d+)",
    listing_pattern=r"(^/Pages/home\.aspx$|/Lists/Posts/(Category|AllPosts)\.aspx\?)",
    selectors=Selectors(
        title="p.Title",
        lead="b.lv_description_mode1",
        published="td.Time",
        body="#content-print",
        section="td.FolderTitle",
        drop=('table[align="center"]',),
    ),
)
