"""Numbers and dates in the reader's locale: 94,7 % in Vietnamese, 94.7% in English."""
from __future__ import annotations

import datetime as dt
import math

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from pipelines.messages import t, unit_word

LOCALES = {"vi": "vi_VN", "en": "en_GB"}


def number(value: float | None, lang: str = "vi", decimals: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=LOCALES[lang])


def figure(value: float | None, lang: str = "vi") -> str:
    """A figure as it was given, with as many decimals as it has (up to 6): '95,1', '1.234' (vi)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return format_decimal(value, format="#,##0.######", locale=LOCALES[lang])


def value_with_unit(value: float | None, unit: str, lang: str = "vi", decimals: int = 1) -> str:
    """'94,7 %' (vi) / '94.7%' (en); other units after a space: '74,8 năm'."""
    text = number(value, lang, decimals)
    if text == "–":
        return text
    if unit == "%":
        return f"{text} %" if lang == "vi" else f"{text}%"
    return f"{text} {unit_label(unit, lang)}"


def gap(value: float | None, unit: str, lang: str = "vi", decimals: int = 1) -> str:
    """A distance in the indicator's unit; between percentages it is percentage points
    ('2,6 điểm %' / '2.6 pp'), never '%'."""
    text = number(value, lang, decimals)
    if text == "–" or unit != "%":
        return value_with_unit(value, unit, lang, decimals)
    return t("unit_points", lang, n=text)


def unit_label(unit: str, lang: str = "vi") -> str:
    return unit_word(unit, lang)


def date(value: dt.date | dt.datetime | None, lang: str = "vi") -> str:
    if value is None:
        return "–"
    if isinstance(value, dt.datetime):
        return format_datetime(value, "dd/MM/yyyy HH:mm" if lang == "vi" else "d MMM yyyy HH:mm",
                               locale=LOCALES[lang])
    return format_date(value, "dd/MM/yyyy" if lang == "vi" else "d MMM yyyy", locale=LOCALES[lang])


def separators(lang: str) -> str:
    """Plotly's decimal and thousands separators for the language."""
    return ",." if lang == "vi" else ".,"


def year(value: float | None, lang: str = "vi") -> str:
    """A projected fractional year as 'quý 3/2028' / 'Q3 2028'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    v = value - 1e-9  # an end of quarter belongs to that quarter
    y = int(v)
    q = int((v - y) * 4) + 1
    return f"quý {q}/{y}" if lang == "vi" else f"Q{q} {y}"
