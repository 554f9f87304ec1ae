"""etl.scenarios: save, list, get, delete in a small DuckDB file; SQL with bound parameters."""

from __future__ import annotations

from pathlib import Path

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


# -- names and limits --------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "stored"), [
    ("  关闭甘棠  ", "关闭甘棠"),
    ("关闭\u200b甘棠\u202e\u2066\ufeff", "关闭甘棠"),  # zero-width and bidi characters removed
    ("x" * scenarios.MAX_NAME, "x" * scenarios.MAX_NAME),
    ("\u200b" * 50 + "y" * scenarios.MAX_NAME, "y" * scenarios.MAX_NAME),  # counted once cleaned
])
def test_names_are_cleaned_of_invisible_characters(tmp_path, raw, stored):
    path = tmp_path / "s.duckdb"
    sid = scenarios.save(path, raw, "health", [])
    assert scenarios.get(path, sid)["name"] == stored


@pytest.mark.parametrize(("raw", "reason"), [
    ("", "empty"), ("  \u200b\u202e ", "empty"), ("x" * (scenarios.MAX_NAME + 1), "too_long"),
    ("第一行\n第二行", "control"), ("a\tb", "control"), ("a\x00b", "control"), ("a\u2028b", "control"),
])
def test_bad_names_are_refused_not_cut(tmp_path, raw, reason):
    path = tmp_path / "s.duckdb"
    with pytest.raises(scenarios.ScenarioNameError) as exc:
        scenarios.save(path, raw, "health", [])
    assert exc.value.reason == reason
    assert scenarios.list_all(path).empty


def test_the_store_holds_at_most_the_limit(tmp_path, monkeypatch):
    path = tmp_path / "s.duckdb"
    monkeypatch.setenv(scenarios.ENV_MAX_TOTAL, "2")
    assert scenarios.max_total() == 2
    first = scenarios.save(path, "a", "health", [])
    scenarios.save(path, "b", "health", [])
    with pytest.raises(scenarios.ScenarioLimitError) as exc:
        scenarios.save(path, "c", "health", [])
    assert exc.value.limit == 2
    assert sorted(scenarios.list_all(path)["name"]) == ["a", "b"]
    # deleting one makes room again; an explicit limit overrides the environment
    scenarios.delete(path, first)
    scenarios.save(path, "c", "health", [])
    scenarios.save(path, "d", "health", [], limit=4)
    assert len(scenarios.list_all(path)) == 3


def test_concurrent_saves_never_pass_the_limit(tmp_path):
    import threading

    path = tmp_path / "s.duckdb"
    scenarios.list_all(path)  # the file exists before the race
    refused: list[str] = []
    errors: list[BaseException] = []

    def worker(i: int) -> None:
        for j in range(4):
            try:
                scenarios.save(path, f"w{i}-{j}", "health", [], limit=7)
            except scenarios.ScenarioLimitError:
                refused.append(f"w{i}-{j}")
            except BaseException as exc:  # noqa: BLE001 (reported below)
                errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors, errors
    assert len(scenarios.list_all(path)) == 7 and len(refused) == 6 * 4 - 7


def test_limits_come_from_the_environment():
    assert scenarios.max_total({}) == scenarios.DEFAULT_MAX_TOTAL == 500
    assert scenarios.max_per_session({}) == scenarios.DEFAULT_MAX_PER_SESSION == 20
    assert scenarios.max_total({scenarios.ENV_MAX_TOTAL: "7"}) == 7
    assert scenarios.max_per_session({scenarios.ENV_MAX_PER_SESSION: "-1"}) == 20


def test_processes_saving_at_once_never_fail_or_lose_a_scenario(tmp_path):
    """Several app processes share one scenarios file: each access holds the store's lock,
    so saves from three processes at once all land (DuckDB alone would refuse the second
    process's connection)."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    store = tmp_path / "scenarios.duckdb"
    code = ("import sys\nfrom etl import scenarios\n"
            "for i in range(15):\n"
            "    scenarios.save(sys.argv[1], f'{sys.argv[2]}-{i}', 'health', [])\n"
            "    scenarios.list_all(sys.argv[1])\n")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(store), f"p{k}"], cwd=root,
                              stderr=subprocess.PIPE, text=True) for k in range(3)]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    names = set(scenarios.list_all(store)["name"])
    assert names == {f"p{k}-{i}" for k in range(3) for i in range(15)}
