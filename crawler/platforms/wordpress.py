"""WordPress (not seen on government portals; some newspapers' side sites and unions use it)."""

from crawler.platforms import Platform

PLATFORM = Platform(
    name="wordpress",
    label="WordPress",
    fingerprints=(r'(?i)<meta name="generator" content="WordPress', r"/wp-content/", r"/wp-json/"),
    url_fingerprints=(r"^/wp-content/", r"^/\d{4}/\d{2}/[^/]+/$"),
    deny_patterns=(r"^/wp-(admin|login|json)", r"[?&](replytocom|share)=", r"/feed/?$"),
    page_params=("paged",),
    title=("h1.entry-title",),
    published=("time.entry-date",),
    body=("div.entry-content",),
    author=(".author.vcard",),
)
