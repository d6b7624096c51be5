import pytest

from crawler.portals import Portal, UnknownPortalError, all_portals, get_portal
from crawler.portals._base import path_and_query
from tests.hanoi_mirror import manifest


def test_registry_lists_each_declared_portal_once():
    portals = all_portals()
    assert "hanoi-sotttt" in portals
    assert len({p.origin for p in portals.values()}) == len(portals)
    for portal_id, portal in portals.items():
        assert portal.id == portal_id
        assert portal.start_paths and all(p.startswith("/") for p in portal.start_paths)


def test_unknown_portal_error_names_the_known_ones():
    with pytest.raises(UnknownPortalError) as error:
        get_portal("nope")
    assert "hanoi-sotttt" in str(error.value)


def test_declaration_is_validated():
    with pytest.raises(ValueError, match="origin"):
        Portal(
            id="x",
            name="X",
            province="P",
            level="town",
            kind="government",
            origin="example.vn",
            start_paths=("/",),
            article_pattern="a",
            listing_pattern="b",
        )


def test_hanoi_declaration_classifies_every_mirrored_page():
    portal = get_portal("hanoi-sotttt")
    counts = {"article": 0, "listing_or_other": 0, "print_view": 0}
    for path, record in manifest().items():
        url = path_and_query(record.get("source_url") or path)
        kind = record["page_type"]
        counts[kind] += 1
        if kind == "article":
            assert portal.is_article(path), path
            assert portal.article_key(path) == str(record["article_id"])
            assert not portal.is_denied(path)
        elif kind == "print_view":
            assert portal.is_denied(url) or portal.is_denied(path), url
        else:
            assert not portal.is_article(path), path
    assert counts == {"article": 3339, "listing_or_other": 472, "print_view": 30}


def test_hanoi_pagination_links_are_listings():
    portal = get_portal("hanoi-sotttt")
    assert portal.is_listing("/vi/tin-tuc-su-kien511b.html?p_p_id=101&_101_delta=20&_101_cur=2")
    assert portal.is_listing("/vi/tin-tuc-su-kien.html")
    assert not portal.is_listing("/en/tin-tuc-su-kien.html")
    assert portal.is_denied("/en/tin-tuc-su-kien.html")
