"""Vietnamese text typed in a legacy font encoding, made Unicode again.

Before Unicode (pages from about 1998 to 2010, old attachments), Vietnamese was typed in TCVN3
(the "ABC" code, VN3): one byte per letter, shown with the ``.VnTime``/``.VnArial`` fonts; the
bytes are Latin-1 ones, so without the font the page reads "Hµ TÜnh" for "Hà Tĩnh". Such a page
is recognised by letters that Western text almost never has (µ ¸ ¶ ¬ ® ª ...) and by its font
declarations, and its letters are mapped back (TCVN 5712:1993, the VN3 subset: lowercase letters
with their tone marks, and Ă Â Đ Ê Ô Ơ Ư; capitals with tone marks were typed with the
``.VnTimeH`` font on the lowercase codes, so they come back lowercase).

VNI (two bytes a letter, "Xin chaøo") is not read yet.
"""

from __future__ import annotations

import re

# Each TCVN3 character, and the Unicode letter it stands for, in the same order.
_TCVN3 = "µ¸¶·¹¨»¾¼½Æ©ÇÊÈÉË®ÌÐÎÏÑªÒÕÓÔÖ×ÝØÜÞßãáâä«åèæçé¬êíëìîïóñòô\xadõøö÷ùúýûüþ¡¢§£¤¥¦"
_UNICODE = (
    "àáảãạ" "ăằắẳẵặ" "âầấẩẫậ" "đ" "èéẻẽẹ" "êềếểễệ" "ìíỉĩị" "òóỏõọ" "ôồốổỗộ" "ơờớởỡợ"
    "ùúủũụ" "ưừứửữự" "ỳýỷỹỵ" "ĂÂĐÊÔƠƯ"
)  # fmt: skip
_TABLE = str.maketrans(_TCVN3, _UNICODE)
# TCVN3 codes of common Vietnamese letters (à á ả ạ ă â đ ê ơ ...) that Western Latin-1 text
# (French, German...) almost never holds, unlike é, ü or ç, which TCVN3 uses too.
_TELLING = re.compile("[µ¸¶·¹¨»¾¼½©®ª¬«]")
_LEGACY_FONT = re.compile(r"\.Vn[A-Z][A-Za-z]*|VnTime|VnArial", re.IGNORECASE)
# Vietnamese letters outside Latin-1: a page holding them is Unicode already.
_UNICODE_VIETNAMESE = re.compile("[ăđơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]")
MIN_TELLING = 20  # telling letters on a page before it is taken for TCVN3


def looks_tcvn3(text: str) -> bool:
    """Whether ``text`` (decoded as Latin-1 or cp1252) is Vietnamese typed in TCVN3."""
    sample = text[:200_000]
    if _UNICODE_VIETNAMESE.search(sample):
        return False  # Unicode Vietnamese already
    telling = len(_TELLING.findall(sample))
    if telling < MIN_TELLING:
        return False
    letters = sum(ch.isalpha() for ch in sample) or 1
    return telling / letters >= 0.03 or bool(_LEGACY_FONT.search(sample))


def from_tcvn3(text: str) -> str:
    """``text``'s TCVN3 letters as Unicode (NFC)."""
    return text.translate(_TABLE)
