"""How facilities are stored: one table per domain behind the ``facilities`` view.

Each domain's table holds only the capacity fields its registers carry, so a load does not
write (and DuckDB does not compress) a dozen empty columns per row; readers see the
contract's ``facilities`` with every column, NULL where a domain has no such field.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from etl import aliases, db, pipeline, reference, schema, write
from tests.conftest import reference_db


@pytest.fixture
def con(tmp_path):
    c = reference_db(tmp_path / "t.duckdb")
    yield c
    c.close()


def _domain_of_kind(kind: str) -> str:
    domains = {schema.FACILITY_TYPES[t][0] for t in schema.REGISTER_KINDS[kind]}
    assert len(domains) == 1, f"{kind} holds types of several domains: {domains}"
    return domains.pop()


def test_every_field_a_register_carries_is_stored_in_its_domain_and_no_column_is_dead():
    contract = {c.name for c in schema.TABLES["facilities"]}
    carried: dict[str, set[str]] = {d: set() for d in schema.DOMAINS}
    for f in aliases.FIELDS:
        for kind in f.kinds:
            if kind in schema.FACILITY_KINDS and f.name in contract:
                carried[_domain_of_kind(kind)].add(f.name)
    for domain in schema.DOMAINS:
        stored = {c.name for c in schema.facility_storage(domain)}
        assert carried[domain] <= stored, (domain, carried[domain] - stored)
        # a domain-only field nobody of the domain can write would be an always-empty column
        assert set(schema.DOMAIN_FIELDS[domain]) <= carried[domain], domain
        assert not stored & {"domain", "tier"}
    # every column of the contract is stored somewhere, except the domain (the table says
    # it) and the tier (the type says it)
    stored_any = {c.name for d in schema.DOMAINS for c in schema.facility_storage(d)}
    assert contract - stored_any == {"domain", "tier"}


def test_the_view_derives_domain_and_tier_as_the_type_table_says(con):
    """One row of every facility type, inserted into its domain's table, reads back through
    the view with the domain and tier of :data:`schema.FACILITY_TYPES`."""
    for i, (ftype, (domain, _tier, _zh, _en)) in enumerate(schema.FACILITY_TYPES.items()):
        con.execute(f"INSERT INTO {schema.facility_table(domain)} (id, type, name) "
                    "VALUES (?, ?, ?)", [f"f{i:02d}", ftype, ftype])
    got = con.execute("SELECT type, domain, tier FROM facilities ORDER BY id").fetchall()
    assert got == [(t, v[0], v[1]) for t, v in schema.FACILITY_TYPES.items()]


def test_the_view_has_the_contract_columns_and_types_in_order(con):
    got = con.execute("DESCRIBE facilities").fetchall()
    assert [(r[0], r[1]) for r in got] == [
        (c.name, c.sql_type.split()[0]) for c in schema.TABLES["facilities"]]
    kinds = dict(con.execute(
        "SELECT table_name, table_type FROM information_schema.tables").fetchall())
    assert kinds["facilities"] == "VIEW"
    for d in schema.DOMAINS:
        assert kinds[schema.facility_table(d)] == "BASE TABLE"


def _point(town: str, d: float = 0.0) -> str:
    t = reference.townships().set_index("name")
    return f"{t.loc[town, 'lon'] + d:.6f},{t.loc[town, 'lat'] + d:.6f}"


def _write(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_a_register_lands_in_its_domain_table_and_reads_back_through_the_view(con, tmp_path):
    culture = _write(tmp_path / "culture.csv", "编号,名称,类型,乡镇,经度,纬度,座位数,周开放时长（小时）",
                     [f"WH-1,普安文化综合体,乡镇文化综合体,普安镇,{_point('普安镇')},300,56",
                      f"WH-2,任市图书馆分馆,图书馆分馆,任市镇,{_point('任市镇')},,42.5"])
    clinics = _write(tmp_path / "clinics.csv", "编号,名称,乡镇,经度,纬度,床位数,医生数",
                     [f"WS-1,甘棠卫生室,甘棠镇,{_point('甘棠镇')},2,1"])
    pipeline.load_file(con, culture, "culture", data_dir=tmp_path)
    pipeline.load_file(con, clinics, "clinics", data_dir=tmp_path)
    count = lambda t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: E731
    assert [count(schema.facility_table(d)) for d in schema.DOMAINS] == [0, 1, 0, 2]
    rows = con.execute("SELECT id, domain, type, tier, seats, hours_per_week, beds, doctors, "
                       "students, school_group FROM facilities ORDER BY id").fetchall()
    assert rows == [
        ("WH-1", "culture", "township_complex", "township", 300, 56.0, None, None, None, None),
        ("WH-2", "culture", "library_branch", "township", None, 42.5, None, None, None, None),
        ("WS-1", "health", "village_clinic", "village", None, None, 2, 1, None, None),
    ]


def test_an_id_loaded_again_under_another_domain_replaces_the_old_row(con, tmp_path):
    clinics = _write(tmp_path / "clinics.csv", "编号,名称,乡镇,经度,纬度",
                     [f"X-1,老卫生室,甘棠镇,{_point('甘棠镇')}", f"X-2,卫生室二,甘棠镇,{_point('甘棠镇', 0.01)}"])
    culture = _write(tmp_path / "culture.csv", "编号,名称,类型,乡镇,经度,纬度",
                     [f"X-1,改作文化中心,村级文化服务中心,甘棠镇,{_point('甘棠镇')}"])
    pipeline.load_file(con, clinics, "clinics", data_dir=tmp_path)
    pipeline.load_file(con, culture, "culture", data_dir=tmp_path)
    assert con.execute("SELECT id, domain, name FROM facilities ORDER BY id").fetchall() == [
        ("X-1", "culture", "改作文化中心"), ("X-2", "health", "卫生室二")]


def test_rows_of_two_domains_are_refused_by_the_insert(con):
    t = pa.table({"id": ["a", "b"], "type": ["village_clinic", "library"], "name": ["a", "b"],
                  "_keep": [True, True]})
    with pytest.raises(ValueError, match="one domain"):
        write.insert_facilities(con, t, "f.csv", 1, replace=False)
    t = pa.table({"id": ["a"], "type": ["no_such_type"], "name": ["a"], "_keep": [True]})
    with pytest.raises(ValueError, match="known type"):
        write.insert_facilities(con, t, "f.csv", 1, replace=False)


def test_a_database_of_the_older_single_table_layout_is_rebuilt(tmp_path):
    path = tmp_path / "old.duckdb"
    c = db.connect(path)
    for table, cols in schema.TABLES.items():  # every contract table stored as a table
        c.execute(f"CREATE TABLE {table} ({', '.join(f'{x.name} {x.sql_type}' for x in cols)})")
    c.execute("INSERT INTO townships (code, name) VALUES ('511723100', '新宁镇')")
    c.close()
    assert not db.is_usable(path)
    assert db.ensure(path)
    assert db.is_usable(path)
    c = db.connect(path, read_only=True)
    try:
        assert c.execute("SELECT table_type FROM information_schema.tables "
                         "WHERE table_name = 'facilities'").fetchone()[0] == "VIEW"
        assert c.execute("SELECT count(DISTINCT domain) FROM facilities").fetchone()[0] == 4
    finally:
        c.close()
