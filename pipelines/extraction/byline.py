"""Bylines of Vietnamese portals, split into author and unit.

Portals sign articles at the end of the body: "Trần Thúy (Văn phòng Thành ủy)" is a writer and
her unit; "Văn phòng HĐND-UBND thị xã (HLB)" is a unit with the writer's initials; "Bài, ảnh:
Minh Châu", "Tác giả: …", "Nguồn tin: …" carry a label; "admin admin" is a CMS placeholder and
"Pho Ban bien tap" a CMS account (a role, written without diacritics): neither is an author.
"""

from __future__ import annotations

import re

PLACEHOLDERS = frozenset(
    {"admin", "admin admin", "ad min", "administrator", "quản trị", "quản trị viên", "webmaster"}
)
# A CMS account shown as the author: accounts are written without diacritics and name a role
# ("Pho Ban bien tap" is "Phó Ban biên tập", the deputy editor), never a person's byline.
_CMS_ACCOUNT = re.compile(
    r"\b(?:admin|bien tap|btv|quan tri|cong tac vien|ctv|editor|webmaster|user\d*|"
    r"pho ban|truong ban)\b",
    re.IGNORECASE,
)
_LABEL = re.compile(
    r"^(?:tác giả|bài(?:,| và)? ảnh|bài viết|bài|ảnh|tin(?:,| và)? ảnh|tin|theo|nguồn(?: tin)?|"
    r"người viết|phóng viên|pv|ctv)\s*[:\-–]\s*",
    re.IGNORECASE,
)
_WITH_PARENS = re.compile(r"^(.*?)\s*\(([^()]+)\)\s*$")
_INITIALS = re.compile(r"^[A-ZĐ][A-ZĐ.]{0,7}$")
_ORGANISATION = re.compile(
    r"^(?:văn phòng|phòng|trung tâm|ubnd|ủy ban|uỷ ban|ban|sở|hội|đoàn|báo|đài|cổng|thành ủy|"
    r"thị ủy|huyện ủy|tỉnh ủy|đảng ủy|hđnd|công an|bộ|cục|chi cục|trường|bệnh viện|mttq|"
    r"mặt trận|ban biên tập|bbt|tòa soạn|liên đoàn|chi nhánh|trạm|kho bạc|viện)\b",
    re.IGNORECASE,
)


def split_byline(line: str) -> tuple[str | None, str | None]:
    """(author, unit) of one byline; either may be None.

    >>> split_byline("Trần Thúy (Văn phòng Thành ủy)")
    ('Trần Thúy', 'Văn phòng Thành ủy')
    >>> split_byline("Văn phòng HĐND-UBND thị xã (HLB)")
    (None, 'Văn phòng HĐND-UBND thị xã')
    >>> split_byline("Bài, ảnh: Minh Châu")
    ('Minh Châu', None)
    """
    line = _LABEL.sub("", " ".join(line.split())).strip(" .;,")
    if not line or line.casefold() in PLACEHOLDERS or is_cms_account(line):
        return None, None
    match = _WITH_PARENS.match(line)
    if match:
        outside, inside = match.group(1).strip(" -–,"), match.group(2).strip()
        if _INITIALS.match(inside):
            return _one(outside)
        if _ORGANISATION.match(outside):
            return None, line
        return outside or None, inside
    return _one(line)


def is_cms_account(text: str) -> bool:
    """An account name of the portal's CMS rather than a byline: plain ASCII, naming a role."""
    return text.isascii() and bool(_CMS_ACCOUNT.search(text))


def _one(text: str) -> tuple[str | None, str | None]:
    if not text:
        return None, None
    return (None, text) if _ORGANISATION.match(text) else (text, None)


def combine(lines: list[str]) -> tuple[str | None, str | None]:
    """Author and unit from several byline lines (each part joined with "; ")."""
    authors: list[str] = []
    units: list[str] = []
    for line in lines:
        author, unit = split_byline(line)
        if author and author not in authors:
            authors.append(author)
        if unit and unit not in units:
            units.append(unit)
    return "; ".join(authors) or None, "; ".join(units) or None
