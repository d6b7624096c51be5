"""Báo Hà Tĩnh, the provincial newspaper: old CMS (``/<cat>/<slug>/<id>.htm``) until mid-2024,
then a new one (``/<slug>-post<id>.html``) to which the old URLs redirect."""

from crawler.portals._base import Portal, Selectors

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
    selectors=Selectors(
        title="h1.title_detail, h1.article__title",
        lead="div.sapo_detail, div.article__sapo",
        published="div.date_news span, time.time",
        body="#main-detail, div.article__body",
        author="p.pAuthor",
        tags=".box-topic a",
        drop=("p.pCenter", "figure"),
    ),
)
