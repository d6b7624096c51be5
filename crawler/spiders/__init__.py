"""One generic spider; portals differ by declaration (crawler/portals), not by spider."""
