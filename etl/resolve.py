"""Resolve townships and villages written by people to their codes, and locate rows.

Townships are matched by code, full name, short name ("任市" for 任市镇) and
pre-2019 names through the change table (天师镇 → 回龙镇). Units (villages and
communities) are matched inside their township by code, full name
(新康社区居民委员会), name without the committee suffix (新康社区) or short name
(新康). Unknown names come back with the closest matches as suggestions.

Rows without coordinates are located through geopy: offline by default with
``GazetteerGeocoder`` over our own points, or with an online geocoder when one
is configured (Nominatim, or Baidu with a key, whose BD-09 answer is converted).
"""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from scipy.spatial import cKDTree

from etl.values import is_invisible

_PREFIX = re.compile(r"^(四川省)?(达州市)?(开江县)?")
_UNIT_SUFFIX = re.compile(r"(居民委员会|村民委员会|委员会|居委会|村委会)$")

#: Estimated precision (metres) of a point taken from the gazetteer.
PRECISION_M = {"unit": 1500.0, "township": 5000.0}


def normalise_name(text: object) -> str:
    r"""NFKC, no spaces and no invisible characters (zero-width, bidi controls, BOM, soft
    hyphen: :func:`etl.values.is_invisible`), without the province/city/county prefix.

    >>> normalise_name(" 开江县 任市镇 "), normalise_name("\u202e任\u200b市镇\ufeff")
    ('任市镇', '任市镇')
    """
    if text is None or (isinstance(text, float) and np.isnan(text)) or text is pd.NA:
        return ""
    s = unicodedata.normalize("NFKC", str(text))
    s = "".join(c for c in re.sub(r"\s+", "", s) if not is_invisible(c))
    return _PREFIX.sub("", s)


def _unit_keys(name: str, short: str) -> set[str]:
    base = _UNIT_SUFFIX.sub("", name)
    return {name, base, short, short + "村", short + "社区", base + "村委会", base + "居委会"}


