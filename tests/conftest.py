"""Shared fixtures: one database built from data/ per test session (per xdist worker)."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl import db


@pytest.fixture(scope="session")
def built_db(tmp_path_factory) -> Path:
    """The default dataset built from data/ into a temporary database file."""
    path = tmp_path_factory.mktemp("db") / "equity.duckdb"
    db.build(path)
    return path
