"""One cache contract for the app's loaders: one shared, read-only result per data key.

Every cached loader in ``ui/`` is decorated with :func:`cached`::

    @cached(max_entries=4)
    def frames(path: str | None = None) -> Mapping[str, pd.DataFrame]:
        ...

Keys
    A loader that reads the database has a parameter named ``path``: the data key
    (:func:`ui.data.data_key`, ``<path>#<version>[#y<year>]``). Left out (``None``), the
    decorator passes the key of the data on screen; a plain database path gets its version.
    With ``per_year=False`` the loader does not depend on the data year and the key loses its
    year. Mapping arguments are keyed by their sorted items (``{"a": 1, "b": 2}`` and
    ``{"b": 2, "a": 1}`` share an entry) and reach the loader as a new dict. A loader without
    ``path`` does not read the database (reference files).

Results
    The result is built once per key and process and kept by ``st.cache_resource`` (no
    pickling: every session gets the same objects) after :func:`freeze`: numpy arrays and
    the buffers of pandas frames, series and indexes are marked non-writeable; dicts (and
    mapping proxies) become :class:`FrozenDict` (a ``dict`` that refuses changes, still
    JSON- and plotly-ready), lists tuples, sets frozensets; the fields of dataclasses are
    frozen the same way. Each call then returns :func:`share` of it: a frame or series, at
    the top or as a direct value of the returned mapping, tuple or dataclass, is a new
    shallow copy, which pandas (>= 3, Copy-on-Write always on) copies before any write
    (measured: about 50 µs for the three tables of :func:`ui.data.frames`, where the
    ``st.cache_data`` this replaces unpickled a copy in about 300 µs).

So a caller may treat a result as its own: writing into an array or a frame's buffer raises
``ValueError``; assigning a column, a value (``.loc``), an index or ``attrs`` on a returned
frame changes the caller's copy only; a mapping or sequence refuses changes. Frames nested
deeper (in a mapping inside the result, such as ``IndicatorTable.summaries``) are the shared
objects: their buffers are read-only, but do not add columns to them (``assign`` first).

Clearing: ``st.cache_resource.clear()`` clears every loader, ``loader.clear()`` one.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import inspect
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import streamlit as st

__all__ = ["DATA_PARAM", "FrozenDict", "cached", "freeze", "share"]

#: The parameter of a loader that holds the data key.
DATA_PARAM = "path"

F = TypeVar("F", bound=Callable[..., Any])


class FrozenDict(dict):
    """A ``dict`` that refuses changes (``TypeError``); copies (``dict(d)``, ``{**d}``) are
    ordinary dicts.

    >>> d = FrozenDict(a=1)
    >>> d["a"], isinstance(d, dict), dict(d) == {"a": 1}
    (1, True, True)
    >>> d["b"] = 2
    Traceback (most recent call last):
    TypeError: a cached result is read-only: copy it first (dict(result))
    """

    __slots__ = ()

    def _refuse(self, *_args: Any, **_kwargs: Any) -> Any:
        raise TypeError("a cached result is read-only: copy it first (dict(result))")

    __setitem__ = __delitem__ = __ior__ = _refuse
    clear = popitem = update = _refuse

    def pop(self, key: Any, *default: Any) -> Any:
        """Refused, unless it changes nothing: a missing key with a default (plotly's
        serialiser does ``trace.pop("uid", None)``)."""
        if key in self or not default:
            self._refuse()
        return default[0]

    def setdefault(self, key: Any, default: Any = None) -> Any:  # noqa: ARG002 - dict's signature
        """The value of ``key``; refused when it would add one."""
        if key not in self:
            self._refuse()
        return self[key]

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenDict, (dict(self),))

    def __copy__(self) -> FrozenDict:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenDict:
        return self


_PANDAS = (pd.DataFrame, pd.Series)


def _lock_buffers(obj: pd.DataFrame | pd.Series | pd.Index) -> None:
    """Mark the numpy buffers under a pandas object non-writeable (extension arrays keep
    theirs in ``_ndarray``, ``_data``/``_mask`` or ``_codes``; Arrow arrays are immutable)."""
    if isinstance(obj, pd.RangeIndex | pd.MultiIndex):
        return  # computed or made of other indexes: nothing to write into
    arrays = [obj._data] if isinstance(obj, pd.Index) else [b.values for b in obj._mgr.blocks]
    for arr in arrays:
        for buf in (arr, *(getattr(arr, a, None) for a in ("_ndarray", "_data", "_mask", "_codes"))):
            if isinstance(buf, np.ndarray):
                buf.setflags(write=False)


def freeze(obj: Any, _memo: dict[int, Any] | None = None) -> Any:
    """``obj`` made read-only, in place where it can be (arrays, pandas buffers, dataclass
    fields) and as a read-only equivalent otherwise (dict, list, set). Objects of other types
    are returned as they are, and so are objects whose class declares ``shared_safe = True``
    (they guard their own state, like :class:`metrics.network.NetworkModel`).

    >>> a = freeze(np.zeros(2))
    >>> a.flags.writeable
    False
    >>> freeze({"x": [1, [2]]})
    {'x': (1, (2,))}
    """
    memo = {} if _memo is None else _memo
    if id(obj) in memo:
        return memo[id(obj)]
    out = obj
    if isinstance(obj, np.ndarray):
        obj.setflags(write=False)
    elif isinstance(obj, (*_PANDAS, pd.Index)):
        _lock_buffers(obj)
        if isinstance(obj, pd.DataFrame | pd.Series):
            _lock_buffers(obj.index)
    elif isinstance(obj, FrozenDict) or getattr(type(obj), "shared_safe", False):
        pass  # frozen already (a result of another loader), or guards its own state (a travel
        # model: read-only arrays, its memo of searches behind a lock)
    elif isinstance(obj, dict | MappingProxyType):
        out = FrozenDict((k, freeze(v, memo)) for k, v in obj.items())
    elif isinstance(obj, list):
        out = tuple(freeze(v, memo) for v in obj)
    elif isinstance(obj, tuple):
        items = [freeze(v, memo) for v in obj]
        if any(a is not b for a, b in zip(items, obj, strict=True)):
            out = type(obj)._make(items) if hasattr(obj, "_fields") else tuple(items)
    elif isinstance(obj, set):
        out = frozenset(obj)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        memo[id(obj)] = obj
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            frozen = freeze(value, memo)
            if frozen is not value:
                object.__setattr__(obj, f.name, frozen)
    memo[id(obj)] = out
    return out


def share(obj: Any) -> Any:
    """What one call of a loader returns of a frozen result: frames and series (the result,
    or a direct value of the returned mapping, tuple or dataclass) as new shallow copies,
    the rest as it is. Cheap: a few microseconds per frame."""
    if isinstance(obj, _PANDAS):
        return obj.copy(deep=False)
    if isinstance(obj, FrozenDict):
        if any(isinstance(v, _PANDAS) for v in obj.values()):
            return FrozenDict((k, share(v) if isinstance(v, _PANDAS) else v) for k, v in obj.items())
        return obj
    if isinstance(obj, tuple) and any(isinstance(v, _PANDAS) for v in obj):
        items = [share(v) if isinstance(v, _PANDAS) else v for v in obj]
        return type(obj)._make(items) if hasattr(obj, "_fields") else tuple(items)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type) and hasattr(obj, "__dict__"):
        names = [f.name for f in dataclasses.fields(obj) if isinstance(getattr(obj, f.name), _PANDAS)]
        if names:
            out = copy.copy(obj)
            for name in names:
                object.__setattr__(out, name, getattr(obj, name).copy(deep=False))
            return out
    return obj


def _keyed(value: Any) -> Any:
    """An argument as the cache sees it: a mapping as a dict of its sorted items."""
    if isinstance(value, Mapping):
        try:
            return dict(sorted(value.items()))
        except TypeError:  # keys that do not sort: keep their order
            return dict(value.items())
    return value


def cached(*, max_entries: int, ttl: float | None = 3600, spinner: bool | str = False,
           per_year: bool = True) -> Callable[[F], F]:
    """Cache a loader under the contract of this module (see the module docstring).

    ``max_entries``/``ttl`` (seconds, ``None``: no expiry) bound the cache; ``spinner`` is
    shown while the result is built (``True``: Streamlit's text, or a text of ours);
    ``per_year=False``: the loader reads only what does not depend on the data year, its
    key is the database version alone.
    """

    def decorate(fn: F) -> F:
        sig = inspect.signature(fn)
        keyed = DATA_PARAM in sig.parameters

        @functools.wraps(fn)
        def build(*args: Any, **kwargs: Any) -> Any:
            return freeze(fn(*args, **kwargs))

        # functools.wraps gives ``build`` the loader's module, name and source (through
        # ``__wrapped__``): Streamlit keys a function's cache by these
        stored = st.cache_resource(max_entries=max_entries, ttl=ttl, show_spinner=spinner)(build)

        @functools.wraps(fn)
        def loader(*args: Any, **kwargs: Any) -> Any:
            bound = sig.bind(*args, **kwargs)
            bound.apply_defaults()
            values = bound.arguments
            if keyed:
                values[DATA_PARAM] = _data_key(values[DATA_PARAM], per_year)
            for name, value in values.items():
                values[name] = _keyed(value)
            return share(stored(*bound.args, **bound.kwargs))

        loader.clear = stored.clear  # type: ignore[attr-defined]
        return loader  # type: ignore[return-value]

    return decorate


def _data_key(given: str | None, per_year: bool) -> str:
    from ui.data import data_key, version_key

    if given is None:
        return data_key() if per_year else data_key(year=None)
    if "#" not in given:
        return data_key(given) if per_year else data_key(given, year=None)
    return given if per_year else version_key(given)
