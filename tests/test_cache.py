"""The cache contract (``ui.cache``): cached results are read-only or the caller's own copy,
one session's change never reaches another, and keys follow the data's version and year.

The real loaders of ``ui.data``, ``ui.frame`` and ``ui.registers`` on a real database (a
private copy of the built one), through the real Streamlit caches.
"""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from etl import db
from ui import data as ui_data
from ui import frame as ui_frame
from ui import registers as ui_registers
from ui.cache import FrozenDict, cached, freeze, share


@pytest.fixture
def db_copy(built_db: Path, tmp_path: Path, monkeypatch) -> Path:
    """A private copy of the built database as the app's database, every cache empty."""
    path = tmp_path / "equity.duckdb"
    shutil.copyfile(built_db, path)
    monkeypatch.setenv("EQUITY_DB", str(path))
    st.cache_resource.clear()
    yield path
    ui_data.close_all()
    st.cache_resource.clear()


# -- freeze and share, on plain objects -----------------------------------------------------------

def test_pandas_copies_on_write():
    """A shared frame's copies are safe only with Copy-on-Write, always on from pandas 3."""
    assert int(pd.__version__.split(".")[0]) >= 3


def _frame() -> pd.DataFrame:
    return pd.DataFrame({
        "x": [1.0, 2.0, 3.0], "n": [1, 2, 3], "s": ["a", "b", "c"],
        "t": pd.to_datetime(["2020-01-01", "2021-01-01", "2022-01-01"]),
        "c": pd.Categorical(["u", "r", "u"]), "i": pd.array([1, None, 3], dtype="Int64"),
    }, index=pd.Index(["u1", "u2", "u3"], name="code"))


#: Every way of changing a frame we know of: each raises or stays in the caller's copy.
MUTATIONS = {
    "assign column": lambda f: f.__setitem__("x", 0.0),
    "add column": lambda f: f.__setitem__("new", 1),
    "drop column": lambda f: f.drop(columns="x", inplace=True),
    "loc value": lambda f: f.loc.__setitem__(("u1", "x"), 99.0),
    "iloc value": lambda f: f.iloc.__setitem__((0, 1), 99),
    "series value": lambda f: f["x"].__setitem__("u1", 99.0),
    "array value": lambda f: f["x"].array.__setitem__(0, 99.0),
    "datetime array": lambda f: f["t"].array.__setitem__(0, pd.Timestamp("2000-01-01")),
    "nullable array": lambda f: f["i"].array.__setitem__(0, 7),
    "categorical array": lambda f: f["c"].array.__setitem__(0, "r"),
    "string array": lambda f: f["s"].array.__setitem__(0, "z"),
    "numpy view": lambda f: f["x"].to_numpy().__setitem__(0, 99.0),
    "sort in place": lambda f: f.sort_values("x", ascending=False, inplace=True),
    "fillna in place": lambda f: f.fillna({"i": 0}, inplace=True),
    "index name": lambda f: setattr(f.index, "name", "other"),
    "index values": lambda f: f.index.array.__setitem__(0, "zz"),
    "columns": lambda f: setattr(f, "columns", [f"c{i}" for i in range(f.shape[1])]),
    "attrs": lambda f: f.attrs.__setitem__("note", 1),
}


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning")
@pytest.mark.parametrize("how", sorted(MUTATIONS))
def test_a_shared_frame_never_changes(how):
    stored = freeze(_frame())
    got = share(stored)
    with contextlib.suppress(ValueError, TypeError):
        MUTATIONS[how](got)
    pd.testing.assert_frame_equal(stored, _frame())
    assert stored.index.name == "code" and not stored.attrs


