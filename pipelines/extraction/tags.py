"""Tags of a page no declaration describes: a tag or keyword box ("Từ khóa: …", "Chủ đề …").

A share or print toolbar is no tag box, though CMSs give it "tag" classes (Liferay's
``taglib-icon`` print link, "In bài viết"): its labels are never tags.
"""

from __future__ import annotations

import re

import lxml.etree
import lxml.html

from pipelines.extraction.html import clean_line, element_lines

_TAG_BOXES = lxml.etree.XPath(
    "//*[(contains(@class,'tag') and not(contains(@class,'taglib'))) "
    "or contains(@class,'keyword') or contains(@class,'topic')]"
)
_TAG_LABEL = re.compile(r"^\s*(?:từ khóa|từ khoá|chủ đề|tags?)\s*:?\s*", re.IGNORECASE)
# Labels of share and print toolbars: never tags (Liferay's "taglib-icon" print link, say).
TOOLBAR_LABELS = frozenset(
    {
        "in", "in bài", "in bài viết", "in trang", "print", "email", "e-mail", "gửi email",
        "gửi bài", "gửi", "chia sẻ", "share", "facebook", "twitter", "zalo", "tweet", "like",
        "thích", "lưu", "lưu bài", "lưu tin", "bookmark", "quay lại", "trở về", "về đầu trang",
        "đầu trang", "bình luận", "phản hồi", "góp ý", "tải về", "download", "rss",
        "cỡ chữ", "aa", "a+", "a-", "nghe đọc", "đọc bài",
    }
)  # fmt: skip


def generic_tags(doc: lxml.html.HtmlElement) -> list[str]:
    """Tags from a tag or keyword box ("Từ khóa: …", "Chủ đề …")."""
    boxes = _TAG_BOXES(doc)
    for box in boxes[:5]:
        links = [clean_line(a.text_content()) for a in box.iter("a")]
        links = [
            t
            for t in links
            if t and not _TAG_LABEL.fullmatch(t) and t.casefold() not in TOOLBAR_LABELS
        ]
        if links:
            return links[:30]
        text = _TAG_LABEL.sub("", " ".join(element_lines(box)))
        parts = [clean_line(p) for p in text.split(",")]
        parts = [p for p in parts if p.casefold() not in TOOLBAR_LABELS]
        if text and parts and all(0 < len(p) <= 60 for p in parts):
            return parts[:30]
    return []
