"""The generated tables in README.md and docs/ are what the code renders now."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import gen_docs  # noqa: E402

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_generated_sections_are_current(path):
    text = path.read_text("utf-8")
    assert gen_docs.render(text) == text, f"run: python tools/gen_docs.py ({path.name} is stale)"


def test_readme_has_every_generated_section_and_column():
    text = (ROOT / "README.md").read_text("utf-8")
    for name in ("schema", "indicators", "settings"):
        assert f"<!-- BEGIN {name} -->" in text
    from etl import schema
    for table, cols in schema.TABLES.items():
        assert f"#### `{table}`" in text
        for c in cols:
            assert f"| `{c.name}` |" in text


def test_readme_commands_exist():
    text = (ROOT / "README.md").read_text("utf-8")
    make = (ROOT / "Makefile").read_text("utf-8")
    for target in re.findall(r"^make (\w+)", text, flags=re.M):
        assert re.search(rf"^{target}:", make, flags=re.M), target
    assert "make test" in (ROOT / ".ci" / "run").read_text("utf-8")
    out = subprocess.run([sys.executable, "-m", "etl", "--help"], cwd=ROOT, capture_output=True,
                         text=True)
    for sub in ("build", "load", "validate", "status", "demo", "template"):
        assert sub in out.stdout


def test_no_machine_paths_in_the_repo():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout
    for name in tracked.split():
        p = ROOT / name
        if p.suffix in {".py", ".md", ".toml", ".txt", ".csv", ".json"} and p.exists():
            assert str(ROOT.parent) + "/" not in p.read_text("utf-8", errors="ignore"), name