def test_freeze_makes_containers_and_arrays_read_only():
    @dataclasses.dataclass(frozen=True)
    class Result:
        frame: pd.DataFrame
        arr: np.ndarray
        parts: dict
        names: list

    r = freeze(Result(_frame(), np.arange(3.0), {"a": {"b": [1, 2]}}, ["x"]))
    with pytest.raises(ValueError):
        r.arr[0] = 1.0
    view = r.arr[1:]
    with pytest.raises(ValueError):
        view[0] = 1.0  # a view of a read-only array is read-only too
    assert isinstance(r.parts, FrozenDict) and isinstance(r.parts, dict)
    with pytest.raises(TypeError):
        r.parts["c"] = 1
    with pytest.raises(TypeError):
        r.parts["a"].update(b=3)
    assert r.parts["a"]["b"] == (1, 2) and r.names == ("x",)
    # each call gets its own frame of a dataclass, the rest is shared
    a, b = share(r), share(r)
    assert a.frame is not b.frame and a.arr is b.arr and a.parts is b.parts
    a.frame["new"] = 1
    assert "new" not in b.frame.columns and "new" not in r.frame.columns
    # a read-only dict is still a dict to JSON, pickle and copies
    import copy
    import json
    import pickle

    assert json.loads(json.dumps(r.parts)) == {"a": {"b": [1, 2]}}
    assert pickle.loads(pickle.dumps(r.parts)) == r.parts
    assert copy.deepcopy(r.parts) == r.parts and dict(r.parts) == {"a": {"b": (1, 2)}}


def test_loaders_do_not_share_a_cache():
    """Two decorated functions with the same arguments keep their own entries (Streamlit keys
    a cache by the function's module, name and source)."""
    calls = []

    @cached(max_entries=2)
    def one(x: int) -> list:
        calls.append("one")
        return [x]

    @cached(max_entries=2)
    def two(x: int) -> list:
        calls.append("two")
        return [x, x]

    assert one(1) == (1,) and two(1) == (1, 1) and one(1) == (1,)
    assert calls == ["one", "two"]
    one.clear()
    assert one(1) == (1,) and calls == ["one", "two", "one"]


# -- the real loaders ---------------------------------------------------------------------------

#: The same changes on the ``units`` table as the database gives it.
UNIT_MUTATIONS = {
    "assign column": lambda f: f.__setitem__("population", 0),
    "add column": lambda f: f.__setitem__("new", 1),
    "drop column": lambda f: f.drop(columns="population", inplace=True),
    "loc value": lambda f: f.loc.__setitem__((0, "name"), "改"),
    "iloc value": lambda f: f.iloc.__setitem__((0, 0), "x"),
    "array value": lambda f: f["lon"].array.__setitem__(0, 0.0),
    "string array": lambda f: f["name"].array.__setitem__(0, "改"),
    "numpy view": lambda f: f["lat"].to_numpy().__setitem__(0, 0.0),
    "sort in place": lambda f: f.sort_values("population", inplace=True),
    "index name": lambda f: setattr(f.index, "name", "other"),
    "columns": lambda f: setattr(f, "columns", [f"c{i}" for i in range(f.shape[1])]),
}


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning")
@pytest.mark.parametrize("how", sorted(UNIT_MUTATIONS))
@pytest.mark.usefixtures("db_copy")
def test_changing_a_loaded_table_does_not_reach_the_next_call(how):
    f = ui_data.frames()
    units = f["units"].copy(deep=True)
    with contextlib.suppress(ValueError, TypeError):
        UNIT_MUTATIONS[how](f["units"])
    with pytest.raises(TypeError):
        f["units"] = units  # the mapping refuses
    pd.testing.assert_frame_equal(ui_data.frames()["units"], units)


@pytest.mark.usefixtures("db_copy")
def test_indicator_results_are_read_only():
    p = ui_data.prepared()
    with pytest.raises(ValueError):
        p.located[0] = not p.located[0]
    table = ui_data.indicator_table()
    key = table.values.columns[0]
    before = table.values[key].copy()
    with pytest.raises(ValueError):
        table.values[key].array[0] = -1.0
    table.values[key] = -1.0  # the caller's copy only
    table.county.loc[key, "value"] = -1.0
    again = ui_data.indicator_table()
    pd.testing.assert_series_equal(again.values[key], before)
    assert again.county.loc[key, "value"] != -1.0
    with pytest.raises(TypeError):
        again.summaries[key]["urban_rural"]["gini"] = 0.0
    with pytest.raises(TypeError):
        ui_data.status()["units"] = 0
    with pytest.raises(TypeError):
        ui_data.boundaries()["unit"]["features"][0]["id"] = "x"
    facts = ui_frame.data_facts()
    with pytest.raises(AttributeError):
        facts["years"].append(1900)
    regs = ui_registers.registers()
    with pytest.raises(TypeError):
        regs[0]["status"] = "withdrawn"


