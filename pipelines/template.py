"""Pre-filled upload files: every (indicator, area) a province reports for a period, in the long
layout (one row each) or the wide one (one row per area, one column per indicator)."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
from openpyxl.styles import Alignment, PatternFill
from openpyxl.utils import get_column_letter

from data import geography
from indicators.catalogue import Indicator, catalogue
from indicators.periods import Period
from pipelines import layout

COLUMNS = ["indicator", "ten_chi_tieu", "area_code", "area_name", "period", "value",
           "numerator", "denominator", "note"]


def template_rows(province: str, period: Period, layout: str = "long") -> pd.DataFrame:
    """Rows for the indicators reported at this period's granularity, province then communes.

    layout="long": one row per (indicator, area); "wide": one row per area and one column per
    indicator, headed '<name.vi> (<unit>)' (the heading pipelines.layout reads back), its cells
    left empty, communes listed when one of the indicators is reported per commune."""
    communes = geography.communes()
    communes = communes[communes["province_code"] == province]
    indicators = [ind for ind in catalogue().indicators if ind.frequency == period.granularity]
    if layout == "wide":
        areas = [(province, geography.province_name(province))]
        if any("commune" in ind.expected_levels for ind in indicators):
            areas += list(zip(communes["code"], communes["name"]))
        frame = pd.DataFrame(areas, columns=["area_code", "area_name"]).assign(period=period.code)
        return frame.assign(**{wide_heading(ind): "" for ind in indicators})
    if layout != "long":
        raise ValueError(f"layout must be 'long' or 'wide', not {layout!r}")
    rows = []
    for ind in indicators:
        if "province" in ind.expected_levels:
            rows.append((ind, province, geography.province_name(province)))
        if "commune" in ind.expected_levels:
            rows.extend((ind, c.code, c.name) for c in communes.itertuples())
    return pd.DataFrame(
        [{"indicator": ind.code, "ten_chi_tieu": wide_heading(ind), "area_code": code,
          "area_name": name, "period": period.code, "value": "", "numerator": "", "denominator": "",
          "note": ""} for ind, code, name in rows], columns=COLUMNS)


def wide_heading(ind: Indicator) -> str:
    """An indicator's column heading in the wide template (and its name in the long one)."""
    return f"{ind.name.vi} ({ind.unit})"


def template_bytes(frame: pd.DataFrame, suffix: str = ".xlsx") -> bytes:
    """The template as file content, for a download button."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"template{suffix}"
        write_template(frame, path)
        return path.read_bytes()


def write_template(frame: pd.DataFrame, path: Path) -> None:
    """CSV (UTF-8 with BOM, so Excel shows the diacritics) or XLSX with codes kept as text."""
    if path.suffix.lower() == ".csv":
        frame.to_csv(path, index=False, encoding="utf-8-sig")
        return
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name="nq72")
        sheet = writer.sheets["nq72"]
        if "indicator" not in frame.columns:
            _format_wide(sheet, list(frame.columns))
            return
        for col, width in zip("ABCDEFGHI", [30, 50, 10, 30, 10, 10, 12, 12, 30]):
            sheet.column_dimensions[col].width = width
        for cell in sheet["C"][1:]:
            cell.number_format = "@"  # text: keeps the leading zero of '01'
        sheet.freeze_panes = "A2"


# Cells of an indicator not reported at the row's level (a province-only indicator on a commune row).
_NOT_REPORTED = PatternFill("solid", fgColor="DDDDDD")


def _format_wide(sheet, columns: list[str]) -> None:
    """Codes as text, figures as plain numbers ('0.0', never a percent format: a percent cell
    stores 94.7 % as 0.947), headings wrapped, header and area columns frozen."""
    cat = catalogue()
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 10, 30
    for cell in sheet["A"][1:]:
        cell.number_format = "@"  # text: keeps the leading zero of '01'
    for j, heading in enumerate(columns[3:], start=4):
        ind = cat[layout.indicator_for_heading(heading)]
        letter = get_column_letter(j)
        sheet.column_dimensions[letter].width = 22
        sheet[f"{letter}1"].alignment = Alignment(wrap_text=True, vertical="top")
        for (area,), (cell,) in zip(sheet.iter_rows(min_row=2, max_col=1, values_only=True),
                                    sheet.iter_rows(min_row=2, min_col=j, max_col=j)):
            cell.number_format = "0.0" if ind.is_percent else "General"
            if _level(str(area)) not in ind.expected_levels:
                cell.fill = _NOT_REPORTED
    sheet.row_dimensions[1].height = 60
    sheet.freeze_panes = "D2"


def _level(code: str) -> str:
    return "commune" if len(code) == 5 else "province"
