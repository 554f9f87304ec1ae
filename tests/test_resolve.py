"""Township and unit resolution, and the offline gazetteer geocoder, on the real reference data."""

import numpy as np
import pytest

from etl import db, reference
from etl.resolve import Gazetteer, GazetteerGeocoder, geocode_point, normalise_name


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    towns = reference.townships()
    units = reference.units()
    # give each unit a point: its township's point shifted by a small, known offset
    t = towns.set_index("code")
    offs = np.arange(len(units)) * 1e-4
    units["lon"] = t.loc[units["township_code"], "lon"].to_numpy() + offs
    units["lat"] = t.loc[units["township_code"], "lat"].to_numpy()
    aliases = db.township_aliases(towns, reference.township_changes())
    return Gazetteer(towns, units, aliases)


@pytest.mark.parametrize(("text", "code"), [
    ("任市镇", "511723107"),
    ("任市", "511723107"),
    (" 开江县任市镇 ", "511723107"),
    ("四川省达州市开江县任市镇", "511723107"),
    ("511723107", "511723107"),
    ("511723107000", "511723107"),
    ("天师镇", "511723102"),  # abolished 2019, merged into 回龙镇
    ("天师", "511723102"),
    ("长田乡", "511723102"),
    ("靖安乡", "511723107"),
    ("宝石镇", "511723105"),  # merged into 讲治镇
    ("淙城街道", "511723001"),
    ("淙城街道办事处", "511723001"),
    ("梅家", "511723205"),
    ("任市镇人民政府", "511723107"),
])
def test_township_aliases(gaz, text, code):
    assert gaz.township(text) == code


@pytest.mark.parametrize("text", ["北京镇", "", None, "任", "开江县"])
def test_unknown_townships_are_none(gaz, text):
    assert gaz.township(text) is None


def test_township_suggestions_name_the_closest(gaz):
    assert "任市镇" in gaz.township_suggestions("任事镇")
    assert "甘棠镇" in gaz.township_suggestions("甘堂镇")


@pytest.mark.parametrize(("text", "town", "code"), [
    ("新康社区居民委员会", "511723107", "511723107001"),
    ("新康社区", "511723107", "511723107001"),
    ("新康", "511723107", "511723107001"),
    ("凉风垭村", "511723107", "511723107200"),
    ("凉风垭村委会", "511723107", "511723107200"),
    ("511723107200", "511723107", "511723107200"),
    ("凉风垭村", None, "511723107200"),  # unique in the county
    ("天师社区", "511723102", "511723102002"),
])
def test_units(gaz, text, town, code):
    assert gaz.unit(text, town) == code


def test_unit_in_the_wrong_township_is_not_found(gaz):
    assert gaz.unit("凉风垭村", "511723102") is None
    assert "凉风垭村民委员会" in gaz.unit_suggestions("凉风丫村", "511723107")


def test_normalise_name_full_width_and_spaces():
    assert normalise_name("任 市　镇") == "任市镇"
    assert normalise_name(None) == ""


def test_gazetteer_geocoder_finds_unit_then_township(gaz):
    geo = GazetteerGeocoder(gaz)
    loc = geo.geocode("开江县任市镇新康社区3组12号")
    assert loc.raw["method"] == "gazetteer:unit"
    assert loc.raw["unit_code"] == "511723107001"
    expected = gaz.point_of_unit("511723107001")
    assert (loc.longitude, loc.latitude) == pytest.approx(expected)
    # an old township name and a unit inside it
    loc = geo.geocode("天师镇天师社区")
    assert loc.raw["unit_code"] == "511723102002"
    # only the township is known
    loc = geo.geocode("开江县甘棠镇某某路")
    assert loc.raw["method"] == "gazetteer:township"
    assert (loc.longitude, loc.latitude) == pytest.approx(gaz.point_of_township("511723106"))
    assert geo.geocode("北京市海淀区") is None


def test_geocode_point_returns_method_and_precision(gaz):
    lon, lat, method, prec = geocode_point(GazetteerGeocoder(gaz), "任市镇凉风垭村")
    assert method == "gazetteer:unit"
    assert prec == 1500.0
    assert (lon, lat) == pytest.approx(gaz.point_of_unit("511723107200"))


def test_nearest_units_stay_inside_the_township(gaz):
    lon, lat = gaz.point_of_unit("511723107200")
    got = gaz.nearest_units(np.array([lon]), np.array([lat]), np.array(["511723107"], dtype=object))
    assert got[0] == "511723107200"
    assert gaz.nearest_township(np.array([lon]), np.array([lat]))[0] == "511723107"
