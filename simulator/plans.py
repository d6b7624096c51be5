"""The simulated sites: one plan per site (host, family, sections, period, seed article, fate),
and the sites built from the plans, with their whole history, deterministically from a seed."""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

from crawler.clock import VIETNAM
from simulator.content import ArticleGenerator, SimArticle, load_seed
from simulator.families import Family
from simulator.families.baohatinh import FAMILY as BAOHATINH
from simulator.families.daksong import CATEGORIES
from simulator.families.daksong import FAMILY as DAKSONG
from simulator.families.hatinhcity import FAMILY as HATINHCITY
from simulator.families.honglinh import FAMILY as HONGLINH
from simulator.families.liferay_province import FAMILY as LIFERAY_PROVINCE
from simulator.families.liferay_province import SECTIONS as LIFERAY_SECTIONS
from simulator.families.longmy import NEW as LONGMY_NEW
from simulator.families.longmy import OLD as LONGMY_OLD
from simulator.families.party import FAMILY as PARTY
from simulator.families.webforms import FAMILY as WEBFORMS
from simulator.families.webforms import SECTIONS as WEBFORMS_SECTIONS
from simulator.site import Fate, Site

DEFAULT_CLOCK = datetime(2025, 6, 15, 12, 0, tzinfo=VIETNAM)
REFORM = datetime(2025, 7, 1, tzinfo=VIETNAM)


@dataclass(frozen=True)
class SitePlan:
    """How to build one simulated site."""

    host: str
    name: str
    family: Family
    sections: list[tuple[str, str]]
    start: datetime  # generated articles are published between start and end
    end: datetime
    seed: str | None  # the real seed article this site carries
    fate: Fate | None
    encoding: str = "utf-8"
    declared_charset: str | None = None
    options: dict[str, object] = field(default_factory=dict)
    shares: str | None = None  # a site whose articles this one also carries (a move)
    # (site, share): this site republishes that share of another site's articles of its period,
    # a day later, under its own ids, without their photos and last paragraph.
    republishes: tuple[str, float] | None = None


def _when(year: int, month: int = 1, day: int = 1) -> datetime:
    return datetime(year, month, day, tzinfo=VIETNAM)


SITE_PLANS: dict[str, SitePlan] = {
    "hatinhcity": SitePlan(
        "hatinhcity.gov.vn",
        "Cổng TTĐT thành phố Hà Tĩnh",
        HATINHCITY,
        [("tin-tuc-su-kien", "Tin tức - Sự kiện")],
        _when(2016),
        REFORM,
        "000",
        Fate("frozen", REFORM),
        republishes=("baohatinh", 0.25),
    ),
    "honglinh": SitePlan(
        "honglinh.hatinh.gov.vn",
        "Cổng TTĐT thị xã Hồng Lĩnh",
        HONGLINH,
        [("tin-tuc-su-kien", "Tin tức - Sự kiện")],
        _when(2019),
        REFORM,
        "001",
        Fate("redirect", REFORM, "https://hatinh.gov.vn/"),
    ),
    "baohatinh": SitePlan(
        "baohatinh.vn",
        "Báo Hà Tĩnh",
        BAOHATINH,
        [("chinh-tri", "Chính trị"), ("xa-hoi", "Xã hội"), ("kinh-te", "Kinh tế")],
        _when(2020),
        _when(2025, 12),
        "002",
        None,
        options={"redesign_at": _when(2024, 6)},
    ),
    "thanhuy-backan": SitePlan(
        "thanhuy.backan.dcs.vn",
        "Thành ủy Bắc Kạn",
        PARTY,
        [("tin-hoat-dong", "Tin hoạt động")],
        _when(2016),
        _when(2025, 12),
        "003",
        None,
        declared_charset="iso-8859-1",
    ),
    "longmy": SitePlan(
        "longmy.haugiang.gov.vn",
        "Cổng TTĐT thị xã Long Mỹ",
        LONGMY_OLD,
        [("tin-tuc", "Tin tức")],
        _when(2016, 6),
        _when(2019, 7),
        "004",
        None,
        encoding="windows-1258",
        options={"moved_at": _when(2019, 7), "new_host": "thixalongmy.haugiang.gov.vn"},
    ),
    "thixalongmy": SitePlan(
        "thixalongmy.haugiang.gov.vn",
        "Cổng TTĐT thị xã Long Mỹ",
        LONGMY_NEW,
        [("tin-tuc", "Tin tức")],
        _when(2019, 7),
        REFORM,
        None,
        None,
        shares="longmy",
    ),
    "daksong": SitePlan(
        "daksong.daknong.gov.vn",
        "Cổng TTĐT huyện Đắk Song",
        DAKSONG,
        [(cid, name) for cid, name in CATEGORIES.items()],
        _when(2019),
        REFORM,
        None,
        Fate("dark", REFORM),
    ),
    # Two families no declaration was written for: they exist to test auto-declaration
    # (crawler/inference), which must learn them from their start pages alone.
    "quangngai": SitePlan(
        "quangngai.gov.vn",
        "Cổng thông tin điện tử tỉnh Quảng Ngãi",
        LIFERAY_PROVINCE,
        [(section, name) for name, (section, _) in LIFERAY_SECTIONS.items()],
        _when(2018),
        DEFAULT_CLOCK,
        None,
        None,
    ),
    "quangnam": SitePlan(
        "quangnam.gov.vn",
        "Cổng thông tin điện tử tỉnh Quảng Nam",
        WEBFORMS,
        [(key, name) for key, name in WEBFORMS_SECTIONS.items()],
        _when(2018),
        DEFAULT_CLOCK,
        None,
        None,
    ),
}


