"""etl.scenarios: save, list, get, delete in a small DuckDB file; SQL with bound parameters."""

from __future__ import annotations

import duckdb
import pytest

from etl import scenarios


def test_store_path_is_beside_the_database(tmp_path):
    assert scenarios.store_path(tmp_path / "equity.duckdb") == tmp_path / scenarios.FILE_NAME


def test_save_list_get_delete(tmp_path):
    path = scenarios.store_path(tmp_path / "equity.duckdb")
    changes = [{"op": "close", "id": "WS-0011"}, {"op": "add", "id": "NEW-1", "type": "health_centre",
                                                  "lon": 108.0, "lat": 31.0, "name": "新卫生院"}]
    sid = scenarios.save(path, "  关闭甘棠  ", "health", changes)
    other = scenarios.save(path, "second", "education", [])
    assert sid != other and len(sid) == 12
    listed = scenarios.list_all(path)
    assert set(listed["id"]) == {sid, other}
    assert listed.set_index("id").loc[sid, "n_changes"] == 2
    got = scenarios.get(path, sid)
    assert got["name"] == "关闭甘棠" and got["domain"] == "health" and got["changes"] == changes
    assert scenarios.get(path, "missing") is None
    assert scenarios.delete(path, sid) is True
    assert scenarios.delete(path, sid) is False
    assert scenarios.list_all(path)["id"].tolist() == [other]


def test_hostile_text_is_data(tmp_path):
    path = tmp_path / "s.duckdb"
    evil = "x'); DROP TABLE scenarios; --"
    sid = scenarios.save(path, evil, "health", [{"op": "close", "id": evil}])
    assert scenarios.get(path, sid)["name"] == evil
    assert scenarios.get(path, evil) is None
    assert len(scenarios.list_all(path)) == 1


def test_a_name_is_required(tmp_path):
    with pytest.raises(ValueError):
        scenarios.save(tmp_path / "s.duckdb", "   ", "health", [])


def test_table_schema(tmp_path):
    path = tmp_path / "s.duckdb"
    scenarios.list_all(path)
    con = duckdb.connect(str(path), read_only=True)
    cols = con.execute("DESCRIBE scenarios").df().set_index("column_name")["column_type"]
    con.close()
    assert list(cols.index) == ["id", "name", "created_at", "domain", "changes"]
    assert cols["changes"] == "JSON"
