"""Báo Hà Tĩnh, the provincial newspaper: old CMS (``/<cat>/<slug>/<id>.htm``) until mid-2024,
then a new one (``/<slug>-post<id>.html``) to which the old URLs redirect. Both designs are
declared: a page is read with the selectors of the design that was live when it was fetched."""

from dataclasses import replace

from crawler.portals._base import Layout, Portal, Selectors

SELECTORS_2024 = Selectors(
    title="h1.article__title",
    lead="div.article__sapo",
    published="time.time",
    body="div.article__body",
    author="p.pAuthor",
    tags=".box-topic a",
    drop=("p.pCenter", "figure"),
)
# The 2020 CMS differs in where the title, sapo, date and body are.
SELECTORS_2020 = replace(
    SELECTORS_2024,
    title="h1.title_detail",
    lead="div.sapo_detail",
    published="div.date_news span",
    body="#main-detail",
)

PORTAL = Portal(
    id="baohatinh",
    name="Báo Hà Tĩnh",
    province="Hà Tĩnh",
    province_after_2025="Hà Tĩnh",
    level="province",
    kind="newspaper",
    origin="https://baohatinh.vn",
    start_paths=("/",),
    article_pattern=r"(^/[a-z-]+/[a-z0-9-]+/\d+\.htm$|^/[a-z0-9-]+-post\d+\.html$)",
    article_id_pattern=r"(?:/|-post)(?P<id>\d+)\.html?$",
    listing_pattern=r"^/([a-z-]+/(trang-\d+\.htm|\?page=\d+)?)?$",
    deny_patterns=(r"^/tim-kiem/", r"^/tag/"),
    sitemaps=("/sitemap.xml",),  # the 2024 CMS's (also named in robots.txt); 404 before
    layout="2024",
    selectors=SELECTORS_2024,
    earlier_layouts=(Layout(name="2020", until="2024-06-01", selectors=SELECTORS_2020),),
)
