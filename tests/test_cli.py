"""CLI behaviour that needs no crawl: listings, and user mistakes answered in one line."""

import click
import pytest
from click.testing import CliRunner

from archive.cli import cli


def run(*args, env=None):
    result = CliRunner().invoke(cli, list(args), env=env)
    assert "Traceback" not in result.output
    return result


def test_portals_lists_the_hanoi_portal():
    result = run("portals")
    assert result.exit_code == 0
    assert "hanoi-sotttt" in result.output and "Hà Nội" in result.output


def test_help_documents_every_command():
    writers = {"crawl", "backfill", "demo", "recover", "import"}  # create an archive
    for name, command in cli.commands.items():
        assert command.help, name
        shown = run(name, "--help").output
        assert "Example" in shown and "portal-archive " + name in shown, name
        for option in command.params:
            assert isinstance(option, click.Argument) or option.help, (name, option.name)
        if "--db" in shown:
            assert ("created if missing" in shown) == (name in writers), name
    assert run("--help").exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["crawl", "no-such-portal"], "unknown portal 'no-such-portal'"),
        (["crawl", "hanoi-sotttt", "--db", "/nonexistent/dir/a.db"], "folder does not exist"),
        (["stats", "--db", "/nonexistent/a.db"], "no archive at /nonexistent/a.db"),
        (["replay", "no-such-portal"], "unknown portal"),
    ],
)
def test_user_mistakes_get_one_clear_line(args, message):
    result = run(*args)
    assert result.exit_code == 1
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_missing_offline_data_is_explained(tmp_path):
    result = run(
        "crawl",
        "hanoi-sotttt",
        "--db",
        str(tmp_path / "a.db"),
        env={"PORTAL_ARCHIVE_DATA": str(tmp_path / "nothing-here")},
    )
    assert result.exit_code == 1
    assert "offline mirror for portal 'hanoi-sotttt' not found" in result.output
    assert "PORTAL_ARCHIVE_DATA" in result.output


def test_garbage_database_file_is_refused(tmp_path):
    path = tmp_path / "a.db"
    path.write_text("garbage" * 100)
    result = run("stats", "--db", str(path))
    assert result.exit_code == 1
    assert "not a database" in result.output


def test_negative_limit_is_a_usage_error():
    assert run("crawl", "hanoi-sotttt", "--limit", "-1").exit_code == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["simulate", "--site", "nowhere"], "unknown site 'nowhere'"),
        (["simulate", "--clock", "yesterday"], "is not an ISO 8601 date"),
    ],
)
def test_simulate_mistakes(args, message):
    result = run(*args)
    assert result.exit_code == 1
    assert message in result.output


def test_simulate_serves_until_stopped():
    import subprocess
    import sys
    import urllib.request

    process = subprocess.Popen(
        [sys.executable, "-m", "archive", "simulate", "--site", "honglinh", "--articles", "5"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        lines = [process.stdout.readline() for _ in range(3)]
        url = lines[2].split()[-1]
        assert lines[2].startswith("honglinh") and url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(url, timeout=5) as response:
            assert "Hồng Lĩnh" in response.read().decode("utf-8")
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("WORKERS", "-s takes NAME=VALUE"),
        ("archive_extract_workers=2", "-s takes NAME=VALUE"),
        ("ARCHIVE_EXTRACT_WORKERS=two", "'two' is not a whole number"),
        ("ARCHIVE_EXTRACT_WORKERS=-5", "ARCHIVE_EXTRACT_WORKERS: -5 is below 0"),
        ("ARCHIVE_EXTRACT_TIMEOUT=soon", "'soon' is not a number"),
        ("ROBOTSTXT_OBEY=perhaps", "'perhaps' is not true or false"),
        ("ARCHIVE_EXTRACT_FUNCTION=no.such.module.extract", "cannot import 'no.such.module"),
        ("ARCHIVE_BACKFILL_SINCE=garbage", "'garbage' is not a day (YYYY-MM-DD)"),
        ("ARCHIVE_RECHECK=sometimes", "'sometimes' is not one of due, all"),
        ("DOWNLOAD_DELAYY=3", "no such setting (did you mean DOWNLOAD_DELAY?)"),
        ("ARCHIVE_DB_PATH=b.db", "-s ARCHIVE_DB_PATH: give it with --db instead"),
        ("ARCHIVE_PORTAL=daksong", "-s ARCHIVE_PORTAL: give it with the PORTAL argument"),
    ],
)
def test_a_bad_setting_is_refused_before_anything_happens(tmp_path, setting, message):
    """One line and exit 1, before any database is touched: the database and the portal come
    from the command's arguments alone (a second -s value used to split a crawl between two
    archives), and a garbage date used to end in two tracebacks."""
    db = tmp_path / "a.db"
    for command in (["crawl", "honglinh"], ["backfill", "honglinh", "--since", "2024-01-01"]):
        result = run(*command, "--db", str(db), "-s", setting)
        assert result.exit_code == 1, result.output
        assert message in result.output
        assert len(result.output.strip().splitlines()) == 1, result.output
        assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("base", "message"),
    [
        ("127.0.0.1:18100", "is not a URL like http://127.0.0.1:8000"),
        ("http://127.0.0.1:18100/portal/pages/", "has a path; give only scheme://host:port"),
        ("http://127.0.0.1:99999", "out of range"),
    ],
)
def test_a_bad_fetch_base_is_one_line(tmp_path, base, message):
    result = run("crawl", "honglinh", "--db", str(tmp_path / "a.db"), "--fetch-base", base)
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("stats", "reason"),
    [
        ({"archive/articles/new": 3}, None),
        ({"archive/articles/not_modified": 2}, None),
        ({"portal/offsite_redirect/last": "https://hatinh.gov.vn/"}, "sends its pages elsewhere"),
        ({"response_received_count": 2, "robotstxt/forbidden": 5}, "robots.txt forbids"),
        ({"response_received_count": 4, "portal/article/known": 9}, "nothing new"),
        ({"response_received_count": 4}, "no fetched page linked an article URL"),
        ({"response_received_count": 4, "portal/article/requested": 3}, "could not be fetched"),
    ],
)
def test_a_crawl_that_stores_nothing_says_why(stats, reason):
    from archive.cli.report import why_nothing

    said = why_nothing(stats)
    assert (said is None) if reason is None else (reason in said)
