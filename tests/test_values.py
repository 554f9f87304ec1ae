"""Number and boolean parsing, table-driven."""

import numpy as np
import pandas as pd
import pytest

from etl.values import REASONS, parse_bool, parse_numbers, reason_text

NUMBERS = [
    ("120", 120.0, None), ("120人", 120.0, None), ("120 张", 120.0, None), ("１２０", 120.0, None),
    ("1,200", 1200.0, None), ("1，200", 1200.0, None), ("3.5万", 35000.0, None),
    ("  7 ", 7.0, None), ("200平方米", 200.0, None), ("1.2E+03", 1200.0, None),
    ("—", None, None), ("-", None, None), ("--", None, None), ("/", None, None), ("无", None, None),
    ("NULL", None, None), ("", None, None), (None, None, None),
    ("abc", None, "not_a_number"), ("1.2.3", None, "not_a_number"), ("1,2", None, "not_a_number"),
    ("-3", None, "below_min"), ("nan", None, "not_finite"), ("inf", None, "not_finite"),
    ("12.5%", None, "percent_not_allowed"),
]


@pytest.mark.parametrize(("text", "value", "error"), NUMBERS)
def test_parse_numbers(text, value, error):
    v, e = parse_numbers(pd.Series([text], dtype=object))
    assert (np.isnan(v[0]) if value is None else v[0] == pytest.approx(value))
    assert (pd.isna(e[0]) if error is None else e[0] == error)


@pytest.mark.parametrize(("text", "kwargs", "value", "error"), [
    ("12.5", {"integer": True}, None, "not_integer"),
    ("12.0", {"integer": True}, 12.0, None),
    ("1.15万", {"integer": True}, 11500.0, None),
    ("12.5%", {"percent": True}, 12.5, None),
    ("12.5", {"percent": True}, 12.5, None),
    ("101", {"max_value": 100}, None, "above_max"),
    ("-3", {"min_value": None}, -3.0, None),
])
def test_parse_numbers_options(text, kwargs, value, error):
    v, e = parse_numbers(pd.Series([text]), **kwargs)
    assert (np.isnan(v[0]) if value is None else v[0] == pytest.approx(value))
    assert (pd.isna(e[0]) if error is None else e[0] == error)


def test_parse_numbers_keeps_index_and_matches_naive_loop():
    rng = np.random.default_rng(1)
    texts = [str(x) for x in rng.integers(0, 999, 200)] + ["12人", "—", "x"]
    s = pd.Series(texts, index=range(100, 100 + len(texts)))
    v, e = parse_numbers(s, integer=True)
    assert list(v.index) == list(s.index) and list(e.index) == list(s.index)
    naive = [float(t) if t.isdigit() else np.nan for t in texts]
    np.testing.assert_array_equal(v.to_numpy()[:200], naive[:200])
    assert v.iloc[200] == 12 and e.iloc[-1] == "not_a_number" and pd.isna(e.iloc[-2])


@pytest.mark.parametrize(("text", "value", "error"), [
    ("是", True, None), ("否", False, None), ("示例数据（合成）", True, None), ("示例", True, None),
    ("合成", True, None), ("synthetic", True, None), ("TRUE", True, None), ("0", False, None),
    ("", None, None), (None, None, None), ("也许", None, "not_a_bool"),
])
def test_parse_bool(text, value, error):
    v, e = parse_bool(pd.Series([text], dtype=object))
    assert (pd.isna(v[0]) if value is None else bool(v[0]) is value)
    assert (pd.isna(e[0]) if error is None else e[0] == error)


@pytest.mark.parametrize("code", sorted(REASONS))
def test_every_reason_renders(code):
    zh, en = reason_text(code, "在校生数", "abc")
    assert "在校生数" in zh and "在校生数" in en and "{" not in zh + en


def test_docs_contain_reason_table():
    from pathlib import Path

    from etl.values import reasons_markdown

    doc = (Path(__file__).resolve().parents[1] / "docs" / "etl-parsers.md").read_text("utf-8")
    assert reasons_markdown() in doc


