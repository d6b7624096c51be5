"""URL shapes: what the links of one kind of page have in common, as a regular expression.

``/tin-tuc/ubnd-thanh-pho-kiem-tra-tien-do-350306/`` and ``/tin-tuc/hdnd-thi-xa-trien-khai-350267/``
have one shape: a literal ``tin-tuc`` folder, then a slug ending in a number. Links are grouped by
shape; a group is then told to be articles, listings or neither by fetching a few of its pages
(crawler/inference/declare.py). A shape is written as the regex a declaration holds, so the file
``add`` writes says in its patterns exactly what was seen.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

_EXTENSION = re.compile(r"(\.[A-Za-z]{2,5})$")
_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$|^\d{4}$")
_HEX_ID = re.compile(r"^[0-9a-f]{24,32}$")
# A slug: five words or more joined by dashes (or underscores): section names have fewer
# ("tin-tuc-su-kien"), article titles more.
_SLUG = re.compile(r"^[A-Za-z0-9_]+(?:[-_][A-Za-z0-9_]+){4,}$")
_ID_AT_END = re.compile(r"^(?P<slug>.+?)-(?P<prefix>[A-Za-z]{0,4})(?P<id>\d{3,})$")
_ID_AT_START = re.compile(r"^(?P<id>\d{3,})-(?P<slug>.+)$")
_YEAR = re.compile(r"(19|20)\d\d")

NUMBER = r"\d+"
_SPECIAL = re.compile(r"([.^$*+?()\[\]{}|\\])")


def escape(text: str) -> str:
    """``re.escape`` that leaves dashes and underscores alone: the patterns are read by people."""
    return _SPECIAL.sub(r"\\\1", text)


SLUG = r"[^/?]+"


@dataclass(frozen=True)
class Token:
    """One path segment or query value, as a kind and the regex it becomes."""

    kind: str  # literal | number | date | slug | slug-id | id-slug | hex
    regex: str
    has_id: bool = False


def segment_token(segment: str) -> Token:
    """The shape of one path segment."""
    match = _EXTENSION.search(segment)
    extension = match.group(1) if match else ""
    stem = segment[: -len(extension)] if extension else segment
    ext = escape(extension)
    if stem.isdigit() and len(stem) >= 3:
        return Token("number", NUMBER + ext, has_id=True)
    if _DATE.match(stem):
        return Token("date", r"\d{4}(-\d{1,2}-\d{1,2})?" + ext)
    if _HEX_ID.match(stem):
        return Token("hex", r"[0-9a-f]{24,32}" + ext, has_id=True)
    if _SLUG.match(stem):
        if _ID_AT_START.match(stem):
            return Token("id-slug", rf"\d{{3,}}-{SLUG}" + ext, has_id=True)
        at_end = _ID_AT_END.match(stem)
        if at_end and not _YEAR.fullmatch(at_end.group("id")):  # "...-nam-2024" is a title
            prefix = escape(at_end.group("prefix"))
            return Token("slug-id", rf"{SLUG}-{prefix}\d{{3,}}" + ext, has_id=True)
        return Token("slug", SLUG + ext)
    return Token("literal", escape(segment))


_INSTANCE = re.compile(r"INSTANCE_[A-Za-z0-9]+")


def query_name(name: str) -> str:
    """A query parameter's name as a regex: a Liferay portlet's instance id (``_101_INSTANCE_
    Xq3Lm9Ka_cur``) differs from section to section, the parameter does not."""
    return _INSTANCE.sub("INSTANCE_[A-Za-z0-9]+", escape(name))


@dataclass(frozen=True)
class Shape:
    """The shape of a URL: its path tokens, the names of its query parameters and whether a
    parameter's value is a number."""

    path: tuple[Token, ...]
    trailing_slash: bool
    query: tuple[tuple[str, str], ...]  # (name, "number" | "text")

    @property
    def key(self) -> tuple[object, ...]:
        return (
            tuple(t.kind if t.kind != "literal" else "literal" for t in self.path),
            self.trailing_slash,
            self.query,
        )

    @property
    def has_id(self) -> bool:
        return any(t.has_id for t in self.path) or any(kind == "number" for _, kind in self.query)


