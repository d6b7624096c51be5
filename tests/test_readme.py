"""The README's command lines name commands and options that exist (docs checked by tests)."""

import re
from pathlib import Path

from archive.cli import cli

README = Path(__file__).parent.parent / "README.md"


def documented_commands():
    for line in README.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\s*(?:\.venv/bin/)?portal-archive (\S+)(.*?)(?:#.*)?$", line)
        if match:
            yield match.group(1), re.findall(r"(--[a-z-]+)", match.group(2)), line


def test_every_documented_command_and_option_exists():
    seen = list(documented_commands())
    assert len(seen) >= 10
    for name, options, line in seen:
        assert name in cli.commands, line
        known = {opt for param in cli.commands[name].params for opt in param.opts}
        assert set(options) <= known | {"--help"}, line


def test_every_command_is_documented():
    documented = {name for name, _, _ in documented_commands()}
    assert set(cli.commands) <= documented
