import pytest

from pipelines.extraction.byline import combine, split_byline


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Trần Thúy (Văn phòng Thành ủy)", ("Trần Thúy", "Văn phòng Thành ủy")),  # seed 000
        ("Văn phòng HĐND-UBND thị xã (HLB)", (None, "Văn phòng HĐND-UBND thị xã")),  # seed 004
        ("Bài, ảnh: Minh Châu", ("Minh Châu", None)),
        ("Tác giả: Hồng Nhung", ("Hồng Nhung", None)),
        ("Nguồn tin: Trung tâm VH-TT", (None, "Trung tâm VH-TT")),
        ("Quang Vinh (Phòng VH-TT)", ("Quang Vinh", "Phòng VH-TT")),
        ("Đặng Vân", ("Đặng Vân", None)),
        ("admin admin", (None, None)),
        ("Pho Ban bien tap", (None, None)),  # a CMS account: a role, without diacritics
        ("Ad Min", (None, None)),
        ("Thanh Phong", ("Thanh Phong", None)),  # a name that happens to need no diacritic
        ("", (None, None)),
    ],
)
def test_split_byline(line, expected):
    assert split_byline(line) == expected


def test_combine_keeps_each_name_once():
    lines = ["Thu Trang (Trung tâm VH-TT)", "Thu Trang", "Hồng Nhung", "admin admin"]
    assert combine(lines) == ("Thu Trang; Hồng Nhung", "Trung tâm VH-TT")
