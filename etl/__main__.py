"""Command line: ``python -m etl build|load|validate|status|registers|withdraw|restore|demo|template|hash-password``.

Every subcommand works on ``data/equity.duckdb`` unless ``--db PATH`` says otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pandas as pd

from etl import db, locks, paths, schema

KINDS = sorted([*schema.REGISTER_KINDS, schema.ROADS_KIND])


def _progress(fraction: float, message: str) -> None:
    print(f"[{fraction:4.0%}] {message}", file=sys.stderr, flush=True)


def _parse_map(items: list[str] | None) -> dict[str, str]:
    """``--map 源列=field`` items as ``{source column: field}``.

    A malformed item (no ``=``, or an empty side) ends the command with a message in
    Chinese and English (exit status 2, as argparse's own errors); whether the field
    exists for the kind and the column in the file is checked by the load itself.

    >>> _parse_map(["学校全称 = name"])
    {'学校全称': 'name'}
    """
    out: dict[str, str] = {}
    for item in items or []:
        src, eq, fld = item.partition("=")
        src, fld = src.strip(), fld.strip()
        if not eq or not src or not fld:
            print(f"--map 应写成 源列=字段（例如 --map 学校全称=name），收到：{item!r}\n"
                  f"--map expects SOURCE=field (e.g. --map 学校全称=name), got: {item!r}",
                  file=sys.stderr)
            raise SystemExit(2)
        out[src] = fld
    return out


def _print_result(result, as_json: bool, extra: dict | None = None) -> None:
    if as_json:
        rej = result.rejects.to_dict(orient="records") if len(result.rejects) else []
        print(json.dumps({
            "file": result.file_name, "kind": result.kind, "sha256": result.sha256,
            "rows_read": result.rows_read, "rows_loaded": result.rows_loaded,
            "rows_rejected": result.rows_rejected, "load_id": result.load_id,
            "already_loaded": result.already_loaded, "notes": result.notes, "rejects": rej,
            "year": result.year, "scope": list(result.scope) if result.scope else None,
            "supersedes": result.supersedes, **(extra or {}),
        }, ensure_ascii=False, indent=2, default=str))
        return
    print(result.summary_zh())
    print(result.summary_en())
    for note in result.notes:
        print(f"  · {note}")
    if len(result.rejects):
        print("拒绝的行 / rejected rows:")
        for r in result.rejects.head(50).itertuples():
            where = f"{r.sheet}!" if r.sheet else ""
            print(f"  {where}第 {r.row_number} 行 row {r.row_number} [{r.column_name}]: "
                  f"{r.reason_zh} | {r.reason_en}")
        if len(result.rejects) > 50:
            print(f"  … {len(result.rejects) - 50} more (see the rejects table / Data page)")


#: Shortest admin password accepted by ``hash-password``.
MIN_PASSWORD_CHARS = 10


def _hash_password(user: str) -> int:
    """Ask for a password twice (not echoed) and print the secrets.toml lines for it."""
    import getpass
    import re

    from etl.passwords import hash_password

    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", user):
        print("--user: letters, digits, _ . - only (at most 64)", file=sys.stderr)
        return 1
    password = getpass.getpass("管理员密码 / admin password: ")
    if len(password) < MIN_PASSWORD_CHARS:
        print(f"密码至少 {MIN_PASSWORD_CHARS} 个字符 / the password needs at least "
              f"{MIN_PASSWORD_CHARS} characters", file=sys.stderr)
        return 1
    if getpass.getpass("再输入一次 / again: ") != password:
        print("两次输入不一致 / the two entries differ", file=sys.stderr)
        return 1
    print("# .streamlit/secrets.toml (never commit this file)")
    print("[admins]")
    print(f'{user} = "{hash_password(password)}"')
    return 0


def _parser() -> argparse.ArgumentParser:
    """The command line: its subcommands and their options."""
    ap = argparse.ArgumentParser(prog="python -m etl", description=__doc__)
    ap.add_argument("--db", default=str(paths.DEFAULT_DB), help="database file (default data/equity.duckdb)")
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="rebuild the database from data/ (atomic)")
    demo_flag = b.add_mutually_exclusive_group()
    demo_flag.add_argument("--no-demo", dest="demo", action="store_false", default=None,
                           help="leave out the generated (demo) registers: reference data and "
                                "the county's own loads only; kept by later builds "
                                "(marker file <db>.no-demo)")
    demo_flag.add_argument("--demo", dest="demo", action="store_true",
                           help="load the generated (demo) registers again (the default)")
    for name in ("load", "validate"):
        p = sub.add_parser(name, help=("load a register" if name == "load"
                                       else "check a register and report; changes nothing"))
        p.add_argument("file")
        p.add_argument("--kind", required=True, choices=KINDS)
        p.add_argument("--crs", default="wgs84", choices=["wgs84", "gcj02", "bd09"])
        p.add_argument("--type", metavar="TYPE",
                       help="one facility type for every row, e.g. --type care_home or 敬老院 "
                            "(default: the type column, else told from the names)")
        p.add_argument("--map", action="append", metavar="源列=field",
                       help="map a source column to a field, e.g. --map 学校全称=name")
        p.add_argument("--year", type=int, metavar="YEAR",
                       help="the register's year (default: the file's year column; required "
                            "when the file has none)")
        p.add_argument("--scope", metavar="乡镇,乡镇",
                       help="townships the register covers, e.g. --scope 任市镇,长岭镇 "
                            "(names, short names or codes; default the whole county)")
        p.add_argument("--json", action="store_true", help="print the result as JSON")
    sub.add_parser("status", help="row counts, loads and rejects")
    r = sub.add_parser("registers", help="list every register: kind, year, scope, rows, status")
    r.add_argument("--json", action="store_true", help="print the list as JSON")
    for name, what in (("withdraw", "withdraw a register (what it superseded comes back)"),
                       ("restore", "restore a withdrawn register (its supersession applies again)")):
        w = sub.add_parser(name, help=what)
        w.add_argument("register_id", type=int, metavar="ID", help="register id (etl registers)")
        w.add_argument("--json", action="store_true", help="print the result as JSON")
    d = sub.add_parser("demo", help="regenerate the synthetic registers of the default dataset")
    d.add_argument("--seed", type=int, default=2022)
    d.add_argument("--out", default=str(paths.REGISTERS))
    t = sub.add_parser("template", help="write a blank register template with the accepted headers")
    t.add_argument("--kind", required=True, choices=[k for k in KINDS if k not in ("boundaries", schema.ROADS_KIND)])
    t.add_argument("out")
    h = sub.add_parser("hash-password", help="make an admin password hash for .streamlit/secrets.toml")
    h.add_argument("--user", default="admin", help="account name (default admin)")
    # --db also after the subcommand (python -m etl build --db FILE); given there, it wins
    for p in sub.choices.values():
        p.add_argument("--db", default=argparse.SUPPRESS,
                       help="database file (default data/equity.duckdb)")
    return ap


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)

    if args.cmd == "hash-password":
        return _hash_password(args.user)

    from etl import pipeline
    from etl.readers import RegisterReadError

    if args.cmd in ("build", "load", "validate"):
        try:
            return _change(args, pipeline, RegisterReadError)
        except (locks.BusyError, db.DatabaseInUseError) as exc:
            print(f"{exc.zh}\n{exc.en}", file=sys.stderr)
            return locks.EXIT_BUSY
    if args.cmd in ("registers", "withdraw", "restore"):
        try:
            return _registers(args, RegisterReadError)
        except (locks.BusyError, db.DatabaseInUseError) as exc:
            print(f"{exc.zh}\n{exc.en}", file=sys.stderr)
            return locks.EXIT_BUSY
    if args.cmd == "demo":
        from etl import demo
        for path in demo.generate(Path(args.out), seed=args.seed):
            print(path)
        return 0
    if args.cmd == "template":
        from etl.templates import write_template
        write_template(args.kind, Path(args.out))
        print(args.out)
        return 0
    if args.cmd == "status":
        return _status(args.db)
    return 0


def _status(db_path: str) -> int:
    """``status``: row counts, loads and facility rows by kind."""
    if not Path(db_path).exists():
        print(f"no database at {db_path}; run: python -m etl build", file=sys.stderr)
        return 1
    con = db.connect(db_path, read_only=True)
    try:
        demo = db.uses_demo(db_path)
        print(json.dumps({**db.status(con), "demo": demo}, ensure_ascii=False, indent=2))
        print(_demo_line(demo, db_path))
        loads = con.execute("SELECT load_id, file_name, kind, rows_read, rows_loaded, "
                            "rows_rejected, loaded_at FROM loads ORDER BY load_id").df()
        print(loads.to_string(index=False))
        from etl import registers
        kinds = pd.DataFrame(registers.kind_summary(con))
        print("\n设施行数：示例/真实，有效/无效 / facility rows: generated/real, active/inactive")
        print(kinds.to_string(index=False))
    finally:
        con.close()
    return 0


def _demo_line(demo: bool, db_path: str) -> str:
    """What the status says about the demo switch, in Chinese and English."""
    if demo:
        return ("示例数据：构建时导入生成的示例登记表（data/registers/manifest.csv）；"
                "python -m etl build --no-demo 可只用参考数据和本县登记表\n"
                "demo data: builds load the generated registers (data/registers/manifest.csv); "
                "python -m etl build --no-demo uses the reference data and the county's own "
                "registers only")
    marker = db.demo_marker(db_path).name
    return (f"示例数据：不使用（--no-demo，标记文件 {marker}）：只有参考数据和本县导入的登记表；"
            "python -m etl build --demo 恢复示例数据\n"
            f"demo data: off (--no-demo, marker file {marker}): the reference data and the "
            "county's own registers only; python -m etl build --demo brings the demo back")


def _who() -> str:
    """Who runs the command, for the register log: ``cli:<login>``."""
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _registers(args: argparse.Namespace, read_error: type[Exception]) -> int:
    """``registers`` (read-only), ``withdraw ID`` and ``restore ID`` (through the writer)."""
    from etl import registers

    if args.cmd == "registers":
        db.ensure(args.db, progress=_progress, on_wait=_waiting)
        con = db.connect(args.db, read_only=True)
        try:
            rows = registers.list_registers(con)
        finally:
            con.close()
        if args.json:
            print(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
            return 0
        frame = pd.DataFrame(rows, columns=[
            "register_id", "kind", "year", "scope_names", "rows", "rows_shown", "status",
            "is_synthetic", "file_name", "loaded_at", "superseded_by"])
        frame["is_synthetic"] = frame["is_synthetic"].map({True: "示例 generated",
                                                           False: "真实 real"})
        frame["superseded_by"] = frame["superseded_by"].map(
            lambda ids: ",".join(map(str, ids)) or "-")
        frame["year"] = frame["year"].map(lambda y: "-" if pd.isna(y) else str(int(y)))
        print(frame.rename(columns={"register_id": "id", "scope_names": "scope",
                                    "rows_shown": "shown", "is_synthetic": "data",
                                    "file_name": "file"}).to_string(index=False))
        return 0
    try:
        with db.writing(args.db, what=f"etl {args.cmd} {args.register_id}", progress=_progress,
                        on_wait=_waiting) as change:
            act = registers.withdraw if args.cmd == "withdraw" else registers.restore
            out = act(change.con, args.register_id, who=_who(), data_dir=Path(args.db).parent)
            if not out["changed"]:
                change.discard()
    except read_error as exc:
        print(f"{exc.zh}\n{exc.en}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=2, default=str))
    else:
        for note in out["notes"]:
            print(note)
    return 0


def _waiting(zh: str, en: str) -> None:
    print(f"{zh} / {en}", file=sys.stderr, flush=True)


def _change(args: argparse.Namespace, pipeline, read_error: type[Exception]) -> int:
    """build, load or validate: the writer lock held for build and load (waiting with a
    message for another writer), validate on a read-only connection."""
    if args.cmd == "build":
        t0 = time.perf_counter()
        summary = db.build(args.db, progress=_progress, on_wait=_waiting, demo=args.demo)
        print(json.dumps({**summary, "demo": db.uses_demo(args.db)}, ensure_ascii=False,
                         indent=2))
        print(_demo_line(db.uses_demo(args.db), args.db), file=sys.stderr)
        print(f"built {args.db} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        return 0
    if args.kind == schema.ROADS_KIND:
        return _roads(args, read_error)
    overrides = _parse_map(args.map)
    path = Path(args.file)

    def validate(con):
        return pipeline.process_file(con, path, args.kind, crs=args.crs, type=args.type,
                                     overrides=overrides, year=args.year, scope=args.scope,
                                     require_year=True), None

    def load(con):
        # the raw file is kept beside the database, under raw/<sha256>
        return pipeline.load_file(con, path, args.kind, crs=args.crs, type=args.type,
                                  overrides=overrides, data_dir=Path(args.db).parent,
                                  year=args.year, scope=args.scope, require_year=True,
                                  who=_who()), None

    return _validate_or_load(args, read_error, validate, load)


def _validate_or_load(args: argparse.Namespace, read_error: type[Exception], validate, load) -> int:
    """``validate`` on a read-only connection or ``load`` under the writer lock (waiting with a
    message for another writer; a file already loaded changes nothing); each returns the
    result and extra JSON for the summary. Read errors and bad input exit 1."""
    try:
        if args.cmd == "validate":
            db.ensure(args.db, progress=_progress, on_wait=_waiting)
            con = db.connect(args.db, read_only=True)
            try:
                result, extra = validate(con)
            finally:
                con.close()
        else:
            with db.writing(args.db, what=f"etl load {Path(args.file).name}", progress=_progress,
                            on_wait=_waiting) as change:
                result, extra = load(change.con)
                if result.already_loaded:
                    change.discard()
    except read_error as exc:
        print(f"{exc.zh}\n{exc.en}", file=sys.stderr)
        return 1
    except (ValueError, FileNotFoundError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    _print_result(result, args.json, extra)
    return 0


def _roads(args: argparse.Namespace, read_error: type[Exception]) -> int:
    """``validate``/``load --kind roads``: the network's counts, length by class and
    connectivity (:mod:`etl.road_store`); ``load`` needs ``--year``."""
    from etl import road_store

    unused = [o for o in ("type", "map", "scope") if getattr(args, o)]
    if unused or (args.cmd == "load" and args.year is None):
        print("道路登记表：需要 --year（导入时），不接受 --type、--map、--scope / roads: "
              "load needs --year; --type, --map and --scope do not apply", file=sys.stderr)
        return 2
    path = Path(args.file)

    def stats(out):
        result, net = out
        return result, {"roads": net.stats if net is not None else None}

    return _validate_or_load(
        args, read_error,
        lambda con: stats(road_store.process(con, path, crs=args.crs, year=args.year)),
        lambda con: stats(road_store.load_file(con, path, crs=args.crs, year=args.year,
                                               data_dir=Path(args.db).parent, who=_who())))


if __name__ == "__main__":
    sys.exit(main())
