import pytest

from archive.db import Store
from pipelines.extraction import Article


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "archive.db") as store:
        yield store


def make_article(**overrides):
    fields = {
        "url": "https://honglinh.hatinh.gov.vn/portal/pages/2023-01-21/Niem-vui-465087.aspx",
        "fetched_url": "https://honglinh.hatinh.gov.vn/portal/pages/2023-01-21/Niem-vui-465087.aspx",
        "portal": "honglinh",
        "title": "Niềm vui của người dân Hồng Lĩnh khi mùa xuân đến",
        "lead": "Những ngày giáp Tết, không khí trên địa bàn thị xã rộn ràng.",
        "text": "Các tuyến phố được trang hoàng cờ hoa.\nNgười dân nô nức sắm Tết.",
        "author": "Trần Thúy",
        "published": "2023-01-21T08:30:00+07:00",
        "section": "Tin tức",
        "language": "vi",
        "fetched_at": "2023-01-22T00:00:00+00:00",
        "extractor": "test",
        "article_key": "465087",
    }
    fields.update(overrides)
    return Article(**fields)
