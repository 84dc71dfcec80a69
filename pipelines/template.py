"""Pre-filled upload files: every (indicator, area) row a province reports for a period."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd

from data import geography
from indicators.catalogue import catalogue
from indicators.periods import Period

COLUMNS = ["indicator", "ten_chi_tieu", "area_code", "area_name", "period", "value",
           "numerator", "denominator", "note"]


def template_rows(province: str, period: Period) -> pd.DataFrame:
    """Rows for the indicators reported at this period's granularity, province then communes."""
    communes = geography.communes()
    communes = communes[communes["province_code"] == province]
    rows = []
    for ind in catalogue().indicators:
        if ind.frequency != period.granularity:
            continue
        if "province" in ind.expected_levels:
            rows.append((ind, province, geography.province_name(province)))
        if "commune" in ind.expected_levels:
            rows.extend((ind, c.code, c.name) for c in communes.itertuples())
    return pd.DataFrame(
        [{"indicator": ind.code, "ten_chi_tieu": f"{ind.name.vi} ({ind.unit})", "area_code": code,
          "area_name": name, "period": period.code, "value": "", "numerator": "", "denominator": "",
          "note": ""} for ind, code, name in rows], columns=COLUMNS)


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
        for col, width in zip("ABCDEFGHI", [30, 50, 10, 30, 10, 10, 12, 12, 30]):
            sheet.column_dimensions[col].width = width
        for cell in sheet["C"][1:]:
            cell.number_format = "@"  # text: keeps the leading zero of '01'
        sheet.freeze_panes = "A2"