def test_kernels_agree_with_one_value_at_a_time():
    """The arrow kernels on a whole column (repeats, nulls, the messy path on distinct values)
    give for every row what the table-driven cases give one value at a time."""
    import pyarrow as pa

    from etl.values import CODE_NAMES, parse_bool_arrow, parse_numbers_arrow

    texts = [t for t, _, _ in NUMBERS] * 3
    vals, codes = parse_numbers_arrow(pa.array(texts, pa.large_string()))
    for i, text in enumerate(texts):
        v, e = parse_numbers(pd.Series([text], dtype=object))
        assert (np.isnan(vals[i]) and np.isnan(v[0])) or vals[i] == v[0], text
        assert CODE_NAMES[codes[i]] == (None if pd.isna(e[0]) else e[0]), text
    words = ["是", "否", "示例数据（合成）", "", None, "maybe", "TRUE", "０"] * 2
    flags, errs = parse_bool_arrow(pa.array(words, pa.large_string()))
    for i, text in enumerate(words):
        v, e = parse_bool(pd.Series([text], dtype=object))
        assert (pd.isna(flags[i]) and pd.isna(v[0])) or flags[i] == v[0], text
        assert CODE_NAMES[errs[i]] == (None if pd.isna(e[0]) else e[0]), text


def test_plain_decimals_agrees_with_the_string_kernels_it_replaces():
    """The byte-level fast-path test against the pyarrow definition it stands for:
    ``ascii_is_decimal`` after dropping one ``.`` (and, signed, one leading ``-``), on
    random short texts of digits, signs, dots, spaces and non-ASCII look-alikes, on both
    string widths and on sliced arrays (offsets not starting at zero)."""
    import random

    import pyarrow as pa
    import pyarrow.compute as pc

    from etl.values import plain_decimals

    def reference(arr: pa.Array, signed: bool) -> np.ndarray:
        body = pc.if_else(pc.starts_with(arr, "-"), pc.utf8_slice_codeunits(arr, 1), arr) \
            if signed else arr
        dotless = pc.replace_substring(body, ".", "", max_replacements=1)
        return pc.fill_null(pc.ascii_is_decimal(dotless), False).to_numpy(zero_copy_only=False)

    rng = random.Random(7)
    alphabet = [*"0123456789.-+e ,", "１", "°", "人", "\u2212"]
    texts = [None if rng.random() < 0.05 else
             "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))
             for _ in range(50_000)]
    for typ in (pa.string(), pa.large_string()):
        arr = pa.array(texts, typ)
        for part in (arr, arr.slice(17, 5_000), pa.array([None, None], typ), arr.slice(0, 0)):
            for signed in (False, True):
                got = plain_decimals(part, signed=signed)
                assert got.dtype == bool and len(got) == len(part)
                assert (got == reference(part, signed)).all(), (typ, signed)
    assert plain_decimals(pa.array(["", ""]), signed=True).tolist() == [False, False]


def test_plain_decimals_is_exact_when_its_running_sum_wraps_around():
    """Millions of non-digit bytes overflow the packed running sum; per-value counts stay
    exact (differences modulo 2**64)."""
    import pyarrow as pa

    from etl.values import plain_decimals

    texts = ["人人人人"] * 400_000 + ["107.5", "-31.25", "1.2.3", "人"]
    got = plain_decimals(pa.array(texts, pa.large_string()), signed=True)
    assert not got[:400_000].any()
    assert got[400_000:].tolist() == [True, True, False, False]


def test_cast_if_plain_answers_exactly_when_every_value_is_plain():
    """The clean-column shortcut against :func:`plain_decimals`: on thousands of short
    columns of digits, dots, signs and a few other characters it returns values exactly
    when every non-null value is plain, and then the values of the cast."""
    import random

    import pyarrow as pa
    import pyarrow.compute as pc

    from etl.values import cast_if_plain, plain_decimals

    rng = random.Random(11)
    alphabet = [*"0123456789", *"0123456789", ".", ".", "-", "-", "e", "+", " ", "人"]
    answered = {True: 0, False: 0}
    for _ in range(4_000):
        texts = [None if rng.random() < 0.1 else
                 "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 4)))
                 for _ in range(rng.randint(1, 4))]
        for typ in (pa.string(), pa.large_string()):
            arr = pa.array(texts, typ)
            for signed in (False, True):
                got = cast_if_plain(arr, signed=signed)
                valid = pc.is_valid(arr).to_numpy(zero_copy_only=False)
                all_plain = valid.any() and (plain_decimals(arr, signed=signed) == valid).all()
                assert (got is not None) == all_plain, (texts, signed)
                answered[all_plain] += 1
                if got is not None:
                    want = np.array([float(t) if t is not None else np.nan for t in texts])
                    assert np.array_equal(got, want, equal_nan=True), texts
    assert min(answered.values()) > 1_000  # both outcomes well exercised