@dataclass
class Gazetteer:
    """The townships and units with their names, codes and points (WGS-84)."""

    townships: pd.DataFrame  # code, name, short_name, lon, lat
    units: pd.DataFrame  # code, name, short_name, township_code, lon, lat
    aliases: pd.DataFrame  # alias, township_code, rule

    def __post_init__(self) -> None:
        self._town = {normalise_name(a): c for a, c in zip(self.aliases["alias"],
                                                             self.aliases["township_code"], strict=True)}
        self._town_names = dict(zip(self.townships["code"], self.townships["name"], strict=True))
        self._unit_in_town: dict[tuple[str, str], str] = {}
        county: dict[str, set[str]] = {}
        for u in self.units.itertuples():
            for key in _unit_keys(u.name, u.short_name):
                self._unit_in_town[(u.township_code, key)] = u.code
                county.setdefault(key, set()).add(u.code)
            self._unit_in_town[(u.township_code, u.code)] = u.code
            county.setdefault(u.code, set()).add(u.code)
        self._unit_county = {k: next(iter(v)) for k, v in county.items() if len(v) == 1}
        self._unit_town = dict(zip(self.units["code"], self.units["township_code"], strict=True))
        self._unit_names_by_town: dict[str, list[str]] = {}
        for u in self.units.itertuples():
            self._unit_names_by_town.setdefault(u.township_code, []).append(u.name)
        self._town_tree = {}
        for code, g in self.units.dropna(subset=["lon", "lat"]).groupby("township_code"):
            self._town_tree[code] = (cKDTree(np.c_[g["lon"].to_numpy() * np.cos(np.radians(31.0)),
                                                   g["lat"].to_numpy()]), g["code"].to_numpy())

    # -- townships ---------------------------------------------------------
    def township(self, text: object) -> str | None:
        """Code of the township written as ``text``, or None.

        Tries the text itself, then without a trailing 镇/乡/街道(办事处).
        """
        s = normalise_name(text)
        if not s:
            return None
        if s in self._town:
            return self._town[s]
        stripped = re.sub(r"(街道办事处|街道办|街道|镇人民政府|乡人民政府|镇|乡)$", "", s)
        return self._town.get(stripped)

    def township_suggestions(self, text: object, n: int = 3) -> list[str]:
        s = normalise_name(text)
        names = list(self.townships["name"])
        hits = difflib.get_close_matches(s, names, n=n, cutoff=0.3)
        return hits or [nm for nm in names if s and s[:1] in nm][:n]

    # -- units -------------------------------------------------------------
    def unit(self, text: object, township_code: str | None) -> str | None:
        """Code of the unit written as ``text`` (inside ``township_code`` when given)."""
        s = normalise_name(text)
        if not s:
            return None
        if township_code:
            code = self._unit_in_town.get((township_code, s))
            if code is None:
                code = self._unit_in_town.get((township_code, _UNIT_SUFFIX.sub("", s)))
            return code
        return self._unit_county.get(s) or self._unit_county.get(_UNIT_SUFFIX.sub("", s))

    def unit_suggestions(self, text: object, township_code: str | None, n: int = 3) -> list[str]:
        s = normalise_name(text)
        pool = (self._unit_names_by_town.get(township_code, []) if township_code
                else list(self.units["name"]))
        return difflib.get_close_matches(s, pool, n=n, cutoff=0.3)

    def township_of_unit(self, unit_code: str) -> str | None:
        return self._unit_town.get(unit_code)

    def township_name(self, code: str) -> str:
        return self._town_names.get(code, code)

    # -- points ------------------------------------------------------------
    def point_of_unit(self, code: str) -> tuple[float, float] | None:
        row = self.units.loc[self.units["code"] == code]
        if row.empty or pd.isna(row["lon"].iloc[0]):
            return None
        return float(row["lon"].iloc[0]), float(row["lat"].iloc[0])

    def point_of_township(self, code: str) -> tuple[float, float] | None:
        row = self.townships.loc[self.townships["code"] == code]
        if row.empty:
            return None
        return float(row["lon"].iloc[0]), float(row["lat"].iloc[0])

    def nearest_units(self, lon: np.ndarray, lat: np.ndarray,
                      township_codes: np.ndarray) -> np.ndarray:
        """Code of the nearest unit of the same township for every point (None if unknown)."""
        out = np.full(len(lon), None, dtype=object)
        k = np.cos(np.radians(31.0))
        for code in pd.unique(township_codes):
            if code not in self._town_tree:
                continue
            mask = township_codes == code
            tree, codes = self._town_tree[code]
            _, idx = tree.query(np.c_[lon[mask] * k, lat[mask]])
            out[mask] = codes[idx]
        return out

    def nearest_township(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Township code of the nearest unit point, for rows that name no township."""
        pts = self.units.dropna(subset=["lon", "lat"])
        if pts.empty:
            t = self.townships
            tree = cKDTree(np.c_[t["lon"], t["lat"]])
            return t["code"].to_numpy()[tree.query(np.c_[lon, lat])[1]]
        k = np.cos(np.radians(31.0))
        tree = cKDTree(np.c_[pts["lon"].to_numpy() * k, pts["lat"].to_numpy()])
        return pts["township_code"].to_numpy()[tree.query(np.c_[lon * k, lat])[1]]


class GazetteerGeocoder(Geocoder):
    """A geopy geocoder that answers offline from our own gazetteer.

    A query is an address or a "township unit" text; the most precise place it
    names is returned (a unit point, else the township point). ``raw`` carries
    the method and the estimated precision in metres.
    """

    def __init__(self, gazetteer: Gazetteer) -> None:
        super().__init__()
        self.gaz = gazetteer
        towns = gazetteer.aliases.assign(key=gazetteer.aliases["alias"].map(normalise_name))
        towns = towns[~towns["key"].str.fullmatch(r"\d+")]
        # longest aliases first, so 任市镇 wins over 任市
        self._town_keys = sorted(zip(towns["key"], towns["township_code"], strict=True),
                                 key=lambda kv: -len(kv[0]))

    def geocode(self, query: str, *, exactly_one: bool = True, **_kwargs: object) -> Location | None:  # noqa: ARG002
        q = normalise_name(query)
        if not q:
            return None
        town, rest = None, q
        for key, code in self._town_keys:
            if key and key in q:
                town, rest = code, q.split(key, 1)[1] or q
                break
        unit = self._find_unit(rest, town) or self._find_unit(q, town)
        if unit:
            lon_lat = self.gaz.point_of_unit(unit)
            if lon_lat:
                town = self.gaz.township_of_unit(unit)
                return Location(query, (lon_lat[1], lon_lat[0]), {
                    "method": "gazetteer:unit", "precision_m": PRECISION_M["unit"],
                    "unit_code": unit, "township_code": town})
        if town:
            lon_lat = self.gaz.point_of_township(town)
            if lon_lat:
                return Location(query, (lon_lat[1], lon_lat[0]), {
                    "method": "gazetteer:township", "precision_m": PRECISION_M["township"],
                    "unit_code": None, "township_code": town})
        return None

    def _find_unit(self, text: str, town: str | None) -> str | None:
        # try each prefix of the text that ends with 村 or 社区 (addresses go on after it)
        for m in re.finditer(r"(村|社区|居委会|村委会)", text):
            code = self.gaz.unit(text[: m.end()], town)
            if code:
                return code
            for start in range(1, m.start()):
                code = self.gaz.unit(text[start: m.end()], town)
                if code:
                    return code
        return self.gaz.unit(text, town)


def online_geocoder() -> Geocoder | None:
    """The online geocoder configured by environment, or None (the default: offline).

    ``EQUITY_GEOCODER=nominatim`` (with ``EQUITY_GEOCODER_USER_AGENT``) or
    ``EQUITY_GEOCODER=baidu`` with ``EQUITY_BAIDU_AK``. Baidu answers in BD-09;
    :func:`geocode_point` converts it.
    """
    which = os.environ.get("EQUITY_GEOCODER", "").lower()
    if which == "nominatim":
        from geopy.geocoders import Nominatim
        return Nominatim(user_agent=os.environ.get("EQUITY_GEOCODER_USER_AGENT", "kaijiang-equity"))
    if which == "baidu" and os.environ.get("EQUITY_BAIDU_AK"):
        from geopy.geocoders import BaiduV3
        return BaiduV3(api_key=os.environ["EQUITY_BAIDU_AK"])
    return None


def geocode_point(geocoder: Geocoder, query: str) -> tuple[float, float, str, float] | None:
    """(lon, lat, method, precision_m) in WGS-84 for ``query``, or None."""
    loc = geocoder.geocode(query)
    if loc is None:
        return None
    raw = loc.raw if isinstance(loc.raw, dict) else {}
    if "method" in raw:
        return loc.longitude, loc.latitude, raw["method"], float(raw["precision_m"])
    name = type(geocoder).__name__.lower()
    lon, lat = loc.longitude, loc.latitude
    if "baidu" in name:
        from etl.coords import bd09_to_wgs84
        x, y = bd09_to_wgs84(np.array([lon]), np.array([lat]))
        lon, lat = float(x[0]), float(y[0])
    return lon, lat, f"geocoder:{name}", 500.0
