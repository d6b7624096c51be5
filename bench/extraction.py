"""Extraction quality and speed: bare trafilatura vs ours, on the same pages, in the same run.

    python -m bench.extraction [--sample N]

Corpora (shared/research/real-data.md): the Hanoi portal mirror (expected text = sapo + body
paragraphs, all non-empty articles unless --sample), the Scrapinghub article-extraction benchmark
(generic news, mostly English), trafilatura's evaluation corpus (990 pages, snippets that must
and must not appear; title, author and date truth), and the five seed pages (fixtures of the
simulated families, held to ../shared/seeds/gold). "ours (declared)" uses the portal's
declaration, "ours (generic)" uses none: the layer that works on portals nobody declared. Prints a
table, the metadata comparison, the pages declined as not articles, and a final JSON line.
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from collections.abc import Callable, Iterable

import trafilatura
from htmldate.extractors import get_external_parser

from bench.metric import score
from crawler.portals import Portal, get_portal
from pipelines.extraction import NotAnArticle, extract_article
from tests.hanoi_mirror import articles, mirror_dir, read_page

FETCHED_AT = "2022-08-27T04:00:00+00:00"
Page = tuple[str, bytes, dict[str, str], str]  # url, body, headers, expected text
Input = tuple[str, bytes, dict[str, str]]  # url, body, headers
WARM_UP = 5  # pages each extractor reads untimed first


def hanoi_pages(sample: int | None) -> list[Page]:
    records = sorted(articles(), key=lambda r: r["article_id"])
    pages: list[Page] = []
    for record in records:
        expected = "\n".join(
            ([record["sapo"]] if record.get("sapo") else []) + record["body_paragraphs"]
        )
        if not expected.strip():
            continue
        path = "/" + record["mirror_path"]
        pages.append(("https://sotttt.hanoi.gov.vn" + path, read_page(path), {}, expected))
    if sample:
        pages = pages[:: max(1, len(pages) // sample)][:sample]
    return pages


def scrapinghub_pages() -> list[Page]:
    root = mirror_dir().parent / "scrapinghub-aeb"
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        (
            item["url"],
            gzip.decompress((root / "html" / f"{key}.html.gz").read_bytes()),
            {},
            item["articleBody"],
        )
        for key, item in sorted(truth.items())
    ]


def trafilatura_eval() -> list[dict[str, object]]:
    """trafilatura's own evaluation corpus (990 pages, must-contain and must-not-contain
    snippets, title/author/date truth for most): ../shared/data/trafilatura-eval."""
    root = mirror_dir().parent / "trafilatura-eval"
    entries = json.loads((root / "evaldata.json").read_text(encoding="utf-8"))
    return [
        {"url": url, "body": gzip.decompress((root / str(e["html"])).read_bytes()), **e}
        for url, e in sorted(entries.items())
    ]


def eval_inputs(pages: list[dict[str, object]]) -> list[Input]:
    return [(str(p["url"]), p["body"], {}) for p in pages]  # type: ignore[misc]


def snippet_scores(
    pages: list[dict[str, object]], outputs: list[str], pages_per_second: float
) -> dict[str, float]:
    """The corpus's metric (its PROVENANCE.md): each `with` snippet found is a true positive,
    missed a false negative; each `without` snippet found a false positive."""
    tp = fp = fn = 0
    for page, output in zip(pages, outputs, strict=True):
        text = " ".join(output.split())
        for snippet in page.get("with") or []:  # type: ignore[attr-defined]
            if " ".join(str(snippet).split()) in text:
                tp += 1
            else:
                fn += 1
        fp += sum(" ".join(str(s).split()) in text for s in page.get("without") or [])  # type: ignore[attr-defined]
    precision = tp / max(tp + fp, 1)
    recall = tp / max(tp + fn, 1)
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(2 * tp / max(2 * tp + fp + fn, 1), 4),
        "pages": len(pages),
        "pages_per_second": round(pages_per_second, 1),
    }


def side_by_side(
    inputs: list[Input], extractors: dict[str, Callable[[str, bytes, dict[str, str]], str]]
) -> dict[str, tuple[list[str], float]]:
    """Each extractor's outputs and pages per second. The extractors take turns page by page,
    so a drift in a shared machine's speed falls on all of them alike; the first pages are
    read once untimed before, so one-time costs (imports, compiled patterns, dateparser's
    locale tables) are not counted against whoever meets them first.

    dateparser (htmldate's search of last resort, on foreign pages without a dated element)
    compiles the tables of its 200 locales the first time it reads a date, ~1.5 s once per
    process; few of the first pages get that far, so it is loaded here explicitly."""
    get_external_parser().get_date_data("12 qqq 2020")
    for url, body, headers in inputs[:WARM_UP]:
        for extractor in extractors.values():
            extractor(url, body, headers)
    outputs: dict[str, list[str]] = {name: [] for name in extractors}
    spent = dict.fromkeys(extractors, 0.0)
    for url, body, headers in inputs:
        for name, extractor in extractors.items():
            started = time.perf_counter()
            outputs[name].append(extractor(url, body, headers))
            spent[name] += time.perf_counter() - started
    return {name: (outputs[name], len(inputs) / max(spent[name], 1e-9)) for name in extractors}


def metadata_score(pages: list[dict[str, object]]) -> dict[str, dict[str, float]]:
    """Title exact (whitespace normalised), author found (the truth's name in ours), published
    day: ours (generic) against trafilatura's ``extract_metadata``, on the pages with truth."""
    from trafilatura.metadata import extract_metadata

    counts = {
        name: {"ours": 0, "trafilatura": 0, "pages": 0} for name in ("title", "author", "date")
    }
    declined: list[str] = []
    for page in pages:
        url, body = str(page["url"]), page["body"]
        try:
            article = extract_article(url, body, {}, FETCHED_AT, None)  # type: ignore[arg-type]
            mine = {"title": article.title, "author": article.author, "date": article.published}
        except NotAnArticle as error:
            declined.append(f"{url}: {error.reason}")
            mine = {}
        meta = extract_metadata(body, default_url=url)
        theirs = {"title": meta.title, "author": meta.author, "date": meta.date} if meta else {}
        for name in counts:
            truth = page.get(name)
            if not truth:
                continue
            counts[name]["pages"] += 1
            for who, got in (("ours", mine.get(name)), ("trafilatura", theirs.get(name))):
                counts[name][who] += metadata_right(name, truth, got)
    result = {
        name: {
            "pages": c["pages"],
            "ours": round(c["ours"] / max(c["pages"], 1), 4),
            "trafilatura": round(c["trafilatura"] / max(c["pages"], 1), 4),
        }
        for name, c in counts.items()
    }
    return {**result, "declined": declined}  # type: ignore[dict-item]


def metadata_right(name: str, truth: object, got: str | None) -> bool:
    """Title: equal after whitespace normalisation; author: every name of the truth found (it
    may be a list); date: the same day."""
    if not got:
        return False
    if name == "author":
        names = truth if isinstance(truth, list) else [truth]
        found = " ".join(got.split()).casefold()
        return all(" ".join(str(n).split()).casefold() in found for n in names)
    if name == "title":
        return " ".join(got.split()) == " ".join(str(truth).split())
    return got[:10] == str(truth)[:10]


def bare(url: str, body: bytes, headers: dict[str, str]) -> str:
    return trafilatura.extract(body, url=url, include_comments=False) or ""


def ours(portal_id: str | None) -> Callable[[str, bytes, dict[str, str]], str]:
    portal = get_portal(portal_id) if portal_id else None

    def run(url: str, body: bytes, headers: dict[str, str]) -> str:
        try:
            article = extract_article(url, body, headers, FETCHED_AT, portal)
        except NotAnArticle:
            return ""
        return f"{article.lead}\n{article.text}"

    return run


def text_scores(pages: list[Page], outputs: list[str], pages_per_second: float) -> dict[str, float]:
    result = score((expected, out) for (_, _, _, expected), out in zip(pages, outputs, strict=True))
    return {
        "precision": round(result.precision, 4),
        "recall": round(result.recall, 4),
        "f1": round(result.f1, 4),
        "pages": result.pages,
        "pages_per_second": round(pages_per_second, 1),
    }


def seed_golds(portals: dict[str, Portal] | None = None) -> dict[str, object]:
    """The seed pages of the simulated families against the user's gold files, extracted with
    their declarations (or with ``portals``, by family: the inferred ones)."""
    from tests.test_fixtures import CASES, extract, norm

    gold_dir = mirror_dir().parent.parent / "seeds" / "gold"
    golds = {
        g["seed"]: g for g in (json.loads(p.read_text("utf-8")) for p in gold_dir.glob("*.json"))
    }
    passed, failures = 0, {}
    seen = set()
    for case in CASES:
        if case.name != "seed" or case.parent.name == "thixalongmy":
            continue
        if portals is not None and case.parent.name not in portals:
            continue
        article, want = extract(case, (portals or {}).get(case.parent.name))
        gold = golds[want["seed"]]
        seen.add(want["seed"])
        text = norm(article.text)
        problems = [p[:40] for p in gold["required_paragraphs"] if norm(p) not in text]
        problems += [f"excluded: {s}" for s in gold["must_exclude"] if norm(s) in text]
        if norm(article.title) != norm(gold["title"]):
            problems.append("title")
        if gold.get("published") and article.published != gold["published"]:
            problems.append("published")
        if gold.get("byline") and norm(gold["byline"]) in text:
            problems.append("byline in text")
        if problems:
            failures[case.parent.name] = problems
        else:
            passed += 1
    return {"passed": passed, "total": len(seen), "failures": failures}


def table(rows: Iterable[tuple[str, str, dict[str, float]]]) -> str:
    lines = [
        f"{'corpus':12} {'extractor':18} {'P':>7} {'R':>7} {'F1':>7} {'pages':>6} {'pages/s':>8}"
    ]
    for corpus, name, m in rows:
        lines.append(
            f"{corpus:12} {name:18} {m['precision']:7.4f} {m['recall']:7.4f} {m['f1']:7.4f} "
            f"{m['pages']:6d} {m['pages_per_second']:8.1f}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, help="score N Hanoi pages instead of all 3,330")
    args = parser.parse_args()

    hanoi, generic_news, evaluation = (
        hanoi_pages(args.sample),
        scrapinghub_pages(),
        trafilatura_eval(),
    )
    hanoi_runs = side_by_side(
        [page[:3] for page in hanoi],
        {
            "trafilatura": bare,
            "ours (declared)": ours("hanoi-sotttt"),
            "ours (generic)": ours(None),
        },
    )
    news_runs = side_by_side(
        [page[:3] for page in generic_news], {"trafilatura": bare, "ours (generic)": ours(None)}
    )
    eval_runs = side_by_side(
        eval_inputs(evaluation), {"trafilatura": bare, "ours (generic)": ours(None)}
    )
    rows = [("hanoi", name, text_scores(hanoi, *run)) for name, run in hanoi_runs.items()]
    rows += [
        ("scrapinghub", name, text_scores(generic_news, *run)) for name, run in news_runs.items()
    ]
    rows += [
        ("traf-eval", name, snippet_scores(evaluation, *run)) for name, run in eval_runs.items()
    ]
    metadata = metadata_score(evaluation)
    seeds = seed_golds()
    print(table(rows))
    speeds = {(corpus, name): m["pages_per_second"] for corpus, name, m in rows}
    print("\npages/s against trafilatura's, same pages, taking turns page by page:")
    for corpus, name in speeds:
        if name != "trafilatura":
            ratio = speeds[corpus, name] / speeds[corpus, "trafilatura"]
            print(f"  {corpus:12} {name:18} {ratio:.2f}x")
    print(
        f"\nseed golds: {seeds['passed']}/{seeds['total']} pass"
        + (f", failures: {seeds['failures']}" if seeds["failures"] else "")
    )
    declined = metadata.pop("declined")
    print("\nmetadata on the trafilatura eval set (share right, pages with truth):")
    for name, m in metadata.items():
        print(
            f"  {name:7} ours {m['ours']:.4f}   trafilatura's extract_metadata "
            f"{m['trafilatura']:.4f}   ({m['pages']} pages)"
        )
    print(
        f"\npages declined as not articles by ours (generic), trafilatura eval set: {len(declined)}"
    )
    for line in declined:
        print(f"  {line}")
    summary = {f"{corpus}/{name}": m for corpus, name, m in rows}
    print(
        json.dumps(
            {"bench": "extraction", **summary, "traf-eval/metadata": metadata, "seed_golds": seeds},
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
