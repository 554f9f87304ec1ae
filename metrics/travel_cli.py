"""``python -m metrics travel``: minutes from one place to each destination (issue 14, item 5).

Placeholder filled in by the travel command's implementation.
"""

from __future__ import annotations

import argparse


def add_arguments(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--mode", required=True)


def run(args: argparse.Namespace) -> int:
    raise SystemExit("not built yet")
