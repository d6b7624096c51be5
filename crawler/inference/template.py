"""Selectors learned by comparing a site's articles with one another.

What repeats from page to page is the site's template (menus, toolbars, footers, the sidebar's
boxes); the block that changes from article to article and carries most of the text is the
body. The title is the element whose text is the page's own title (``og:title``, ``<title>``);
the date the short element near it holding a date; the lead a short block between title and
body, or one the site marks (``sapo``, ``tomtat``...). Each field's selector is the simplest one
(an id, a class, a parent's class) that finds the same element on every sampled article, so
what the file says was checked on every page the probe fetched.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import lxml.html

from crawler.inference.drops import AUTHOR_HINT, captions_inside, template_inside
from crawler.inference.pages import SKIP, text_pieces
from crawler.inference.selectors import candidates, css, first_match, text_of
from crawler.portals import Selectors

_DATE = re.compile(
    r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{4}\b|\b\d{4}-\d{2}-\d{2}\b|ngày\s+\d{1,2}\s+tháng\s+\d{1,2}",
    re.IGNORECASE,
)
_LEAD_HINT = re.compile(r"sapo|lead|summary|tomtat|tom-tat|description|mota|chapo|intro|trichyeu")
_SPACE = re.compile(r"\s+")


@dataclass
class Learned:
    """Selectors for a site's fields, with a line of evidence for each."""

    title: str | None = None
    published: str | None = None
    lead: str | None = None
    body: str | None = None
    author: str | None = None
    drop: tuple[str, ...] = ()
    evidence: list[str] = field(default_factory=list)

    def selectors(self) -> Selectors:
        return Selectors(
            title=self.title,
            lead=self.lead,
            body=self.body,
            published=self.published,
            author=self.author,
            drop=self.drop,
        )


@dataclass
class _Sample:
    doc: lxml.html.HtmlElement
    varying: dict[lxml.html.HtmlElement, int]  # element -> characters of its changing text
    total: int  # changing text of the whole page


def learn_selectors(
    docs: list[lxml.html.HtmlElement], preferred: dict[str, tuple[str, ...]]
) -> Learned:
    """Selectors for ``docs`` (articles of one site, three or more). ``preferred``: the
    platform's usual selectors per field, tried first."""
    learned = Learned()
    if len(docs) < 3:
        learned.evidence.append(f"only {len(docs)} articles sampled: no selectors learned")
        return learned
    samples = _compare(docs)
    bodies = [_body_element(s) for s in samples]
    if sum(b is not None for b in bodies) < _most(len(samples)):
        learned.evidence.append("no text block that changes on every article: generic extraction")
        return learned
    found = _choose(
        [b for b in bodies if b is not None], samples, _is_body, preferred.get("body", ())
    )
    if found:
        learned.body = found
        learned.evidence.append(
            f"body {found!r}: holds the text that changes on all {len(docs)} sampled articles"
        )
        learned.drop = template_inside(samples, found)
        if learned.drop:
            learned.evidence.append(
                f"drop {', '.join(learned.drop)}: the same on every article, inside the body"
            )
        captions = captions_inside(samples, found)
        if captions:
            learned.drop += captions
            learned.evidence.append(
                f"drop {', '.join(captions)}: image captions inside the body (short, by an image)"
            )
    titles = [_title_element(s.doc) for s in samples]
    if sum(t is not None for t in titles) >= _most(len(samples)):
        learned.title = _choose(
            [t for t in titles if t is not None],
            samples,
            lambda s, selector: first_match(s.doc, selector) is _title_element(s.doc),
            preferred.get("title", ()),
        )
        if learned.title:
            learned.evidence.append(
                f"title {learned.title!r}: the page's own title (og:title/<title>)"
            )
    learned.published = _field(samples, learned, "published", _date_element, preferred)
    learned.lead = _field(samples, learned, "lead", _lead_element, preferred)
    learned.author = _field(samples, learned, "author", _author_element, preferred)
    return learned


