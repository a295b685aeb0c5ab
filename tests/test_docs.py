"""Docs are checked: reference pages are generated from the code, every
detector has a page of its own, and the README opens with the two commands."""

from pathlib import Path

import pytest

from civicshield import _docgen
from civicshield.detect import detectors

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


@pytest.mark.parametrize("name, make", [("cli.md", _docgen.cli_reference), ("detectors.md", _docgen.detector_reference)])
def test_generated_reference_is_current(name, make):
    committed = (DOCS / name).read_text(encoding="utf-8")
    assert committed == make(), f"docs/{name} is stale: run 'python -m civicshield._docgen' and commit"


def test_every_detector_has_its_own_page_naming_its_parameters():
    pages = {p.name: p.read_text(encoding="utf-8") for p in DOCS.glob("*.md") if p.name not in ("cli.md", "detectors.md")}
    for d in detectors().values():
        owning = [n for n, text in pages.items() if f"`{d.name}`" in text]
        assert owning, f"no page in docs/ names the detector `{d.name}`"
        text = "\n".join(pages[n] for n in owning)
        missing = [p.name for p in d.params if p.name not in text]
        assert not missing, f"docs pages {owning} do not explain parameters {missing} of `{d.name}`"


def test_readme_opens_with_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    head = readme[: readme.index("\n## ", readme.index("## Set-up") + 1)]
    assert "make demo" in head and "make test" in head
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_every_page_is_listed_in_the_index():
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    unlisted = [p.name for p in DOCS.glob("*.md") if p.name != "index.md" and f"({p.name})" not in index]
    assert not unlisted, f"docs/index.md does not list {unlisted}"
