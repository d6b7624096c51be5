"""Article content for simulated portals: the real seed articles, and generated ones.

Generated articles are composed from phrase banks of the vocabulary local-government news really
uses (meetings, plans, campaigns, units), so their text reads as Vietnamese portal news, not
lorem ipsum. Everything is drawn from a seeded random generator: the same seed gives the same
sites.
"""

from __future__ import annotations

import json
import random
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

from pipelines.extraction.dates import VIETNAM


@dataclass(frozen=True)
class Block:
    """A body block: a paragraph, or an image with its caption."""

    text: str
    kind: str = "p"  # p | image


@dataclass(frozen=True)
class SimArticle:
    id: int
    title: str
    lead: str
    blocks: tuple[Block, ...]
    published: datetime
    section: str
    author: str | None = None
    author_unit: str | None = None
    tags: tuple[str, ...] = ()
    seed: str | None = None  # seed file name when this is a real captured article
    revision: int = 0
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def paragraphs(self) -> list[str]:
        return [b.text for b in self.blocks if b.kind == "p"]

    @property
    def byline(self) -> str | None:
        if "byline" in self.extra:
            return self.extra["byline"]
        if self.author and self.author_unit:
            return f"{self.author} ({self.author_unit})"
        return self.author or self.author_unit

    @property
    def has_time(self) -> bool:
        return "date_only" not in self.extra

    def slug(self, max_len: int = 60) -> str:
        return slugify(self.title, max_len)

    def edited(self) -> SimArticle:
        """The same article after the editors corrected it."""
        note = "Cập nhật: số liệu trong bài đã được điều chỉnh theo báo cáo chính thức."
        return replace(self, blocks=(*self.blocks, Block(note)), revision=self.revision + 1)


def slugify(text: str, max_len: int = 60) -> str:
    ascii_text = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = ascii_text.encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return slug[:max_len].rstrip("-")


# --- seed articles --------------------------------------------------------------------------


def load_seed(seeds_dir: Path, number: str) -> SimArticle:
    """Seed ``number`` ("000".."004") as an article, in the order the capture shows.

    The capture's blocks are matched against its gold file: required paragraphs become body
    paragraphs, optional ones image captions; the rest is the capture's boilerplate residue,
    which each family's template re-creates itself.
    """
    gold = json.loads((seeds_dir / "gold" / f"{number}.json").read_text(encoding="utf-8"))
    capture = (seeds_dir / gold["seed"]).read_text(encoding="utf-8")
    required = [_norm(p) for p in gold["required_paragraphs"]]
    optional = [_norm(p) for p in gold.get("optional_paragraphs", [])]
    blocks: list[Block] = []
    seen: set[str] = set()
    for raw in re.split(r"\n", capture):
        text = _norm(raw)
        if not text or text in seen:
            continue
        if text in required:
            blocks.append(Block(raw.strip()))
            seen.add(text)
        elif text in optional:
            blocks.append(Block(raw.strip(), "image"))
            seen.add(text)
    missing = [p for p in required if p not in seen]
    blocks += [Block(p) for p in gold["required_paragraphs"] if _norm(p) in missing]
    published = gold.get("published")
    moment = datetime.fromisoformat(published) if published else _seed_date(gold)
    if moment.tzinfo is None:
        moment = moment.replace(hour=9, tzinfo=VIETNAM)
    extra = {"byline": gold["byline"]} if gold.get("byline") else {}
    if published and len(published) == 10:
        extra["date_only"] = "1"  # the page printed a day, no time
    related = _related_residue(capture)
    if related:
        extra["related"] = json.dumps(related, ensure_ascii=False)
    return SimArticle(
        id=900_000 + int(number),
        title=gold["title"],
        lead=gold.get("sapo") or "",
        blocks=tuple(blocks),
        published=moment,
        section="Tin tức - Sự kiện",
        author=gold.get("author"),
        author_unit=gold.get("author_unit"),
        tags=tuple(gold.get("tags") or ()),
        seed=gold["seed"],
        extra=extra,
    )


def _related_residue(capture: str) -> list[list[str]]:
    """The capture's "Đọc thêm" list: (title, image alt, summary) triples, as the page had them."""
    _, marker, tail = capture.partition("\nĐọc thêm\n")
    if not marker:
        return []
    lines = [line.strip() for line in tail.splitlines() if line.strip()]
    return [lines[i : i + 3] for i in range(0, len(lines) - 2, 3)]


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).replace("\xa0", " ").split())