def test_keys_follow_the_database_version_and_the_year(db_copy):
    key = ui_data.data_key()
    assert key.startswith(f"{db_copy}#") and ui_data.year_of(key) is None
    # left out, given, or given as a plain path: one entry (each call its own shallow copy)
    a, b = ui_data.frames()["units"], ui_data.frames(key)["units"]
    assert a is not b and np.shares_memory(a["population"].to_numpy(), b["population"].to_numpy())
    assert ui_data.indicator_table().summaries is ui_data.indicator_table(None, key).summaries
    assert ui_data.status() is ui_data.status(str(db_copy))
    # mappings are keyed by their items, in any order
    over = {"speed_walk_kmh": 4.0, "speed_car_kmh": 30.0, "detour_factor": 1.2}
    assert (ui_data.indicator_table(over).summaries
            is ui_data.indicator_table(dict(reversed(over.items()))).summaries)
    # a loader of the database version only ignores the year; others follow it
    years = ui_data.data_years()
    assert years
    assert ui_registers.registers(f"{key}#y{years[0]}") is ui_registers.registers()
    assert ui_data.data_key(year=years[0]) == f"{key}#y{years[0]}"
    # a new version of the file: a new key and new results
    first = ui_data.frames()["townships"]
    code = str(first["code"].iloc[0])
    with db.writing(db_copy) as change:
        change.con.execute("UPDATE townships SET name = ? WHERE code = ?", ["新名", code])
    new_key = ui_data.data_key()
    assert new_key != key and new_key.startswith(f"{db_copy}#")
    assert ui_data.frames()["townships"]["name"].iloc[0] == "新名"
    assert first["name"].iloc[0] != "新名"
    # clearing every cache clears the loaders
    summaries = ui_data.indicator_table().summaries
    st.cache_resource.clear()
    assert ui_data.indicator_table().summaries is not summaries


def _mutating_app() -> None:
    import streamlit as st

    from ui.data import frames, indicator_table

    f = frames()
    units = f["units"]
    st.session_state.setdefault("runs", 0)
    st.write(f"population {int(units['population'].sum())}")
    st.write(f"columns {','.join(units.columns)}")
    # the first session changes what it got, as a careless page would
    if st.query_params.get("mutate"):
        units["population"] = 0
        units["mark"] = 1
        units.loc[units.index[0], "name"] = "改"
        table = indicator_table()
        table.values[table.values.columns[0]] = -1.0
        try:
            units["lon"].array[0] = 0.0
        except ValueError:
            st.write("array refused")


@pytest.mark.usefixtures("db_copy")
def test_two_sessions_never_see_each_others_changes():
    first = AppTest.from_function(_mutating_app, default_timeout=120)
    first.query_params["mutate"] = "1"
    first.run()
    assert not first.exception, [e.value for e in first.exception]
    texts = [m.value for m in first.markdown]
    assert "array refused" in texts
    population, columns = texts[0], texts[1]
    second = AppTest.from_function(_mutating_app, default_timeout=120)
    second.run()
    assert not second.exception
    assert [m.value for m in second.markdown][:2] == [population, columns]
    assert "mark" not in columns and population != "population 0"
    # and the first session itself gets the table untouched on its next run
    first.query_params["mutate"] = ""
    first.run()
    assert [m.value for m in first.markdown][:2] == [population, columns]
    values = ui_data.indicator_table().values
    assert (values[values.columns[0]] != -1.0).any()


def test_every_cached_loader_goes_through_the_one_contract():
    """No module but ui/cache.py calls Streamlit's cache decorators itself."""
    root = Path(__file__).resolve().parent.parent
    files = [*root.glob("ui/*.py"), *root.glob("views/*.py"), root / "app.py"]
    direct = [p.name for p in files if p.name != "cache.py"
              and ("st.cache_data(" in p.read_text(encoding="utf-8")
                   or "st.cache_resource(" in p.read_text(encoding="utf-8"))]
    assert not direct
