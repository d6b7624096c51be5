"""Umbraco (.NET) portals: the Hậu Giang sites after their redesign."""

from crawler.platforms import Platform

PLATFORM = Platform(
    name="umbraco",
    label="Umbraco",
    fingerprints=(r"/media/\d+/[^\"']+\?(anchor|width|mode)=", r"(?i)umbraco"),
    url_fingerprints=(r"^/media/\d+/",),
    deny_patterns=(r"^/umbraco/",),
)
