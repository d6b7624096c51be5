"""One broken portal declaration stops only its own portal: the others load, and asking for the
broken one says which file failed and why."""

import pytest

import crawler.portals as registry
from crawler.portals import UnknownPortalError, all_portals, broken_declarations, get_portal

BROKEN = """
from crawler.portals._base import Portal

PORTAL = Portal(
    id="zz-broken",
    name="A portal with a typo",
    province="Hà Tĩnh",
    level="town",
    kind="government",
    origin="https://zz.gov.vn",
    start_paths=("/",),
    article_pattern=r"/tin/(\\d+.html",
    listing_pattern=r"/tin/",
)
"""


@pytest.fixture
def broken_module(tmp_path, monkeypatch):
    (tmp_path / "zz_broken.py").write_text(BROKEN, encoding="utf-8")
    monkeypatch.setattr(registry, "__path__", [*registry.__path__, str(tmp_path)])
    registry._load.cache_clear()
    yield
    registry._load.cache_clear()


def test_a_bad_regex_leaves_out_its_portal_only(broken_module, caplog):
    portals = all_portals()
    assert "honglinh" in portals and "zz-broken" not in portals
    assert "bad pattern" in broken_declarations()["zz_broken"]
    assert get_portal("honglinh").id == "honglinh"
    with pytest.raises(UnknownPortalError) as raised:
        get_portal("zz-broken")
    message = str(raised.value)
    assert "crawler/portals/zz_broken.py could not be loaded" in message
    assert "missing ), unterminated subpattern" in message
    assert "zz_broken.py left out" in caplog.text