def _seed_date(gold: dict[str, object]) -> datetime:
    """Seeds without a printed date: the month their text is about."""
    match = re.search(r"(\d{1,2})/(\d{4})", str(gold["title"]))
    if match:
        return datetime(int(match.group(2)), int(match.group(1)), 28, 9, tzinfo=VIETNAM)
    match = re.search(r"năm (\d{4})", str(gold["title"]))
    year = int(match.group(1)) if match else 2020
    return datetime(year, 10, 5, 9, tzinfo=VIETNAM)


# --- generated articles ---------------------------------------------------------------------

_UNITS = [
    "UBND thành phố",
    "Thường trực Thành ủy",
    "Ban Thường vụ Thị ủy",
    "HĐND thị xã",
    "Ủy ban MTTQ Việt Nam thị xã",
    "Phòng Tài nguyên và Môi trường",
    "Phòng Văn hóa và Thông tin",
    "Trung tâm Văn hóa - Truyền thông",
    "Hội Nông dân thành phố",
    "Đoàn Thanh niên",
    "Hội Liên hiệp Phụ nữ",
    "Công an thị xã",
]
_EVENTS = [
    "tổ chức hội nghị sơ kết công tác",
    "triển khai kế hoạch",
    "ra quân thực hiện chiến dịch",
    "tổng kết phong trào thi đua",
    "giao ban công tác",
    "kiểm tra tiến độ",
    "phát động đợt cao điểm",
    "trao quyết định",
    "tập huấn nghiệp vụ",
    "đối thoại với nhân dân về",
]
_TOPICS = [
    "xây dựng nông thôn mới",
    "chỉnh trang đô thị",
    "cải cách hành chính",
    "chuyển đổi số",
    "phòng chống thiên tai",
    "bảo vệ môi trường",
    "giải phóng mặt bằng",
    "an toàn giao thông",
    "phòng chống dịch bệnh",
    "thu ngân sách nhà nước",
    "bảo hiểm y tế toàn dân",
    "xây dựng Đảng và hệ thống chính trị",
    "dịch vụ công trực tuyến",
    "phát triển kinh tế tập thể",
]
_PERIODS = ["quý I", "quý II", "quý III", "6 tháng đầu năm", "9 tháng đầu năm", "tháng"]
_PLACES = [
    "phường Bắc Hồng",
    "phường Nam Hồng",
    "phường Đậu Liêu",
    "xã Thuận Lộc",
    "phường Thạch Linh",
    "xã Thạch Hạ",
    "phường Trung Lương",
    "xã Nông Thượng",
    "phường Vĩnh Tường",
    "xã Long Bình",
]
_PEOPLE = [
    ("Nguyễn Văn Hùng", "Chủ tịch UBND"),
    ("Trần Thị Thu Hà", "Phó Chủ tịch UBND"),
    ("Lê Quang Đức", "Phó Chủ tịch UBND thành phố"),
    ("Phạm Hữu Thao", "Bí thư Đảng ủy phường"),
    ("Đặng Thanh Hải", "Bí thư Thị ủy"),
    ("Võ Minh Tuấn", "Trưởng phòng Kinh tế"),
    ("Hoàng Thị Lan", "Chánh Văn phòng HĐND-UBND"),
]
_REPORTERS = [
    ("Thu Trang", "Trung tâm VH-TT"),
    ("Minh Châu", None),
    ("Hồng Nhung", "Văn phòng Thành ủy"),
    ("Quang Vinh", "Phòng VH-TT"),
    (None, "Văn phòng HĐND-UBND thị xã"),
]
_SENTENCES = [
    "Tham dự hội nghị có lãnh đạo {unit}, đại diện các phòng, ban, ngành, đoàn thể và "
    "bí thư, chủ tịch UBND các xã, phường.",
    "Trong {period}, công tác {topic} trên địa bàn đạt nhiều kết quả tích cực; "
    "{n1} chỉ tiêu đạt và vượt kế hoạch đề ra.",
    "Tổng giá trị sản xuất ước đạt {money} tỷ đồng, bằng {pct}% kế hoạch năm, "
    "tăng {growth}% so với cùng kỳ.",
    "Tại {place}, người dân đã hiến hơn {area} m² đất để mở rộng đường giao thông, "
    "xây dựng các tuyến đường hoa, vườn mẫu.",
    "Bên cạnh những kết quả đạt được, công tác {topic} vẫn còn một số hạn chế, "
    "tiến độ một số công trình còn chậm so với kế hoạch.",
    "Phát biểu chỉ đạo, đồng chí {person}, {role} đề nghị các địa phương bám sát kế hoạch, "
    "tập trung giải quyết dứt điểm những tồn tại, vướng mắc.",
    "Các đại biểu đã tập trung thảo luận, phân tích nguyên nhân và đề xuất nhiều giải pháp "
    "để thực hiện hiệu quả nhiệm vụ {topic} trong thời gian tới.",
    "Đến nay, đã có {n2}/{n3} hồ sơ được giải quyết trước hạn, tỷ lệ hài lòng của người dân "
    "đạt {pct}%.",
    "Dịp này, {unit} đã trao giấy khen cho {n1} tập thể và {n2} cá nhân có thành tích xuất sắc "
    "trong phong trào thi đua.",
    "Thời gian tới, {unit} tiếp tục đẩy mạnh tuyên truyền, vận động nhân dân tích cực tham gia, "
    "phấn đấu hoàn thành các chỉ tiêu trước ngày {day}/{month}.",
]
_CAPTIONS = [
    "Quang cảnh hội nghị",
    "Đồng chí {person} phát biểu chỉ đạo tại hội nghị",
    "Lãnh đạo {unit} trao giấy khen cho các tập thể xuất sắc",
    "Người dân {place} tham gia ra quân",
]


