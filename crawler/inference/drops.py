"""What to drop from an article's body: blocks the same on every article (toolbars, counters)
and image captions, learned from the sampled articles (crawler/inference/template.py)."""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from crawler.inference.pages import SKIP
from crawler.inference.selectors import candidates, css, first_match, text_of

if TYPE_CHECKING:
    from crawler.inference.template import _Sample

AUTHOR_HINT = re.compile(r"author|tacgia|tac-gia|byline|writer|nguoiviet|butdanh")


def template_inside(samples: list[_Sample], body_selector: str) -> tuple[str, ...]:
    """Blocks inside the body that are the same on every article (toolbars, counters)."""
    counted: Counter[str] = Counter()
    for sample in samples:
        body = first_match(sample.doc, body_selector)
        if body is None:
            continue
        found: set[str] = set()
        for element in body.iterdescendants():
            if not isinstance(element.tag, str) or element.tag in SKIP:
                continue
            text = text_of(element)
            if text and sample.varying.get(element, 0) == 0 and len(text) < 300:
                parent = element.getparent()
                if parent is not None and parent is not body and sample.varying.get(parent, 0) == 0:
                    continue
                if AUTHOR_HINT.search(
                    f"{element.get('class', '')} {element.get('id', '')}".lower()
                ):
                    continue  # the byline: extraction takes it out of the text by itself
                # Only selectors naming the block itself: "body > p" would drop every paragraph.
                found.update(c for c in candidates(element)[:2] if " > " not in c)
        counted.update(found)
    unchanging = [s for s, n in counted.items() if n == len(samples)]
    return tuple(sorted(s for s in unchanging if _only_template(samples, body_selector, s)))[:5]


def captions_inside(samples: list[_Sample], body_selector: str) -> tuple[str, ...]:
    """Image captions inside the body: a block holding an image and a short text (a caption
    table, a figure), or the short centred paragraph right after a paragraph of only an image.
    Kept when found on half the samples and never matching a long paragraph."""
    counted: Counter[str] = Counter()
    for sample in samples:
        body = first_match(sample.doc, body_selector)
        if body is None:
            continue
        found: set[str] = set()
        for image in body.iter("img"):
            holder = image.getparent()
            while holder is not None and holder is not body and not text_of(holder):
                holder = holder.getparent()
            if holder is not None and holder is not body and len(text_of(holder)) <= 200:
                found.update(c for c in candidates(holder)[:2] if " > " not in c)
                continue
            paragraph = image.getparent()
            following = paragraph.getnext() if paragraph is not None else None
            style = (following.get("style") or "").replace(" ", "") if following is not None else ""
            if (
                following is not None
                and "text-align:center" in style
                and len(text_of(following)) <= 200
            ):
                found.add(f'{following.tag}[style*="text-align:center"]')
        counted.update(found)
    half = max(1, len(samples) // 2)
    return tuple(
        sorted(
            selector
            for selector, n in counted.items()
            if n >= half and _never_long(samples, body_selector, selector)
        )
    )[:3]


def _never_long(samples: list[_Sample], body_selector: str, selector: str) -> bool:
    for sample in samples:
        body = first_match(sample.doc, body_selector)
        if body is not None and any(len(text_of(e)) > 200 for e in css(selector)(body)):
            return False
    return True


def _only_template(samples: list[_Sample], body_selector: str, selector: str) -> bool:
    """Whether ``selector`` matches nothing that changes from article to article."""
    for sample in samples:
        body = first_match(sample.doc, body_selector)
        if body is not None and any(sample.varying.get(e, 0) for e in css(selector)(body)):
            return False
    return True


# selectors -----------------------------------------------------------------------------------
