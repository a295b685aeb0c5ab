"""Generate the reference pages from the code itself.

``docs/cli.md`` comes from the real ``--help`` of every command and
``docs/detectors.md`` from the detector registry, so they cannot drift:
``tests/test_docs.py`` regenerates both and fails when the committed copy
differs.  Re-record with ``python -m civicshield._docgen``.
"""

from __future__ import annotations

import re
from pathlib import Path

import typer
from typer.testing import CliRunner

from civicshield.cli import app
from civicshield.detect import detectors

DOCS = Path(__file__).resolve().parents[2] / "docs"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _commands(group, prefix: list[str]) -> list[list[str]]:
    out = []
    for name in sorted(group.commands):
        cmd = group.commands[name]
        out.append([*prefix, name])
        if hasattr(cmd, "commands"):
            out.extend(_commands(cmd, [*prefix, name]))
    return out


def cli_reference() -> str:
    root = typer.main.get_command(app)
    runner = CliRunner()
    parts = [
        "# CLI reference\n",
        "Generated from the real `--help` by `python -m civicshield._docgen`; do not edit by hand.\n",
    ]
    for path in [[], *_commands(root, [])]:
        res = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"},
                            terminal_width=100)
        text = "\n".join(line.rstrip() for line in _ANSI.sub("", res.output).splitlines()).strip()
        parts.append(f"## `{' '.join(['civicshield', *path])}`")
        parts.append(f"```text\n{text}\n```\n")
    return "\n".join(parts)


def detector_reference() -> str:
    parts = [
        "# Detector reference\n",
        "Generated from the detector registry by `python -m civicshield._docgen`; do not edit by hand.",
        "Each detector also has its own page in `docs/` explaining its method and limits.",
        "Override a parameter with `civicshield detect --param DETECTOR.NAME=VALUE`.\n",
    ]
    for d in detectors().values():
        parts.append(f"## `{d.name}`\n\n{d.summary}\n")
        parts.append(f"- finding kinds: {', '.join(f'`{k}`' for k in d.kinds)}")
        parts.append(f"- needs tables: {', '.join(f'`{t}`' for t in d.requires) or 'none'}")
        if d.optional:
            parts.append(f"- uses when present: {', '.join(f'`{t}`' for t in d.optional)}")
        if d.needs_real:
            parts.append(f"- skipped where election.toml lists as estimated: {', '.join(f'`{c}`' for c in d.needs_real)}")
        if d.limits:
            parts.append(f"- limits: {d.limits}")
        parts.append("\n| parameter | default | allowed | meaning |\n|---|---|---|---|")
        for p in d.params:
            parts.append(f"| `{p.name}` | `{p.default!r}` | {p.describe()} | {p.help} |")
        parts.append("")
    return "\n".join(parts)


def write_all() -> None:
    DOCS.mkdir(exist_ok=True)
    (DOCS / "cli.md").write_text(cli_reference(), encoding="utf-8")
    (DOCS / "detectors.md").write_text(detector_reference(), encoding="utf-8")


if __name__ == "__main__":
    write_all()
