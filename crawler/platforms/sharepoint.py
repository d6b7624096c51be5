"""Microsoft SharePoint 2010/2013 portals (VNPT, Lạc Việt, Tân Dân and other vendors)."""

from crawler.platforms import Platform

PLATFORM = Platform(
    name="sharepoint",
    label="Microsoft SharePoint",
    fingerprints=(
        r'(?i)<meta name="GENERATOR" content="Microsoft SharePoint',
        r"s4-workspace|s4-bodyContainer|ms-WPBody|MSOZoneCell_WebPart",
        r"ms-rtestate-field|ExternalClass[0-9A-F]{32}",
        r"/_layouts/",
    ),
    url_fingerprints=(r"/Lists/[^/]+/", r"/(Pages|Trang)/[^/]+\.aspx", r"/PublishingImages/"),
    deny_patterns=(r"/_layouts/", r"/Forms/", r"(?i)[?&](Source|ContentTypeId)="),
    article_pattern=r"(/Lists/Posts/ViewPost\.aspx\?ID=\d+|/(Pages|Trang)/[^/?]+\.aspx\?(ItemID|nid|ID)=\d+)$",
    article_id_pattern=r"(?:ID|ItemID|nid)=(?P<id>\d+)$",
    listing_pattern=r"(/Pages/[^/?]+\.aspx|/Lists/Posts/(Category|AllPosts)\.aspx\?.*)$",
    title=("p.Title", "h1", ".tandan-title", "h2.title"),
    published=("td.Time", ".tandan-span-date-publish", ".publish-date"),
    lead=(".tandan-p-article-news-summary", "b.lv_description_mode1", ".sapo"),
    body=("#content-print", ".ms-rtestate-field", "div.noi-dung-trang"),
)