class ArticleGenerator:
    """Deterministic generator of realistic local-government news articles."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def article(self, article_id: int, published: datetime, section: str) -> SimArticle:
        rng = self.rng
        unit, event, topic = rng.choice(_UNITS), rng.choice(_EVENTS), rng.choice(_TOPICS)
        period = rng.choice(_PERIODS)
        year = published.year
        title = f"{unit} {event} {topic} {period} năm {year}"
        person, role = rng.choice(_PEOPLE)
        values = {
            "unit": unit,
            "topic": topic,
            "period": period,
            "place": rng.choice(_PLACES),
            "person": person,
            "role": role,
            "n1": rng.randint(5, 19),
            "n2": rng.randint(20, 90),
            "n3": rng.randint(95, 160),
            "money": f"{rng.randint(1, 4)}.{rng.randint(100, 999)}",
            "pct": rng.randint(45, 99),
            "growth": f"{rng.randint(2, 12)},{rng.randint(1, 9)}",
            "area": f"{rng.randint(1, 9)}.{rng.randint(100, 999)}",
            "day": rng.randint(1, 28),
            "month": rng.randint(1, 12),
        }
        lead = (
            f"Ngày {published.day}/{published.month}, {unit} {event} {topic} {period} năm {year}, "
            f"triển khai nhiệm vụ trọng tâm thời gian tới."
        )
        sentences = rng.sample(_SENTENCES, k=rng.randint(5, 8))
        blocks: list[Block] = []
        for i, template in enumerate(sentences):
            text = template.format(**values)
            if rng.random() < 0.5:
                text += " " + rng.choice(_SENTENCES).format(**values)
            blocks.append(Block(text))
            if i == 1 and rng.random() < 0.7:
                blocks.append(Block(rng.choice(_CAPTIONS).format(**values), "image"))
        reporter, reporter_unit = rng.choice(_REPORTERS)
        return SimArticle(
            id=article_id,
            title=title,
            lead=lead,
            blocks=tuple(blocks),
            published=published,
            section=section,
            author=reporter,
            author_unit=reporter_unit,
            tags=(topic.capitalize(),) if rng.random() < 0.5 else (),
        )

    def timeline(
        self, start: datetime, end: datetime, count: int, first_id: int
    ) -> list[tuple[int, datetime]]:
        """``count`` (id, publication time) pairs spread over [start, end), ids rising with time."""
        span = (end - start).total_seconds()
        moments = sorted(start + timedelta(seconds=self.rng.uniform(0, span)) for _ in range(count))
        pairs, article_id = [], first_id
        for moment in moments:
            article_id += self.rng.randint(1, 9)  # ids rise with time, with gaps, never repeat
            pairs.append((article_id, moment.replace(second=0, microsecond=0)))
        return pairs
