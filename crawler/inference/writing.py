"""The declaration file ``add`` writes: a Python module like the bundled ones in
crawler/portals/, with the evidence for every inferred line in its comments.

Nothing in it depends on when it was written: the same site gives the same file.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from crawler.inference.declare import Inference
from crawler.portals import Portal, Selectors


def literal(value: object) -> str:
    """A Python literal for ``value``; regexes as raw strings, as people write them."""
    if isinstance(value, str):
        if "\\" in value and '"' not in value and not value.endswith("\\") and "\n" not in value:
            return f'r"{value}"'
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, tuple):
        if not value:
            return "()"
        inner = ", ".join(literal(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    return repr(value)


def render(inference: Inference) -> str:
    portal = inference.portal
    lines = [
        f'"""{portal.name} ({portal.origin}).',
        "",
        f"Declaration inferred by `portal-archive add` from {inference.requests} requests",
        f"(platform: {inference.platform}).",
        "",
        "Loaded like the bundled declarations (crawler/portals/*.py). Edit what is wrong: the",
        "comments say what each line was inferred from. Run `portal-archive add URL --force` to",
        'learn the site again (this file is then replaced)."""',
        "",
        "# Evidence:",
        *[f"#   {line}" for line in inference.evidence],
        "",
        "from crawler.portals import Portal, Selectors",
        "",
        "PORTAL = Portal(",
    ]
    defaults = {
        f.name: f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        for f in dataclasses.fields(Portal)
    }
    for name, value in _fields(portal):
        if isinstance(value, Selectors):
            lines.append("    selectors=Selectors(")
            for key, chosen in _fields(value):
                if chosen not in (None, ()):
                    lines.append(f"        {key}={literal(chosen)},")
            lines.append("    ),")
        elif name in ("id", "name", "origin", "province", "level", "kind") or value != defaults.get(
            name
        ):
            if name == "deny_patterns" and isinstance(value, tuple):
                lines.append("    deny_patterns=(")
                lines += [f"        {literal(p)}," for p in value]
                lines.append("    ),")
            else:
                lines.append(f"    {name}={literal(value)},")
    lines.append(")")
    return "\n".join(lines) + "\n"


def _fields(value: Portal | Selectors) -> list[tuple[str, object]]:
    return [(f.name, getattr(value, f.name)) for f in dataclasses.fields(value)]


def write_declaration(inference: Inference, folder: Path, force: bool = False) -> Path:
    """Writes the file (``<id>.py``, dashes as underscores) into ``folder``; refuses to replace
    one unless ``force``."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{inference.portal.id.replace('-', '_')}.py"
    if target.exists() and not force:
        raise FileExistsError(f"{target} exists already (use --force to learn the site again)")
    text = render(inference)
    compile(text, str(target), "exec")  # what is written must load
    target.write_text(text, encoding="utf-8")
    return target
