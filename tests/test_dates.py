import pytest

from pipelines.extraction.dates import parse_vn_datetime, published_iso


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Ngày đăng 13/05/2016 | 5:05 PM | View count: 889", "2016-05-13T17:05:00+07:00"),
        ("Ngày đăng 21/12/2012 | 12:00 AM", "2012-12-21T00:00:00+07:00"),
        ("14:08 13/07/2016", "2016-07-13T14:08:00+07:00"),
        ("4/10/2017, 14:1 (GMT+7)", "2017-10-04T14:01:00+07:00"),
        ("Thứ Sáu, ngày 14/01/2022 | 07:21", "2022-01-14T07:21:00+07:00"),
        ("14/07/2016 2:08 CH", "2016-07-14T14:08:00+07:00"),
        ("14/07/2016 9:08 SA", "2016-07-14T09:08:00+07:00"),
        ("08/11/2019 - 09:30", "2019-11-08T09:30:00+07:00"),
        ("2025-08-30T01:07:33+0700", "2025-08-30T01:07:33+07:00"),
        ("2025-08-29T18:07:33Z", "2025-08-30T01:07:33+07:00"),
        ("ngày 14 tháng 1 năm 2022", "2022-01-14"),
        ("(06/11/2019)", "2019-11-06"),
    ],
)
def test_published_iso(line, expected):
    assert published_iso(line) == expected


@pytest.mark.parametrize("line", ["", None, "Lượt xem: 889", "31/02/2020", "99/99/9999 10:00"])
def test_no_date(line):
    assert published_iso(line) is None


def test_day_first_even_when_month_first_would_be_valid():
    moment = parse_vn_datetime("05/04/2020")
    assert (moment.day, moment.month) == (5, 4)
    assert moment.utcoffset().total_seconds() == 7 * 3600
