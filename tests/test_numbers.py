"""parse_numbers, all in Arrow kernels, gives what its pandas version (kept here as the reference,
as it stood until issue 15) gives for any text: separators, spaces of every kind, '%', garbage."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines import layout
from pipelines.normalise import _COMMA_GROUPED, _DOT_GROUPED, _FLOAT_TEXT, _finite, parse_numbers

_DROPPED = re.compile(f"[\\s{layout.INVISIBLE}{layout.SPACES}%]")


def reference(text: pd.Series, from_workbook: bool = False) -> pd.Series:
    """The pandas slow path of parse_numbers before issue 15: every cell through pandas' string methods."""
    s = text.astype("string").fillna("").str.replace(_DROPPED, "", regex=True)
    dots = s.str.match(_DOT_GROUPED).fillna(False)
    if from_workbook:
        dots &= ~s.str.match(_FLOAT_TEXT).fillna(False)
    s = s.mask(dots, s.str.replace(".", "", regex=False))
    s = s.mask(s.str.match(_COMMA_GROUPED).fillna(False), s.str.replace(",", "", regex=False))
    both = s.str.contains(",", regex=False) & s.str.contains(".", regex=False)
    comma_last = s.str.rfind(",") > s.str.rfind(".")
    s = s.mask(both & comma_last, s.str.replace(".", "", regex=False))
    s = s.mask(both & ~comma_last, s.str.replace(",", "", regex=False))
    s = s.str.replace(",", ".", regex=False)
    parsed = pd.to_numeric(s.replace("", pd.NA), errors="coerce")
    return _finite(pd.Series(parsed.to_numpy(dtype="float64", na_value=np.nan), index=text.index))


# Digits, every separator and space the files hold, signs, exponents, letters, other scripts' digits.
ALPHABET = list("0123456789") * 4 + list(".,.,%+-eE xa_") + [
    "\u00a0", "\u202f", "\u2007", "\u200b", "\ufeff", "\t", "\u3000", "\u2028", "\u180e", "\u0660", "\uff11"]
CELL = st.one_of(st.text(alphabet=ALPHABET, max_size=14),
                 st.floats(allow_nan=True, allow_infinity=True).map(repr),
                 st.sampled_from(["94,7", "1.234,5", "1,234.5", "184.000", "1.000.000", "1,000,000", "184 000",
                                  "94.7 %", "#DIV/0!", "inf", "-Infinity", "nan", "2.345", "0.947", ""]))


@settings(max_examples=300, deadline=None)
@given(cells=st.lists(CELL, min_size=1, max_size=40), from_workbook=st.booleans())
def test_every_text_parses_as_the_pandas_reference_parses_it(cells, from_workbook):
    text = pd.Series(cells, dtype="str")
    got, want = parse_numbers(text, from_workbook), reference(text, from_workbook)
    np.testing.assert_array_equal(got.to_numpy(), want.to_numpy(), err_msg=repr(cells))


def test_a_column_of_decimal_commas_with_one_garbage_cell():
    text = pd.Series(["94,7", "1.234,5", "abc", "184.000", " 7 ", "", "１２"], dtype="str")
    assert parse_numbers(text).tolist()[:2] == [94.7, 1234.5]
    np.testing.assert_array_equal(parse_numbers(text).to_numpy(), [94.7, 1234.5, np.nan, 184000, 7, np.nan, np.nan])
