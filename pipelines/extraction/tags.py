"""Tags of a page no declaration describes: a tag or keyword box ("Từ khóa: …", "Chủ đề …").

A share or print toolbar is no tag box, though CMSs give it "tag" classes (Liferay's
``taglib-icon`` print link, "In bài viết"): its labels are never tags.
"""

from __future__ import annotations

import re

from pipelines.extraction.classes import Classed
from pipelines.extraction.html import clean_line, element_lines

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


def generic_tags(classed: Classed) -> list[str]:
    """Tags from a tag or keyword box ("Từ khóa: …", "Chủ đề …"): an element classed
    "tag…" (not Liferay's "taglib…" icons), "keyword…" or "topic…"."""
    boxes = [
        element
        for element, classes in classed
        if ("tag" in classes and "taglib" not in classes)
        or "keyword" in classes
        or "topic" in classes
    ]
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
