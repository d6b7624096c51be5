"""Vietnamese text typed in a legacy font encoding, made Unicode again.

Before Unicode (pages from about 1998 to 2010, old attachments), Vietnamese was typed in TCVN3
(the "ABC" code, VN3): one byte per letter, shown with the ``.VnTime``/``.VnArial`` fonts; the
bytes are Latin-1 ones, so without the font the page reads "Hµ TÜnh" for "Hà Tĩnh". Such a page
is recognised by letters that Western text almost never has (µ ¸ ¶ ¬ ® ª ...) and by its font
declarations, and its letters are mapped back (TCVN 5712:1993, the VN3 subset: lowercase letters
with their tone marks, and Ă Â Đ Ê Ô Ơ Ư; capitals with tone marks were typed with the
``.VnTimeH`` font on the lowercase codes, so they come back lowercase).

VNI (the "VNI-Times" fonts) types a vowel as its base letter followed by a byte for its marks,
also Latin-1 letters: "Vieät Nam" for "Việt Nam", "Nghò quyeát" for "Nghị quyết". Such a page is
recognised by many vowel + mark pairs (ù ø û õ ï for the tones, â á à å ã ä with a circumflex,
ê é è ú ü ë with a breve) and a VNI font declaration, and is composed back into Unicode (NFC).
"""

from __future__ import annotations

import re
import unicodedata

# Each TCVN3 character, and the Unicode letter it stands for, in the same order.
_TCVN3 = "µ¸¶·¹¨»¾¼½Æ©ÇÊÈÉË®ÌÐÎÏÑªÒÕÓÔÖ×ÝØÜÞßãáâä«åèæçé¬êíëìîïóñòô\xadõøö÷ùúýûüþ¡¢§£¤¥¦"
_UNICODE = (
    "àáảãạ" "ăằắẳẵặ" "âầấẩẫậ" "đ" "èéẻẽẹ" "êềếểễệ" "ìíỉĩị" "òóỏõọ" "ôồốổỗộ" "ơờớởỡợ"
    "ùúủũụ" "ưừứửữự" "ỳýỷỹỵ" "ĂÂĐÊÔƠƯ"
)  # fmt: skip
_TABLE = str.maketrans(_TCVN3, _UNICODE)
# TCVN3 codes of common Vietnamese letters (à á ả ạ ă â đ ê ơ ...) that Western Latin-1 text
# (French, German...) almost never holds, unlike é, ü or ç, which TCVN3 uses too.
_TELLING = "µ¸¶·¹¨»¾¼½©®ª¬«"
_LEGACY_FONT = re.compile(r"\.Vn[A-Z][A-Za-z]*|VnTime|VnArial", re.IGNORECASE)
# Vietnamese letters outside Latin-1: a page holding them is Unicode already.
VIETNAMESE_LETTERS = re.compile("[ăđơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]")
MIN_TELLING = 20  # telling letters on a page before it is taken for TCVN3 or VNI
SAMPLE = 200_000  # characters looked at
_COMMON_LETTERS = "etaoinsrhldcu"


def from_tcvn3(text: str) -> str:
    """``text``'s TCVN3 letters as Unicode (NFC)."""
    return text.translate(_TABLE)


