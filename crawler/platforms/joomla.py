"""Joomla (not seen on government portals; listed so that a site on it is named as such)."""

from crawler.platforms import Platform

PLATFORM = Platform(
    name="joomla",
    label="Joomla",
    fingerprints=(r'(?i)<meta name="generator" content="Joomla', r"/media/jui/|/components/com_"),
    url_fingerprints=(r"[?&]option=com_", r"/component/"),
    deny_patterns=(r"[?&](tmpl=component|print=1|format=(feed|pdf))",),
    page_params=("start", "limitstart"),
    title=("h2[itemprop=headline]", "h1"),
    published=("time[itemprop=datePublished]",),
    body=("div[itemprop=articleBody]",),
)