def seeds_dir() -> Path:
    from simulator.data import data_root

    return data_root().parent / "seeds"


def build_sites(
    seed: int = 7, articles: int = 40, only: list[str] | None = None
) -> dict[str, Site]:
    """The simulated sites, with their whole history, deterministically from ``seed``."""
    sites: dict[str, Site] = {}
    for index, (key, plan) in enumerate(SITE_PLANS.items()):
        generator = ArticleGenerator(seed * 1000 + index)
        names = [name for _, name in plan.sections]
        timeline = generator.timeline(
            plan.start, plan.end, articles, first_id=100_000 + index * 50_000
        )
        items: list[SimArticle] = [
            generator.article(article_id, moment, generator.rng.choice(names))
            for article_id, moment in timeline
        ]
        if plan.shares:
            items = [replace(a) for a in sites[plan.shares].articles] + items
        if plan.seed:
            items.append(
                replace(load_seed(seeds_dir(), plan.seed), section=names[min(1, len(names) - 1)])
            )
        site = Site(
            key=key,
            host=plan.host,
            name=plan.name,
            family=plan.family,
            articles=items,
            sections=plan.sections,
            fate=plan.fate,
            encoding=plan.encoding,
            declared_charset=plan.declared_charset,
            options=dict(plan.options),
        )
        site.schedule_changes(
            random.Random(seed * 7919 + index), edit_share=0.06, remove_share=0.04
        )
        sites[key] = site
    for index, (key, plan) in enumerate(SITE_PLANS.items()):
        if plan.republishes:
            source, share = plan.republishes
            sites[key].articles += republished(
                sites[source],
                plan,
                share,
                random.Random(seed * 31 + index),
                100_000 + index * 50_000 + 45_000,
            )
    return {k: v for k, v in sites.items() if only is None or k in only}


def republished(
    source: Site, plan: SitePlan, share: float, rng: random.Random, first_id: int
) -> list[SimArticle]:
    """Copies of ``share`` of ``source``'s articles as a town portal republishes a province
    paper's: a day later, in its own section, under its own id, without photos or last
    paragraph. Near duplicates, not exact ones."""
    picked = [
        a
        for a in source.articles
        if not a.seed
        and plan.start <= a.published < plan.end - timedelta(days=1)
        and rng.random() < share
    ]
    copies = []
    for n, article in enumerate(picked):
        paragraphs = [b for b in article.blocks if b.kind == "p"]
        if len(paragraphs) >= 5:
            paragraphs = paragraphs[:-1]
        copies.append(
            replace(
                article,
                id=first_id + n,
                blocks=tuple(paragraphs),
                published=article.published + timedelta(days=1),
                section=plan.sections[0][1],
                extra={**article.extra, "republished_from": str(article.id)},
            )
        )
    return copies
