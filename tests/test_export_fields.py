"""Exported times: the column-at-once form Parquet uses gives exactly what the per-value
converter gives JSONL and CSV, for the stored form and for any other."""

import pytest

from archive.export.fields import time_column, timestamp_text


@pytest.mark.parametrize(
    "values",
    [
        [b"2025-03-04T19:30:00+07:00", None, b"2025-03-04", b"2024-01-01T00:00:00+00:00"],
        [b"2025-03-04T19:30:00Z", b"2025-03-04T19:30:00.123456+07:00", b"2025-03-04T19:30", b"x"],
        [],
        [None],
    ],
    ids=["stored-forms", "other-forms", "empty", "null"],
)
def test_a_time_column_is_the_per_value_conversion(values):
    expected = [None if v is None else timestamp_text(v).decode() for v in values]
    assert time_column(values).to_pylist() == expected


def test_the_stored_form_gets_milliseconds_before_its_offset():
    assert time_column([b"2025-03-04T19:30:00+07:00"]).to_pylist() == [
        "2025-03-04T19:30:00.000+07:00"
    ]
