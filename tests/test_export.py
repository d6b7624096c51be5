"""Dataset export: every format loads back equal to the archive, byte-identical twice, filters
and dedupe modes select what they say, bad input gets one clear line and leaves nothing."""

import csv
import gzip
import hashlib
import json
import sqlite3
import subprocess
from contextlib import closing

import pyarrow.parquet as pq
import pytest

from archive.export.fields import timestamp_text
from simulator import DEFAULT_CLOCK, Simulator
from tests.simcrawl import crawl_ok, portal_archive

pytestmark = pytest.mark.slow  # end-to-end: crawls in a subprocess

TOWN, PAPER = "hatinhcity", "baohatinh"


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """The paper and the town portal that republishes it, crawled and deduplicated."""
    db = tmp_path_factory.mktemp("export") / "archive.db"
    with Simulator(seed=11, articles=40, only=[TOWN, PAPER]) as sim:
        sim.set_clock(DEFAULT_CLOCK)
        for portal in (PAPER, TOWN):
            crawl_ok(sim, portal, db)
    assert portal_archive("dedupe", "--db", db).returncode == 0
    return db


def archive_rows(db, where="1"):
    with closing(sqlite3.connect(db)) as conn:
        conn.row_factory = sqlite3.Row
        return {
            r["url"]: dict(r)
            for r in conn.execute(
                "SELECT a.*, s.province, s.level, c.warc_file, c.offset FROM articles a "
                "JOIN sources s ON s.id = a.portal LEFT JOIN captures c ON c.id = a.capture_id "
                f"WHERE {where}"
            )
        }


def export(db, out, *args):
    result = portal_archive("export", "--db", db, "--out", out, *args)
    return result


def same_as_archive(rows, stored):
    assert {r["url"] for r in rows} == set(stored)
    for row in rows:
        want = stored[row["url"]]
        assert row["id"] == hashlib.sha256(row["url"].encode()).hexdigest()[:16]
        for name in ("title", "lead", "text", "author", "portal", "text_hash"):
            assert row[name] == want[name], name
        assert row["published"] == timestamp_text(want["published"])
        if want["published"]:  # the same moment, in the page's own offset
            assert row["published"][:10] == want["published"][:10]
        assert row["tags"] == json.loads(want["tags"])
        assert [i["src"] for i in row["images"]] == [i["src"] for i in json.loads(want["images"])]
        assert row["province"] == want["province"]
        assert row["cluster_id"] == want["cluster_id"]
        assert (row["warc_file"], row["warc_offset"]) == (want["warc_file"], want["offset"])
        assert row["word_count"] == want["word_count"] > 0


def test_parquet_loads_back_typed_and_equal(archive, tmp_path):
    out = tmp_path / "ds"
    result = export(archive, out, "--format", "parquet")
    assert result.returncode == 0, result.stderr
    stored = archive_rows(archive)
    assert f"{len(stored)} articles from 2 portals" in result.stdout
    table = pq.read_table(out / "data")
    assert str(table.schema.field("tags").type.value_type) == "string"
    assert str(table.schema.field("word_count").type) == "int64"
    assert "caption" in str(table.schema.field("images").type)
    assert pq.ParquetFile(next((out / "data").glob("*.parquet"))).metadata.row_group(0)
    rows = table.to_pylist()
    assert [r["url"] for r in rows] == sorted(r["url"] for r in rows)  # deterministic order
    same_as_archive(rows, stored)


def test_jsonl_gz_and_csv_load_back_equal(archive, tmp_path):
    stored = archive_rows(archive)
    assert export(archive, tmp_path / "j", "--format", "jsonl", "--compress", "gz").returncode == 0
    (path,) = (tmp_path / "j" / "data").glob("*.jsonl.gz")
    rows = [json.loads(line) for line in gzip.open(path, "rt", encoding="utf-8")]
    same_as_archive(rows, stored)
    assert export(archive, tmp_path / "c", "--format", "csv").returncode == 0
    (path,) = (tmp_path / "c" / "data").glob("*.csv")
    raw = path.read_bytes()
    assert b"\r\n" in raw and raw.count(b"\r\n") >= len(stored) + 1  # RFC 4180 line ends
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        for name in ("tags", "images"):
            row[name] = json.loads(row[name])
        for name in ("word_count", "cluster_id", "warc_offset", "warc_length"):
            row[name] = int(row[name]) if row[name] else None
        for name in ("author", "published"):
            row[name] = row[name] or None
    same_as_archive(rows, stored)


def test_jsonl_zst_loads_back(archive, tmp_path):
    from backports import zstd

    assert export(archive, tmp_path / "z", "--format", "jsonl", "--compress", "zst").returncode == 0
    (path,) = (tmp_path / "z" / "data").glob("*.jsonl.zst")
    with zstd.open(path, "rt", encoding="utf-8") as handle:
        assert len([json.loads(line) for line in handle]) == len(archive_rows(archive))
    assert "with the `zstandard` package" in (tmp_path / "z" / "README.md").read_text()


