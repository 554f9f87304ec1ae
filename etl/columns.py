"""Columns of a sheet being validated: their text as arrow, and columns of a few coded values.

A register's cells are arrow-backed text; a validated column is a numpy array, an arrow
array or a :class:`Coded` column of a handful of distinct strings, and goes to arrow
(:func:`to_arrow`) to be written.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from etl import values
from etl.raw_sheet import RawSheet

#: Arrow text types as pandas' arrow-backed ``str`` (NaN for null).
STR_TYPES = {pa.string(): pd.StringDtype("pyarrow", na_value=np.nan),
             pa.large_string(): pd.StringDtype("pyarrow", na_value=np.nan)}


def source_column(sheet: RawSheet, mapping: dict[str, str],
                  fld: str) -> tuple[str | None, pa.Array]:
    """The source column mapped to ``fld`` and its text as arrow (all null when absent)."""
    for src, f in mapping.items():
        if f == fld:
            return src, values.as_arrow(sheet.frame[src])
    return None, pa.nulls(len(sheet.frame), pa.large_string())


def encode(arr: pa.Array) -> tuple[np.ndarray, list]:
    """Per row the index of its distinct value (-1 for null), and the distinct values."""
    enc = pc.dictionary_encode(arr)
    idx = pc.fill_null(enc.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    return idx, enc.dictionary.to_pylist()


def spread(per_value: list, idx: np.ndarray) -> np.ndarray:
    """Values given per distinct value, for every row (``None`` where ``idx`` is -1)."""
    return np.array([*per_value, None], dtype=object)[idx]


class Coded:
    """A column of a few distinct strings: per row an index into ``values``, -1 for none.

    Codes, types and location methods repeat a handful of values over a million rows;
    kept this way they are never materialised as Python objects per row, and they go
    to arrow (and DuckDB) as a dictionary column without factorising.

    >>> c = Coded.spread(["a", None, "b"], np.array([0, 1, 2, -1, 0]))
    >>> c.idx.tolist(), c.values
    ([0, -1, 1, -1, 0], ['a', 'b'])
    >>> c.put(np.array([1, 3]), ["b", "c"]); c.take(np.arange(5)).tolist()
    ['a', 'b', 'b', 'c', 'a']
    """

    __slots__ = ("_index", "idx", "values")

    def __init__(self, idx: np.ndarray, values: list) -> None:
        self.idx, self.values = idx, values
        self._index = {v: i for i, v in enumerate(values)}

    @classmethod
    def empty(cls, n: int) -> Coded:
        return cls(np.full(n, -1, dtype=np.int32), [])

    @classmethod
    def spread(cls, per_value: list, idx: np.ndarray) -> Coded:
        """Values given per distinct value (None allowed) for rows indexing them (-1: none)."""
        out = cls([], [])
        remap = np.append(out._codes_of(per_value), -1).astype(np.int32)
        out.idx = remap[idx]
        return out

    def _codes_of(self, objs: list) -> np.ndarray:
        """The index of each object (None -> -1), adding values not seen yet."""
        codes = np.empty(len(objs), dtype=np.int32)
        for i, v in enumerate(objs):
            if v is None or (not isinstance(v, str) and pd.isna(v)):
                codes[i] = -1
                continue
            k = self._index.get(v)
            if k is None:
                k = self._index[v] = len(self.values)
                self.values.append(v)
            codes[i] = k
        return codes

    def none(self) -> np.ndarray:
        return self.idx < 0

    def get(self, i: int) -> str | None:
        k = self.idx[i]
        return None if k < 0 else self.values[k]

    def take(self, pos: np.ndarray) -> np.ndarray:
        """Object array of the values at ``pos`` (None where none)."""
        return np.array([*self.values, None], dtype=object)[self.idx[pos]]

    def put(self, pos: np.ndarray, objs: object) -> None:
        """Set the rows ``pos`` to ``objs``, one value per position: a sequence, or a
        :class:`Coded` of the same length as ``pos``."""
        if isinstance(objs, Coded):
            remap = np.append(self._codes_of(objs.values), -1).astype(np.int32)
            self.idx[pos] = remap[objs.idx]
            return
        codes, uniques = pd.factorize(np.asarray(objs, dtype=object), use_na_sentinel=True)
        remap = np.append(self._codes_of(list(uniques)), -1).astype(np.int32)
        self.idx[pos] = remap[codes]

    def map(self, table: dict) -> Coded:
        """``table[v]`` for every row (none where absent), mapping each distinct value once."""
        return Coded.spread([table.get(v) for v in self.values], self.idx)

    def arrow(self) -> pa.DictionaryArray:
        return pa.DictionaryArray.from_arrays(
            pa.array(self.idx, mask=self.idx < 0), pa.array(self.values, pa.string()))


def visible(arr: pa.Array) -> pa.Array:
    """Texts without invisible characters (:func:`etl.values.strip_invisible`); empty -> null."""
    arr = values.strip_invisible(arr)
    empty = pc.fill_null(pc.equal(arr, ""), False)
    if not pc.any(empty).as_py():
        return arr
    return pc.if_else(empty, pa.scalar(None, arr.type), arr)


def to_arrow(v: object) -> pa.Array:
    """A column of the validated sheet as arrow (NaN -> null; object columns dictionary-encoded)."""
    if isinstance(v, Coded):
        return v.arrow()
    if isinstance(v, pa.ChunkedArray):
        return v.combine_chunks()
    if isinstance(v, pa.Array):
        return v
    v = np.asarray(v)
    if v.dtype == object:
        codes, uniques = pd.factorize(v, use_na_sentinel=True)
        return pa.DictionaryArray.from_arrays(
            pa.array(codes.astype(np.int32), mask=codes < 0), pa.array(list(uniques), pa.string()))
    return pa.array(v, from_pandas=True)


def text_column(s: pd.Series) -> pa.Array | pa.ChunkedArray:
    """A sheet column as arrow text without copying it (sheets hold arrow-backed ``str``)."""
    if isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow":
        return pa.array(s.array)
    return values.as_arrow(s)