def _most(count: int) -> int:
    return max(2, -(-2 * count // 3))


Finder = Callable[["_Sample", lxml.html.HtmlElement | None], lxml.html.HtmlElement | None]
Holds = Callable[["_Sample", str], bool]


def _field(
    samples: list[_Sample],
    learned: Learned,
    name: str,
    finder: Finder,
    preferred: dict[str, tuple[str, ...]],
) -> str | None:
    body = (
        [first_match(s.doc, learned.body) for s in samples]
        if learned.body
        else [None] * len(samples)
    )
    elements = [finder(s, b) for s, b in zip(samples, body, strict=True)]
    present = [e for e in elements if e is not None]
    if len(present) < max(2, len(samples) // 2 + 1):
        return None
    chosen = _choose(
        present,
        samples,
        lambda s, selector: (
            first_match(s.doc, selector)
            is finder(s, first_match(s.doc, learned.body) if learned.body else None)
        ),
        preferred.get(name, ()),
        need=len(present),
    )
    if chosen:
        learned.evidence.append(
            f"{name} {chosen!r}: found on {len(present)} of {len(samples)} articles"
        )
    return chosen


# comparing pages -----------------------------------------------------------------------------


def _compare(docs: list[lxml.html.HtmlElement]) -> list[_Sample]:
    chunked = [text_pieces(doc) for doc in docs]
    seen = Counter(text for chunks in chunked for text in {t for _, t in chunks})
    samples = []
    for doc, chunks in zip(docs, chunked, strict=True):
        varying: dict[lxml.html.HtmlElement, int] = {}
        total = 0
        for element, text in chunks:
            if seen[text] > 1 and len(text) < 200:
                continue  # the template's (or two articles' common words)
            total += len(text)
            for holder in (element, *element.iterancestors()):
                varying[holder] = varying.get(holder, 0) + len(text)
        samples.append(_Sample(doc, varying, total))
    return samples


def _body_element(sample: _Sample) -> lxml.html.HtmlElement | None:
    """The deepest element holding 70 % of the page's changing text."""
    if sample.total < 200:
        return None
    best, depth = None, -1
    for element, chars in sample.varying.items():
        if chars >= 0.7 * sample.total and element.tag not in ("html", "body"):
            level = sum(1 for _ in element.iterancestors())
            if level > depth:
                best, depth = element, level
    return best


def _is_body(sample: _Sample, selector: str) -> bool:
    """Whether what ``selector`` matches (every element with text, as extraction takes them)
    holds the page's changing text, and not much more."""
    target = _body_element(sample)
    if target is None:
        return False
    matched = [e for e in css(selector)(sample.doc) if text_of(e)]
    outer = [e for e in matched if not any(a in matched for a in e.iterancestors())]
    chars = sum(sample.varying.get(e, 0) for e in outer)
    wanted = sample.varying[target]
    return 0.9 * wanted <= chars <= 1.2 * wanted


# fields --------------------------------------------------------------------------------------


def _page_title(doc: lxml.html.HtmlElement) -> str:
    for meta in doc.iter("meta"):
        if meta.get("property") == "og:title" and meta.get("content"):
            return _SPACE.sub(" ", meta.get("content")).strip()
    title = doc.find(".//title")
    return _SPACE.sub(" ", title.text_content()).strip() if title is not None else ""


def _title_element(doc: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The element in the page's body whose text is the page's title (or starts it)."""
    wanted = _page_title(doc).casefold()
    if len(wanted) < 10:
        return None
    best = None
    body = doc.find(".//body")
    for element in (body if body is not None else doc).iter():
        if not isinstance(element.tag, str) or element.tag in SKIP or element.tag == "a":
            continue
        text = text_of(element).casefold()
        rest = wanted[len(text) :].lstrip() if wanted.startswith(text) else None
        if len(text) >= 10 and rest is not None and (not rest or rest[0] in "-|–—:"):
            if best is None or best in element.iterancestors():
                best = element
    return best


def _date_element(
    sample: _Sample, body: lxml.html.HtmlElement | None
) -> lxml.html.HtmlElement | None:
    """The smallest short element outside the body that holds a date and changes."""
    for element in sample.doc.iter():
        if not isinstance(element.tag, str) or element.tag in SKIP:
            continue
        if body is not None and (element is body or body in element.iterancestors()):
            continue
        text = text_of(element)
        if len(text) <= 120 and _DATE.search(text) and sample.varying.get(element, 0) > 0:
            inner = [c for c in element if isinstance(c.tag, str) and _DATE.search(text_of(c))]
            if not inner:
                return element
    return None


def _lead_element(
    sample: _Sample, body: lxml.html.HtmlElement | None
) -> lxml.html.HtmlElement | None:
    """A block the site marks as its lead, or the short changing block between title and body."""
    title = _title_element(sample.doc)
    after_title = title is None
    for element in sample.doc.iter():
        if element is title:
            after_title = True
            continue
        if not isinstance(element.tag, str) or element.tag in SKIP or element.tag == "a":
            continue
        if body is not None and element is body:
            return _bold_opening(body)
        marks = f"{element.get('class', '')} {element.get('id', '')}".lower()
        text = text_of(element)
        if not 40 <= len(text) <= 800 or sample.varying.get(element, 0) < 0.8 * len(text):
            continue
        if len(text) < 150 and _DATE.search(text):
            continue  # a date line, not a lead
        if _LEAD_HINT.search(marks):
            return element
        inside = body is not None and body in element.iterancestors()
        if (
            after_title
            and not inside
            and title is not None
            and title not in element.iterancestors()
        ):
            if not any(
                text_of(c) == text for c in element if isinstance(c.tag, str)
            ) and element.tag in ("p", "div", "h2", "h3", "span", "strong", "b"):
                return element
    return None


def _bold_opening(body: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The lead many portals write as the body's first paragraph, all in bold."""
    first = next((c for c in body if isinstance(c.tag, str)), None)
    if first is None or first.tag != "p" or first.text and first.text.strip():
        return None
    bold = [c for c in first if isinstance(c.tag, str)]
    if len(bold) == 1 and bold[0].tag in ("strong", "b") and not (bold[0].tail or "").strip():
        return bold[0] if 40 <= len(text_of(bold[0])) <= 800 else None
    return None


def _author_element(
    sample: _Sample, body: lxml.html.HtmlElement | None
) -> lxml.html.HtmlElement | None:
    for element in sample.doc.iter():
        if not isinstance(element.tag, str) or element.tag in SKIP:
            continue
        marks = f"{element.get('class', '')} {element.get('id', '')}".lower()
        if AUTHOR_HINT.search(marks) and 2 <= len(text_of(element)) <= 80:
            return element
    return None


def _choose(
    elements: list[lxml.html.HtmlElement],
    samples: list[_Sample],
    holds: Holds,
    preferred: tuple[str, ...],
    need: int | None = None,
) -> str | None:
    """The first selector (the platform's usual ones, then the simplest learned ones) whose
    first match ``holds`` on ``need`` samples (by default two in three: one short notice among
    the sampled articles must not cost the site its selectors)."""
    need = _most(len(samples)) if need is None else _most(need)
    # The selectors most of the samples' elements share first (one odd page must not lead).
    counts: Counter[str] = Counter()
    for element in elements:
        counts.update(dict.fromkeys(candidates(element), 1))
    order = {selector: index for index, selector in enumerate(counts)}
    learned = sorted(counts, key=lambda selector: (-counts[selector], order[selector]))
    for selector in [*preferred, *learned]:
        try:
            css(selector)
        except Exception:  # noqa: BLE001 - a selector lxml cannot compile is not a candidate
            continue
        if sum(1 for s in samples if holds(s, selector)) >= need:
            return selector
    return None
