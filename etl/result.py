"""What a load (or a validation) did: :class:`LoadResult`."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa

from etl.columns import STR_TYPES


@dataclass
class LoadResult:
    """What a load (or a validation) did.

    ``table`` holds every row read, in canonical fields, with ``_keep`` true for
    the rows that load; ``clean`` is those rows as a DataFrame (built on first use).
    """

    file_name: str
    kind: str
    sha256: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    load_id: int | None = None
    already_loaded: bool = False
    rejects: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes: list[str] = field(default_factory=list)
    table: pa.Table | None = field(default=None, repr=False)
    #: Facility registers: the year, the scope (township codes; None: the whole county) and
    #: what the load supersedes (:func:`etl.registers.preview`).
    year: int | None = None
    scope: tuple[str, ...] | None = None
    supersedes: list[dict] = field(default_factory=list)
    _clean: pd.DataFrame | None = field(default=None, init=False, repr=False)

    @property
    def clean(self) -> pd.DataFrame:
        """The rows that load, in canonical fields (plus ``_row`` and ``_sheet``)."""
        if self._clean is None:
            if self.table is None:
                self._clean = pd.DataFrame()
            else:
                good = self.table.filter(self.table["_keep"]).drop_columns(["_keep"])
                good = pa.table({k: c.cast(pa.string()) if pa.types.is_dictionary(c.type) else c
                                 for k, c in zip(good.column_names, good.columns, strict=True)})
                self._clean = good.to_pandas(types_mapper=STR_TYPES.get)
        return self._clean

    @clean.setter
    def clean(self, frame: pd.DataFrame) -> None:
        self._clean = frame

    def summary_zh(self) -> str:
        if self.already_loaded:
            return f"{self.file_name}：该文件已导入过（批次 {self.load_id}），未重复导入。"
        return (f"{self.file_name}：读取 {self.rows_read} 行，导入 {self.rows_loaded} 行，"
                f"拒绝 {self.rows_rejected} 行。")

    def summary_en(self) -> str:
        if self.already_loaded:
            return f"{self.file_name}: already loaded (load {self.load_id}); nothing added."
        return (f"{self.file_name}: read {self.rows_read}, loaded {self.rows_loaded}, "
                f"rejected {self.rows_rejected}.")
