"""Rows that repeat a facility's id, or a population register's unit, within one file.

A file holds each facility (by its id, or an id derived from its type, name and township)
and each unit once: the first row is kept, the repeats are rejected. Ids kept from
earlier sheets and parts count too, so a file validated in parts gives the result of the
whole.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from etl import schema
from etl.columns import to_arrow
from etl.rejects import Errors


def facility_ids(clean: dict, good: np.ndarray, kind: str) -> pa.Array:
    """The register's own id, else (for the good rows) a stable id derived from type, name
    and township."""
    ids = to_arrow(clean["id_raw"]).cast(pa.string())
    missing = pc.fill_null(pc.equal(ids, ""), True).to_numpy(zero_copy_only=False) & good
    if missing.any():
        sel = pa.array(np.flatnonzero(missing))
        sub = pd.DataFrame({
            "type": to_arrow(clean["type"]).take(sel).to_pandas(),
            "name": to_arrow(clean["name"]).take(sel).to_pandas(),
            "township_code": clean["township_code"].take(np.flatnonzero(missing)),
        }).astype("string").fillna("")
        hashes = pd.util.hash_pandas_object(sub, index=False).to_numpy()
        derived = pa.array([f"{kind[:3].upper()}-{h:016x}" for h in hashes], pa.string())
        ids = pc.replace_with_mask(ids, pa.array(missing), derived)
    return ids


def repeated(arr: pa.Array) -> np.ndarray:
    """True where a value appeared earlier in ``arr`` (nulls count as one value)."""
    n = len(arr)
    # registers are often sorted by id: strictly increasing values cannot repeat
    if n > 1 and arr.null_count == 0 and pc.all(
            pc.greater(arr.slice(1), arr.slice(0, n - 1))).as_py():
        return np.zeros(n, dtype=bool)
    idx = pc.fill_null(pc.dictionary_encode(arr).indices, -1).to_numpy(zero_copy_only=False)
    idx = idx.astype(np.int64) + 1
    order = np.arange(n)
    first = np.full(int(idx.max(initial=0)) + 1, n)
    np.minimum.at(first, idx, order)
    return first[idx] != order


class KeptIds:
    """Ids kept so far in this file (from earlier sheets and parts), to reject repeats."""

    def __init__(self) -> None:
        self.parts: list[pa.Array] = []
        self.max: str | None = None

    def contains(self, ids: pa.Array) -> np.ndarray:
        """True where an id (no nulls) was kept before."""
        if not self.parts or not len(ids):
            return np.zeros(len(ids), dtype=bool)
        # registers are often sorted by id: ids all above every kept one cannot repeat
        if pc.min(ids).as_py() > self.max:
            return np.zeros(len(ids), dtype=bool)
        kept = self.parts[0] if len(self.parts) == 1 else pa.concat_arrays(self.parts)
        return pc.fill_null(pc.is_in(ids, value_set=kept), False).to_numpy(zero_copy_only=False)

    def add(self, ids: pa.Array) -> None:
        if len(ids):
            self.parts.append(ids)
            top = pc.max(ids).as_py()
            self.max = top if self.max is None else max(self.max, top)


class Repeats:
    """Rejects, part after part of one file, the rows that repeat a kept id (facilities) or
    unit (population)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.ids = KeptIds()
        self.units: list[str] = []

    def reject(self, clean: dict, errors: Errors, bad: np.ndarray,
               mapping: dict[str, str]) -> None:
        """Add the repeats among the rows not ``bad`` to ``errors`` and mark them ``bad``;
        a facility part gets its ids (``clean["id"]``)."""
        good = np.flatnonzero(~bad)
        if self.kind in schema.FACILITY_KINDS:
            dup = self._facilities(clean, errors, bad, good, mapping)
        else:
            dup = self._units(clean, errors, good, mapping)
        bad[good[dup]] = True

    def _facilities(self, clean: dict, errors: Errors, bad: np.ndarray, good: np.ndarray,
                    mapping: dict[str, str]) -> np.ndarray:
        ids = facility_ids(clean, ~bad, self.kind)
        good_ids = ids if len(good) == len(bad) else ids.take(pa.array(good))
        dup = repeated(good_ids) | self.ids.contains(good_ids)
        dup_col = next((s for s, f in mapping.items() if f == "id"), "名称")
        if dup.any():
            errors.add_at(good[dup], dup_col, "duplicate_id",
                          good_ids.filter(pa.array(dup)).to_pylist())
        clean["id"] = ids
        self.ids.add(good_ids.filter(pa.array(~dup)) if dup.any() else good_ids)
        return dup

    def _units(self, clean: dict, errors: Errors, good: np.ndarray,
               mapping: dict[str, str]) -> np.ndarray:
        codes = pd.Series(clean["code"].take(good), dtype=object)
        dup = codes.duplicated().to_numpy() | codes.isin(self.units).to_numpy()
        self.units += codes[~dup].tolist()
        dup_col = next((s for s, f in mapping.items() if f in ("unit", "unit_code")),
                       "村（社区）")
        if dup.any():
            errors.add_at(good[dup], dup_col, "duplicate_unit", codes[dup].tolist())
        return dup
