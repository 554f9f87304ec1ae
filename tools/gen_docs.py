"""Regenerate the tables in docs/ and README.md that are rendered from declared data.

Each generated table sits between ``<!-- BEGIN name -->`` and ``<!-- END name -->``
markers; the tests check the files hold exactly what the code renders.

    python tools/gen_docs.py
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def sections() -> dict[str, Callable[[], str]]:
    from etl import aliases, facility_types, schema, values
    from metrics import road_speeds, settings

    out: dict[str, Callable[[], str]] = {
        "road_speeds": road_speeds.speed_table_markdown,
        "aliases": aliases.aliases_markdown,
        "types": facility_types.types_markdown,
        "kind_aliases": aliases.kind_aliases_markdown,
        "name_rules": facility_types.name_rules_markdown,
        "reasons": values.reasons_markdown,
        "schema": schema.markdown,
        "settings": settings.settings_markdown,
    }
    try:
        from metrics import indicators
        out["indicators"] = indicators.indicators_markdown
    except ImportError:
        pass
    return out


def render(text: str) -> str:
    for name, fn in sections().items():
        pat = re.compile(rf"(<!-- BEGIN {name} -->\n).*?(<!-- END {name} -->)", re.S)
        text = pat.sub(lambda m, fn=fn: m.group(1) + fn().rstrip("\n") + "\n" + m.group(2), text)
    return text


def main() -> None:
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        if path.exists():
            old = path.read_text("utf-8")
            new = render(old)
            if new != old:
                path.write_text(new, "utf-8")
                print(f"updated {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
