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
        ("2025-08-29T18:07:33Z", "2025-08-29T18:07:33+00:00"),  # the page's own offset kept
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


@pytest.mark.parametrize(
    ("text", "reference", "expected"),
    [
        ("Chiều nay (20/4), Bí thư Thành ủy chủ trì hội nghị", (2021, 4, 21), "2021-04-20"),
        ("Sáng 30/12, hội nghị tổng kết năm", (2022, 1, 2), "2021-12-30"),
        ("Ngày 21/2, UBND thị xã tổ chức", (2023, 2, 21), "2023-02-21"),
        ("Không có ngày trong câu này", (2023, 2, 21), None),
        ("Sáng 31/2, ngày không có thật", (2023, 3, 1), None),
    ],
)
def test_year_less_days_take_the_year_from_context(text, reference, expected):
    from datetime import datetime

    from pipelines.extraction.dates import VIETNAM, resolve_yearless

    assert resolve_yearless(text, datetime(*reference, tzinfo=VIETNAM)) == expected


def test_iso_day_and_weekday_prefixes():
    assert published_iso('<time datetime="2021-04-20">') == "2021-04-20"
    assert published_iso("Thứ Hai, 05/06/2023 - 08:15") == "2023-06-05T08:15:00+07:00"
    assert published_iso("Cập nhật lúc 8:05 SA, 05/06/2023") == "2023-06-05T08:05:00+07:00"


def test_vietnamese_pages_are_put_in_vietnam_time():
    from pipelines.extraction.dates import in_vietnam_time

    assert in_vietnam_time("2025-08-29T18:07:33+00:00") == "2025-08-30T01:07:33+07:00"
    assert in_vietnam_time("2025-08-29") == "2025-08-29"
    assert in_vietnam_time(None) is None