def shape_of(path_and_query: str) -> Shape:
    parts = urlsplit(path_and_query)
    segments = [s for s in parts.path.split("/") if s]
    query = tuple(
        sorted(
            (_INSTANCE.sub("INSTANCE_x", name), "number" if value.isdigit() else "text")
            for name, value in parse_qsl(parts.query, keep_blank_values=True)
        )
    )
    return Shape(
        tuple(segment_token(s) for s in segments),
        parts.path.endswith("/") and bool(segments),
        query,
    )


@dataclass
class Group:
    """Links of one shape (same token kinds, same query names) and the regex covering them."""

    shape_key: tuple[object, ...]
    paths: list[str]

    @property
    def sample(self) -> list[str]:
        """Members spread over the group, in a fixed order (so the probe is deterministic)."""
        ordered = sorted(self.paths)
        step = max(1, len(ordered) // 4)
        return ordered[::step]

    def regex(self, anchored: bool = True) -> str:
        return shape_regex(self.paths, anchored)


def group_by_shape(paths: Iterable[str]) -> list[Group]:
    """Paths grouped by shape: biggest group first, ties in path order."""
    groups: dict[tuple[object, ...], list[str]] = defaultdict(list)
    for path in dict.fromkeys(paths):
        shape = shape_of(path)
        key = shape.key
        groups[key].append(path)
    found = [Group(key, sorted(members)) for key, members in groups.items()]
    return sorted(found, key=lambda g: (-len(g.paths), g.paths[0]))


def shape_regex(paths: list[str], anchored: bool = True) -> str:
    """The regex matching every path of one shape: literal segments that are the same in all
    of them stay literal, the others become their kind's class."""
    shapes = [shape_of(p) for p in paths]
    first = shapes[0]
    parts: list[str] = []
    for index, token in enumerate(first.path):
        regexes = {s.path[index].regex for s in shapes}
        if len(regexes) == 1:
            parts.append(token.regex)
        else:
            extension = (
                _common_extension([urlsplit(p).path.rstrip("/").split("/")[-1] for p in paths])
                if index == len(first.path) - 1
                else ""
            )
            parts.append(r"[^/?]+" + escape(extension))
    path = "/" + "/".join(parts) + ("/" if first.trailing_slash else "")
    query = "&".join(
        f"{query_name(name)}={NUMBER if kind == 'number' else '[^&]*'}"
        for name, kind in first.query
    )
    regex = path + (r"\?" + query if query else "")
    return ("^" + regex if anchored else regex) + "$"


def _common_extension(names: list[str]) -> str:
    extensions = {(_EXTENSION.search(n) or [""])[0] for n in names}
    return extensions.pop() if len(extensions) == 1 else ""


def id_regex(paths: list[str]) -> str | None:
    """A regex with a ``(?P<id>...)`` group taking a portal's own article id from an article
    path of these shapes: the number in the slug, the numeric segment, or the number a query
    parameter holds."""
    shape = shape_of(paths[0])
    for name, kind in shape.query:
        if kind == "number":
            return rf"[?&]{escape(name)}=(?P<id>\d+)"
    for token in reversed(shape.path):
        if token.kind == "slug-id":
            prefix = token.regex.split("-", 1)[1].split(r"\d", 1)[0]
            return rf"-{prefix}(?P<id>\d{{3,}})" + token.regex.split(r"\d{3,}", 1)[1] + "/?$"
        if token.kind == "id-slug":
            return r"/(?P<id>\d{3,})-[^/?]+/?$"
        if token.kind == "number":
            return r"/(?P<id>\d{3,})" + token.regex[len(NUMBER) :] + "/?$"
        if token.kind == "hex":
            return r"/(?P<id>[0-9a-f]{24,32})" + token.regex[len("[0-9a-f]{24,32}") :] + "/?$"
    return None


def id_in_query_only(group: Group) -> bool:
    shape = shape_of(group.paths[0])
    return not any(t.has_id or t.kind == "slug" for t in shape.path) and shape.has_id


def names_an_article(group: Group) -> bool:
    """Whether the group's last path segment is an article's slug or id: such pages are
    articles (linking related ones), never listings."""
    shape = shape_of(group.paths[0])
    return bool(shape.path) and shape.path[-1].kind in ("slug", "slug-id", "id-slug", "hex")


def id_in_path(group: Group) -> bool:
    return any(token.has_id for token in shape_of(group.paths[0]).path)
