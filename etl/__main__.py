"""Command line: ``python -m etl build|load|validate|status|demo|template|hash-password``.

Every subcommand works on ``data/equity.duckdb`` unless ``--db PATH`` says otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from etl import db, paths, schema

KINDS = sorted(schema.REGISTER_KINDS)


def _progress(fraction: float, message: str) -> None:
    print(f"[{fraction:4.0%}] {message}", file=sys.stderr, flush=True)


def _parse_map(items: list[str] | None) -> dict[str, str]:
    out = {}
    for item in items or []:
        if "=" not in item:
            raise SystemExit(f"--map expects 源列=field, got {item!r}")
        src, fld = item.split("=", 1)
        out[src.strip()] = fld.strip()
    return out


def _print_result(result, as_json: bool) -> None:
    if as_json:
        rej = result.rejects.to_dict(orient="records") if len(result.rejects) else []
        print(json.dumps({
            "file": result.file_name, "kind": result.kind, "sha256": result.sha256,
            "rows_read": result.rows_read, "rows_loaded": result.rows_loaded,
            "rows_rejected": result.rows_rejected, "load_id": result.load_id,
            "already_loaded": result.already_loaded, "notes": result.notes, "rejects": rej,
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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m etl", description=__doc__)
    ap.add_argument("--db", default=str(paths.DEFAULT_DB), help="database file (default data/equity.duckdb)")
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("build", help="rebuild the database from data/ (atomic)")
    for name in ("load", "validate"):
        p = sub.add_parser(name, help=("load a register" if name == "load"
                                       else "check a register and report; changes nothing"))
        p.add_argument("file")
        p.add_argument("--kind", required=True, choices=KINDS)
        p.add_argument("--crs", default="wgs84", choices=["wgs84", "gcj02", "bd09"])
        p.add_argument("--map", action="append", metavar="源列=field",
                       help="map a source column to a field, e.g. --map 学校全称=name")
        p.add_argument("--json", action="store_true", help="print the result as JSON")
    sub.add_parser("status", help="row counts, loads and rejects")
    d = sub.add_parser("demo", help="regenerate the synthetic registers of the default dataset")
    d.add_argument("--seed", type=int, default=2022)
    d.add_argument("--out", default=str(paths.REGISTERS))
    t = sub.add_parser("template", help="write a blank register template with the accepted headers")
    t.add_argument("--kind", required=True, choices=[k for k in KINDS if k != "boundaries"])
    t.add_argument("out")
    h = sub.add_parser("hash-password", help="make an admin password hash for .streamlit/secrets.toml")
    h.add_argument("--user", default="admin", help="account name (default admin)")
    args = ap.parse_args(argv)

    if args.cmd == "hash-password":
        return _hash_password(args.user)

    from etl import pipeline
    from etl.readers import RegisterReadError

    if args.cmd == "build":
        t0 = time.perf_counter()
        summary = db.build(args.db, progress=_progress)
        print(json.dumps(summary, ensure_ascii=False, indent=2))
        print(f"built {args.db} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        return 0
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
        if not Path(args.db).exists():
            print(f"no database at {args.db}; run: python -m etl build", file=sys.stderr)
            return 1
        con = db.connect(args.db, read_only=True)
        try:
            print(json.dumps(db.status(con), ensure_ascii=False, indent=2))
            loads = con.execute("SELECT load_id, file_name, kind, rows_read, rows_loaded, "
                                "rows_rejected, loaded_at FROM loads ORDER BY load_id").df()
            print(loads.to_string(index=False))
        finally:
            con.close()
        return 0

    # load / validate
    db.ensure(args.db, progress=_progress)
    con = db.connect(args.db, read_only=args.cmd == "validate")
    try:
        overrides = _parse_map(args.map)
        if args.cmd == "validate":
            result = pipeline.process_file(con, Path(args.file), args.kind, crs=args.crs,
                                           overrides=overrides)
        else:
            # the raw file is kept beside the database, under raw/<sha256>
            result = pipeline.load_file(con, Path(args.file), args.kind, crs=args.crs,
                                        overrides=overrides, data_dir=Path(args.db).parent)
    except RegisterReadError as exc:
        print(f"{exc.zh}\n{exc.en}", file=sys.stderr)
        return 1
    except (ValueError, FileNotFoundError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    finally:
        con.close()
    _print_result(result, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
