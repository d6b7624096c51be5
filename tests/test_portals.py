import pytest

from crawler.portals import Layout, Portal, Selectors, UnknownPortalError, all_portals, get_portal
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


def test_dated_layouts_follow_the_fetch_time_in_vietnam():
    paper = get_portal("baohatinh")
    assert paper.layout_at("2021-06-01T05:00:00+00:00")[0] == "2020"
    # 31 May 2024, 17:30 UTC is already 1 June in Vietnam: the new design.
    assert paper.layout_at("2024-05-31T16:59:00+00:00")[0] == "2020"
    assert paper.layout_at("2024-05-31T17:30:00+00:00")[0] == "2024"
    assert paper.layout_at(None)[0] == "2024"
    assert get_portal("honglinh").layout_at("2010-01-01T00:00:00+00:00")[0] == "1"
    with pytest.raises(ValueError):
        Layout(name="x", until="June 2024", selectors=Selectors())


def test_a_page_is_read_with_the_layout_of_its_fetch_time():
    """The same old-CMS page: the 2020 selectors when fetched in 2021; from 2024 on, the
    current layout's selectors match nothing on it and the generic extractor takes over."""
    import gzip
    import json
    from pathlib import Path

    from pipelines.extraction import extract_article

    case = Path(__file__).parent / "fixtures" / "portals" / "baohatinh" / "seed"
    meta = json.loads((case / "meta.json").read_text(encoding="utf-8"))
    body = gzip.decompress((case / "page.html.gz").read_bytes())
    paper = get_portal("baohatinh")
    then = extract_article(meta["url"], body, meta["headers"], meta["fetched_at"], paper)
    later = extract_article(meta["url"], body, meta["headers"], "2025-01-01T00:00:00+00:00", paper)
    assert then.extractor.endswith(":selectors:baohatinh@2020")
    assert later.extractor.endswith(":trafilatura:baohatinh@2024")
