"""The layout the README describes, checked: imports run one way, SQL lives in archive/db/, no
module grows past 400 lines, and "How it is built" names every module of archive/."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("crawler", "pipelines", "simulator", "archive")
# Which packages each may import (the arrow of the README's "How it is built").
ALLOWED = {
    "crawler": {"crawler"},
    "pipelines": {"crawler", "pipelines"},
    "simulator": {"crawler", "pipelines", "simulator"},
    "archive": {"crawler", "pipelines", "simulator", "archive"},
}
MAX_LINES = 400
EXAMPLE = re.compile(r"sqlite3 |duckdb\.sql")  # SQL printed for a person to try, never run
SQL = re.compile(r"\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM|CREATE TABLE)\b")


def modules(package):
    return sorted((ROOT / package).rglob("*.py"))


def imported_packages(path):
    """Top-level project packages ``path`` imports, at run time or for type checking."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found |= {name.split(".")[0] for name in names} & {*PACKAGES, "tests", "bench"}
    return found


@pytest.mark.parametrize("package", PACKAGES)
def test_imports_run_one_way(package):
    wrong = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) - ALLOWED[package])
        for path in modules(package)
        if imported_packages(path) - ALLOWED[package]
    }
    assert wrong == {}


def docstrings(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                yield body[0].value


def test_sql_is_written_only_in_archive_db():
    outside = []
    for package in PACKAGES:
        for path in modules(package):
            if path.is_relative_to(ROOT / "archive" / "db"):
                continue
            tree = ast.parse(path.read_text("utf-8"))
            prose = {id(node) for node in docstrings(tree)} | {
                id(part)
                for node in ast.walk(tree)
                if isinstance(node, ast.JoinedStr)
                and EXAMPLE.search("".join(str(getattr(v, "value", "")) for v in node.values))
                for part in node.values
            }
            outside += [
                f"{path.relative_to(ROOT)}:{node.lineno}"
                for node in ast.walk(tree)
                if isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in prose
                and SQL.search(node.value)
                and not EXAMPLE.search(node.value)
            ]
    assert outside == []


def test_no_module_is_over_400_lines():
    long = {
        str(path.relative_to(ROOT)): n
        for package in (*PACKAGES, "bench", "tests")
        for path in modules(package)
        if (n := len(path.read_text("utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_how_it_is_built_names_every_module_of_archive():
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("## How it is built", 1)[1].split("\n## ", 1)[0]
    layout = section.split("```", 2)[1]
    named = set(re.findall(r"^\s+([\w/]+\.py|[\w]+/)\s", layout, re.MULTILINE))
    archive = {
        path.name if path.parent == ROOT / "archive" else f"{path.parent.name}/"
        for path in modules("archive")
        if path.name != "__init__.py" or path.parent != ROOT / "archive"
    }
    assert archive - named == set()
    for folder in ("crawler/", "pipelines/", "simulator/", "archive/", "tests/", "bench/"):
        assert re.search(rf"^{folder}\s", layout, re.MULTILINE), folder
