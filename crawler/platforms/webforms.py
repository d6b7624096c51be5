"""Custom ASP.NET WebForms portals (Quảng Nam, Tây Ninh, Hải Phòng): label ids in the body
(``…lblNgayDang``, ``…lblTomTat``, ``…lblNoiDung``) and pagers that only post back."""

from crawler.platforms import Platform

PLATFORM = Platform(
    name="webforms",
    label="ASP.NET WebForms",
    fingerprints=(
        r'id="__VIEWSTATE"',
        r"__doPostBack\(",
        r"lblNoiDung|lblTomTat|lblNgayDang",
    ),
    deny_patterns=(r"(?i)\.axd(\?|$)",),
    title=("[id$=lblTieuDe]", "[id$=lblTitle]", "h1"),
    published=("[id$=lblNgayDang]", "[id*=DateTime]", "[id$=lblPostedDate]"),
    lead=("[id$=lblTomTat]", "[id$=lblSummary]"),
    body=("[id$=lblNoiDung]", "[id$=lblContent]"),
    author=("[id$=lblTacGia]", "[id$=lblAuthor]"),
)
