"""`portal-archive extract` on saved pages."""

import gzip
import json
from pathlib import Path

from click.testing import CliRunner

from archive.cli import cli

FIXTURES = Path(__file__).parent / "fixtures" / "portals"
SEED = FIXTURES / "hatinhcity" / "seed"
FIELDS = {
    "url",
    "title",
    "lead",
    "text",
    "author",
    "author_unit",
    "published",
    "section",
    "tags",
    "images",
    "language",
}


def run(*args):
    result = CliRunner().invoke(cli, ["extract", *args])
    assert "Traceback" not in result.output
    return result


def seed_url():
    return json.loads((SEED / "meta.json").read_text("utf-8"))["url"]


def test_one_page_as_json_with_its_url_and_portal_found_by_host():
    result = run(str(SEED / "page.html.gz"), "--url", seed_url())
    assert result.exit_code == 0, result.output
    article = json.loads(result.output)
    assert FIELDS <= set(article)
    assert article["portal"] == "hatinhcity"
    assert article["published"] == "2016-07-13T14:08:00+07:00"
    assert (article["author"], article["author_unit"]) == ("Trần Thúy", "Văn phòng Thành ủy")
    assert "Trần Thúy" not in article["text"]


def test_many_pages_as_jsonl_with_a_url_map(tmp_path):
    pages = [FIXTURES / "honglinh" / "seed", FIXTURES / "daksong" / "generated"]
    url_map = tmp_path / "urls.tsv"
    url_map.write_text(
        "".join(
            f"{p / 'page.html.gz'}\t{json.loads((p / 'meta.json').read_text('utf-8'))['url']}\n"
            for p in pages
        ),
        encoding="utf-8",
    )
    plain = tmp_path / "plain.html"
    plain.write_bytes(gzip.decompress((pages[1] / "page.html.gz").read_bytes()))
    result = run(
        *(str(p / "page.html.gz") for p in pages),
        str(plain),
        "--url-map",
        str(url_map),
        "--format",
        "jsonl",
    )
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert [r["status"] for r in records] == ["ok", "ok", "ok"]
    assert [r["portal"] for r in records] == ["honglinh", "daksong", None]
    assert records[2]["path"] == str(plain)
    assert records[1]["title"] == records[2]["title"]  # same page, declaration or not
    assert records[2]["text"].splitlines()[0] in records[1]["text"]


def test_not_an_article_is_reported_with_its_reason(tmp_path):
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"<html><body></body></html>")
    result = run(str(empty), "--format", "jsonl")
    assert result.exit_code == 1
    record = json.loads(result.output)
    assert (record["status"], record["reason"]) == ("not_article", "no title and no text")


def test_mistakes(tmp_path):
    bad_gz = tmp_path / "page.html.gz"
    bad_gz.write_bytes(b"not gzip")
    assert "not a valid gzip file" in run(str(bad_gz)).output
    two = run(str(SEED / "page.html.gz"), str(SEED / "meta.json"), "--url", "https://x")
    assert two.exit_code == 2 and "--url names one page" in two.output
    bad_map = tmp_path / "map.tsv"
    bad_map.write_text("no tab here\n", encoding="utf-8")
    result = run(str(SEED / "page.html.gz"), "--url-map", str(bad_map))
    assert result.exit_code == 1 and "expected PATH<TAB>URL" in result.output
    assert run(str(tmp_path / "missing.html")).exit_code == 2


def test_a_gzip_bomb_or_an_endless_file_is_read_only_up_to_the_size_limit(tmp_path):
    """Both were read in full before the 20 MB check."""
    bomb = tmp_path / "bomb.html.gz"
    with gzip.open(bomb, "wb") as packed:  # 200 MB of zeros in 200 KB
        for _ in range(200):
            packed.write(b"\0" * (1 << 20))
    for path in (bomb, Path("/dev/zero")):
        result = run(str(path), "--url", "https://honglinh.hatinh.gov.vn/x.aspx")
        record = json.loads(result.output)
        assert result.exit_code == 1 and record["status"] == "not_article", result.output
        assert record["reason"] == "page too large (20,971,521 bytes)"
