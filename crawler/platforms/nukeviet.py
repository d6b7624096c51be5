"""NukeViet and NukeViet eGovernment (PHP, VINADES): district and commune portals, party sites."""

from crawler.platforms import Platform

PLATFORM = Platform(
    name="nukeviet",
    label="NukeViet",
    fingerprints=(
        r'(?i)<meta name="generator" content="NukeViet',
        r'id="news_detail"|class="news_column"|id="hometext"|class="bodytext"',
        r"Mã bảo mật|nv_\w+\(",
    ),
    url_fingerprints=(r"/uploads/news/\d{4}_\d{2}/", r"^/(sendmail|print|savefile)/"),
    deny_patterns=(r"^/(sendmail|print|savefile|rss)/", r"/tag/", r"[?&]nv=\w+&op="),
    title=("#news_detail h1", "h1"),
    published=("#news_detail span.time", "span.time"),
    lead=("#hometext",),
    body=("div.bodytext",),
    drop=("div.control", "#idcomment", "form"),
)
