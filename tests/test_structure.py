"""The structure rules of the tree (issue 13): modules of a readable size, no Streamlit
internals, no committed build artefacts, no calls to another module's private names."""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("etl", "ui", "views", "reports")
MAX_LINES = 600


def _modules(*folders: str) -> list[Path]:
    return [p for f in folders for p in sorted((ROOT / f).glob("*.py"))]


def test_no_module_over_600_lines_in_etl_ui_views():
    long = {p.relative_to(ROOT).as_posix(): n for p in _modules(*LAYERS)
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long


def test_no_streamlit_internals():
    used = [p.relative_to(ROOT).as_posix() for p in [*_modules(*LAYERS, "metrics"), ROOT / "app.py"]
            if "PagesManager" in p.read_text(encoding="utf-8")
            or "streamlit.runtime.pages_manager" in p.read_text(encoding="utf-8")]
    assert not used
    assert not (ROOT / "pages").exists(), "a pages/ folder puts Streamlit in its folder mode"


def test_no_wheels_or_archives_tracked():
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:  # not a git checkout (an unpacked archive): nothing to check
        return
    assert not [f for f in out.stdout.splitlines() if f.endswith((".whl", ".tar.gz", ".zip"))]


def test_no_calls_to_another_modules_private_names():
    """``from etl.x import _y`` or ``x._y(...)`` on one of our modules, outside tests."""
    ours = {p.stem for p in _modules("etl", "ui", "metrics", "reports")}
    found = []
    for path in _modules("etl", "ui", "metrics", "views", "reports"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and \
                    node.module.split(".")[0] in ("etl", "ui", "metrics", "reports"):
                found += [f"{path.name}: {node.module}.{a.name}" for a in node.names
                          if a.name.startswith("_") and not a.name.startswith("__")]
            if isinstance(node, ast.Attribute) and node.attr.startswith("_") and \
                    not node.attr.startswith("__") and isinstance(node.value, ast.Name) and \
                    node.value.id in ours and node.value.id != path.stem:
                found.append(f"{path.name}: {node.value.id}.{node.attr}")
    assert not found