# VNI: the byte after a vowel, as (vowel mark, tone mark) in combining characters.
_CIRCUMFLEX, _BREVE, _HORN = "\u0302", "\u0306", "\u031b"
_TONES = {"ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323"}
_VNI_MARKS: dict[str, tuple[str, str]] = {
    **{mark: ("", tone) for mark, tone in _TONES.items()},
    **dict(zip("âáàåãä", ((_CIRCUMFLEX, t) for t in ("", *_TONES.values())), strict=True)),
    **dict(zip("êéèúüë", ((_BREVE, t) for t in ("", *_TONES.values())), strict=True)),
}
_VNI_MARKS |= {mark.upper(): value for mark, value in _VNI_MARKS.items()}
_VNI_BASES = {"ô": "o" + _HORN, "ö": "u" + _HORN, "Ô": "O" + _HORN, "Ö": "U" + _HORN}
# A vowel and the byte of its marks, or one of the letters VNI types in one byte (ơ ư đ, and
# the i's and ỵ, whose marks sit on the letter): one pass, so a composed "ó" is not read again.
_VNI_LETTER = re.compile(
    "([aeouyAEOUYôöÔÖ])([ùøûõïâáàåãäêéèúüëÙØÛÕÏÂÁÀÅÃÄÊÉÈÚÜË])|([ôöñÔÖÑæÆóÓòÒîÎ])"
)
_VNI_SINGLE = dict(zip("ôöñÔÖÑæÆóÓòÒîÎ", "ơưđƠƯĐỉỈĩĨịỊỵỴ", strict=True))
_VNI_FONT = re.compile(r"VNI[- ]?(Times|Helve|Aptima|Top|Book)", re.IGNORECASE)
_VNI_MARK_BYTES = "øõïäåëü"  # not ù, û: French où, coût
# Both counts in one pass over the sample: the telling TCVN3 letters and the VNI mark bytes, the
# latter counted where a vowel precedes them (vowels and marks share no character, so these are
# the pairs a search for vowel + mark finds). A pass for each costs twice as much.
_LEGACY_LETTERS = re.compile(f"[{_TELLING}{_VNI_MARK_BYTES}]")
_VNI_VOWELS = frozenset("aeouyAEOUY")


def legacy_encoding(text: str) -> str | None:
    """ "tcvn3" or "vni" when ``text`` (decoded as Latin-1 or cp1252) is Vietnamese typed in
    that legacy encoding, else None. Every page decoded is asked this, so the cheap answers
    come first: an ASCII page, a page with Unicode Vietnamese letters early on."""
    sample = text[:SAMPLE]
    # A Unicode Vietnamese page shows its letters early; a foreign page has to be read whole,
    # so the full search waits until the page has enough of the telling letters to matter.
    if sample.isascii() or VIETNAMESE_LETTERS.search(sample, 0, 20_000):
        return None
    tcvn3_letters, vni_pairs = legacy_counts(sample)
    if max(tcvn3_letters, vni_pairs) < MIN_TELLING or VIETNAMESE_LETTERS.search(sample):
        return None
    if _typed_in(sample, tcvn3_letters, _LEGACY_FONT):
        return "tcvn3"
    if _typed_in(sample, vni_pairs, _VNI_FONT):
        return "vni"
    return None


def legacy_counts(sample: str) -> tuple[int, int]:
    """The telling TCVN3 letters of ``sample``, and its VNI vowel + mark pairs (German ä, ü
    after a vowel count here)."""
    tcvn3_letters = vni_pairs = 0
    for found in _LEGACY_LETTERS.finditer(sample):
        if found.group() in _TELLING:
            tcvn3_letters += 1
        elif found.start() and sample[found.start() - 1] in _VNI_VOWELS:
            vni_pairs += 1
    return tcvn3_letters, vni_pairs


def _typed_in(sample: str, count: int, font: re.Pattern[str]) -> bool:
    """Whether ``count`` telling letters make ``sample`` legacy-typed: 3 % of its letters, or
    a legacy font named."""
    if count < MIN_TELLING:
        return False
    if font.search(sample):
        return True
    # Counting the letters costs ~4 ms on a large page; the common ASCII ones, counted in C,
    # are often enough to show the share is under 3 %.
    if sum(map(sample.count, _COMMON_LETTERS)) * 0.03 > count:
        return False
    letters = sum(map(str.isalpha, sample)) or 1
    return count / letters >= 0.03


def from_vni(text: str) -> str:
    """``text``'s VNI letters as Unicode (NFC)."""

    def letter(match: re.Match[str]) -> str:
        if match.group(3):
            return _VNI_SINGLE[match.group(3)]
        base, (vowel_mark, tone) = match.group(1), _VNI_MARKS[match.group(2)]
        plain = base.lower()
        if (
            vowel_mark == _CIRCUMFLEX
            and plain not in "aeo"
            or vowel_mark == _BREVE
            and plain != "a"
        ):
            return _VNI_SINGLE.get(base, base) + match.group(2)  # no such letter: not a pair
        return unicodedata.normalize("NFC", _VNI_BASES.get(base, base) + vowel_mark + tone)

    return _VNI_LETTER.sub(letter, text)