@pytest.mark.parametrize("file_format", ["parquet", "jsonl", "csv"])
def test_two_exports_are_byte_identical_and_checksummed(archive, tmp_path, file_format):
    for name in ("one", "two"):
        assert export(archive, tmp_path / name, "--format", file_format).returncode == 0
    files = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*"))
    assert files == sorted(p.relative_to(tmp_path / "two") for p in (tmp_path / "two").rglob("*"))
    for name in files:
        if (tmp_path / "one" / name).is_file():
            assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    check = subprocess.run(
        ["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path / "one", capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "data/train-00000-of-00001" in (tmp_path / "one" / "SHA256SUMS").read_text()


def test_dataset_card_says_what_is_inside(archive, tmp_path):
    out = tmp_path / "ds"
    args = ("--format", "jsonl", "--portal", TOWN, "--since", "2020-01-01", "--dedupe", "exact")
    assert export(archive, out, *args).returncode == 0
    card = (out / "README.md").read_text()
    town = archive_rows(archive, f"a.portal = '{TOWN}' AND substr(a.published, 1, 10) >= '2020'")
    assert card.startswith("---\nlanguage:\n- vi\n")
    assert "path: data/train-*.jsonl" in card
    name = "Cổng thông tin điện tử thành phố Hà Tĩnh"
    assert f"| {TOWN} | {name} | Hà Tĩnh / Hà Tĩnh | city |" in card
    assert "portal-archive export --format jsonl --portal hatinhcity --since 2020-01-01" in card
    assert "exact duplicates (same `text_hash`) removed" in card
    assert "| `warc_offset` | integer |" in card
    assert "## Terms" in card and "no licence" in card
    years = {r["published"][:4] for r in town.values()}
    for year in years:
        assert f"| {year} |" in card
    assert str(out) not in card  # paths are not part of the card: exports stay identical
    # the simulator stood in for the site, and the card says so (not "the public web site")
    assert "a local stand-in for the site (an offline mirror or the simulator)" in card
    assert "public site" not in card
    rows = [json.loads(line) for f in (out / "data").glob("*.jsonl") for line in f.open()]
    assert {row["fetched_from"].split("/")[2].split(":")[0] for row in rows} == {"127.0.0.1"}


def test_filters_select_what_they_say(archive, tmp_path):
    def urls(out, *args):
        result = export(archive, out, "--format", "jsonl", *args)
        assert result.returncode == 0, result.stderr
        (path,) = (out / "data").glob("*.jsonl")
        return {json.loads(line)["url"] for line in path.open(encoding="utf-8")}

    assert urls(tmp_path / "p", "--portal", PAPER) == set(
        archive_rows(archive, f"a.portal = '{PAPER}'")
    )
    assert urls(tmp_path / "l", "--level", "city") == set(
        archive_rows(archive, f"a.portal = '{TOWN}'")
    )
    assert urls(tmp_path / "d", "--since", "2024-01-01", "--until", "2024-12-31") == set(
        archive_rows(archive, "substr(a.published, 1, 4) = '2024'")
    )
    assert urls(tmp_path / "w", "--min-words", "200") == set(
        archive_rows(archive, "a.word_count >= 200")
    )
    assert urls(tmp_path / "v", "--province", "Hà Tĩnh") == set(archive_rows(archive))


def test_dedupe_modes_keep_one_article_per_group(archive, tmp_path):
    stored = archive_rows(archive)
    clusters = {}
    for url, row in stored.items():
        if row["cluster_id"] is not None:
            clusters.setdefault(row["cluster_id"], set()).add(url)
    assert clusters  # the town republishes the paper
    with closing(sqlite3.connect(archive)) as conn:
        representatives = {r for (r,) in conn.execute("SELECT representative FROM clusters")}
    assert (
        export(archive, tmp_path / "n", "--format", "parquet", "--dedupe", "near").returncode == 0
    )
    kept = {r["url"] for r in pq.read_table(tmp_path / "n" / "data").to_pylist()}
    clustered = set().union(*clusters.values())
    assert kept - clustered == set(stored) - clustered  # unique articles all kept
    assert kept & clustered == representatives  # one per cluster: its representative
    assert (
        export(archive, tmp_path / "e", "--format", "parquet", "--dedupe", "exact").returncode == 0
    )
    exact = pq.read_table(tmp_path / "e" / "data").to_pylist()
    assert len({r["text_hash"] for r in exact}) == len(exact)
    assert len(exact) == len({r["text_hash"] for r in stored.values()})


def test_fields_choose_columns_and_their_order(archive, tmp_path):
    assert (
        export(archive, tmp_path / "f", "--format", "csv", "--fields", "url,title").returncode == 0
    )
    (path,) = (tmp_path / "f" / "data").glob("*.csv")
    assert path.read_bytes().decode("utf-8").split("\r\n")[0] == "url,title"


def test_large_exports_are_sharded(archive, tmp_path):
    stored = archive_rows(archive)
    result = export(archive, tmp_path / "s", "--format", "parquet", "--shard-rows", "25")
    assert result.returncode == 0, result.stderr
    shards = sorted((tmp_path / "s" / "data").glob("*.parquet"))
    assert len(shards) == -(-len(stored) // 25)
    assert shards[0].name == f"train-00000-of-{len(shards):05d}.parquet"
    assert sum(pq.read_metadata(s).num_rows for s in shards) == len(stored)


def test_hugging_face_datasets_loads_each_format(archive, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # local files only: never the Hub
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    import datasets

    stored = archive_rows(archive)
    for file_format, loader in (("parquet", "parquet"), ("jsonl", "json"), ("csv", "csv")):
        out = tmp_path / file_format
        assert export(archive, out, "--format", file_format).returncode == 0
        loaded = datasets.load_dataset(
            loader, data_dir=str(out), split="train", cache_dir=str(tmp_path / "hf")
        )
        assert loaded.num_rows == len(stored)
        assert set(loaded["url"]) == set(stored)
        # The same type in every format, and no day moved (pyarrow once made JSONL times UTC).
        for name in ("published", "fetched_at", "first_seen"):
            assert loaded.features[name].dtype in ("string", "large_string"), (file_format, name)
        published = dict(zip(loaded["url"], loaded["published"], strict=True))
        assert published == {url: timestamp_text(row["published"]) for url, row in stored.items()}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--portal", "nowhere"),
            "no portal nowhere in this archive (it has: baohatinh, hatinhcity)",
        ),
        (("--fields", "url,colour"), "unknown field(s) colour (known: id, url,"),
        (("--since", "2025-01-01", "--until", "2024-01-01"), "--since 2025-01-01 is after --until"),
        (("--province", "Atlantis"), "no province 'Atlantis' in this archive"),
        (("--format", "parquet", "--compress", "gz"), "--compress applies to jsonl"),
    ],
)
def test_bad_input_is_one_clear_line_and_writes_nothing(archive, tmp_path, args, message):
    result = export(archive, tmp_path / "out", *args)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []  # no folder, no temporary leftovers


def test_a_non_empty_folder_is_refused_unless_overwrite(archive, tmp_path):
    out = tmp_path / "ds"
    out.mkdir()
    (out / "mine.txt").write_text("keep me")
    result = export(archive, out, "--format", "jsonl")
    assert result.returncode == 1
    assert "is not empty (use --overwrite to replace it)" in result.stderr
    assert (out / "mine.txt").read_text() == "keep me"
    # --overwrite replaces an earlier export, never a folder of other files
    refused = export(archive, out, "--format", "jsonl", "--overwrite")
    assert refused.returncode == 1 and "holds other files" in refused.stderr
    assert (out / "mine.txt").read_text() == "keep me"
    (out / "mine.txt").unlink()
    assert export(archive, out, "--format", "jsonl").returncode == 0
    assert export(archive, out, "--format", "csv", "--overwrite").returncode == 0
    assert list((out / "data").glob("*.csv"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ds"]
    assert (out.stat().st_mode & 0o777) == 0o777 & ~current_umask()  # as mkdir makes it


def current_umask():
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_the_current_folder_is_never_overwritten(archive, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("mine")
    result = export(archive, ".", "--format", "jsonl", "--overwrite")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_a_killed_exports_leftovers_are_removed_by_the_next(archive, tmp_path):
    dead = subprocess.Popen(["true"])
    dead.wait()
    leftover = tmp_path / f".ds.partial-{dead.pid}-abc"
    (leftover / "data").mkdir(parents=True)
    assert export(archive, tmp_path / "ds", "--format", "jsonl").returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ds"]


def test_csv_cells_that_would_be_formulas_are_made_inert():
    import io

    from archive.export.shards import _CsvShard

    text = io.StringIO()
    shard = _CsvShard(text, io.BytesIO(), ("title", "word_count"))
    shard.write_columns([['=HYPERLINK("x")', "-1 km", "@a", "ok"], [3, -1, 0, 1]])
    lines = text.getvalue().splitlines()
    assert lines[1:] == ['"\'=HYPERLINK(""x"")",3', "'-1 km,-1", "'@a,0", "ok,1"]


def test_unwritable_or_missing_destination(archive, tmp_path):
    result = export(archive, tmp_path / "missing" / "ds")
    assert result.returncode == 1
    assert "folder" in result.stderr and "does not exist" in result.stderr
    result = portal_archive("export", "--db", tmp_path / "none.db", "--out", tmp_path / "x")
    assert result.returncode == 1 and "no archive at" in result.stderr


def test_export_reads_while_a_crawl_writes(archive, tmp_path):
    """A write transaction open on the archive neither blocks the export nor shows in it."""
    stored = archive_rows(archive)
    with closing(sqlite3.connect(archive, isolation_level=None)) as writer:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE articles SET title = 'half-written' WHERE rowid = 1")
        result = export(archive, tmp_path / "ds", "--format", "jsonl")
        writer.execute("ROLLBACK")
    assert result.returncode == 0, result.stderr
    (path,) = (tmp_path / "ds" / "data").glob("*.jsonl")
    titles = [json.loads(line)["title"] for line in path.open(encoding="utf-8")]
    assert len(titles) == len(stored) and "half-written" not in titles
