"""Vietnamese (and any) letters without their marks: "Hội nghị Đảng" → "Hoi nghi Dang".

Two callers compare words as a reader types them, unaccented: the title check (the URL's slug
is the title without marks, pipelines/extraction/titles.py) and the archive's search (a query
"dang" finds "Đảng", archive/search.py). Kept apart from pipelines.extraction, whose import
loads trafilatura, which the search does not need.
"""

from __future__ import annotations

import unicodedata


class _Unmarked(dict[int, str]):
    """A ``str.translate`` table that drops each letter's marks ("ộ" → "o", "Đ" → "D"), filled
    as letters are met: translating in C costs a tenth of decomposing and filtering each
    character in Python, and titles are compared with every short block of some pages."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        decomposed = unicodedata.normalize("NFD", {"đ": "d", "Đ": "D"}.get(char, char))
        self[code] = "".join(c for c in decomposed if not unicodedata.combining(c))
        return self[code]


_UNMARKED = _Unmarked()


def unmarked(text: str) -> str:
    """``text`` without the marks of its letters, đ as d."""
    return text if text.isascii() else text.translate(_UNMARKED)
