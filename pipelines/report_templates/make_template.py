"""Writes bao-cao.docx, the form of the report (run it again after changing this file):
.venv/bin/python pipelines/report_templates/make_template.py

The form follows Decree 30/2020/NĐ-CP on administrative documents: A4, margins 20/20/30/15 mm,
Times New Roman 13 pt, the issuing office on the left and the national motto, place and date on
the right, then the title centred; "Nơi nhận" and the signer at the end. Every word in it is a
docxtpl field filled from the message catalogue, so one form serves Vietnamese and English and an
office may restyle it in Word. The body is put where the [[BODY]] paragraph stands."""
from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

TEMPLATE = Path(__file__).with_name("bao-cao.docx")
FONT = "Times New Roman"
BODY_MARKER = "[[BODY]]"


def _font(style, size: float, bold: bool | None = None, italic: bool | None = None) -> None:
    style.font.name, style.font.size, style.font.color.rgb = FONT, Pt(size), RGBColor(0, 0, 0)
    style.font.bold, style.font.italic = bold, italic
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):   # Vietnamese letters use hAnsi
        fonts.set(qn(attr), FONT)


def _line(cell_or_doc, text: str, size: float = 13, bold: bool = False, italic: bool = False,
          align=WD_ALIGN_PARAGRAPH.CENTER, first: bool = False):
    p = cell_or_doc.paragraphs[0] if first else cell_or_doc.add_paragraph()
    p.alignment = align
    p.paragraph_format.space_after = Pt(0)
    run = p.add_run(text)
    run.font.size, run.bold, run.italic = Pt(size), bold, italic
    return p


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        e = OxmlElement(f"w:{edge}")
        e.set(qn("w:val"), "nil")
        borders.append(e)
    table._tbl.tblPr.append(borders)


def _page_number_footer(section) -> None:
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


def build(path: Path = TEMPLATE) -> Path:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = Mm(20), Mm(20), Mm(30), Mm(15)
    _page_number_footer(section)
    _font(doc.styles["Normal"], 13)
    doc.styles["Normal"].paragraph_format.space_after = Pt(6)
    for name, size in (("Heading 1", 13), ("Heading 2", 13), ("Heading 3", 13), ("Caption", 11)):
        _font(doc.styles[name], size, bold=name != "Caption", italic=name in ("Heading 3", "Caption"))
        doc.styles[name].paragraph_format.space_before = Pt(8 if name != "Caption" else 2)
        doc.styles[name].paragraph_format.space_after = Pt(4)

    head = doc.add_table(rows=1, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(head)
    left, right = head.rows[0].cells
    left.width, right.width = Mm(70), Mm(95)
    _line(left, "{{ issuer_parent }}", 12, first=True)
    _line(left, "{{ issuer }}", 12, bold=True)
    _line(left, "――――――", 10)
    _line(left, "{{ number }}", 13)
    _line(right, "{{ motto_1 }}", 12, bold=True, first=True)
    _line(right, "{{ motto_2 }}", 13, bold=True)
    _line(right, "――――――――――――――", 10)
    _line(right, "{{ place_date }}", 13, italic=True)

    _line(doc, "", 13)
    _line(doc, "{{ title }}", 14, bold=True)
    _line(doc, "{{ subtitle }}", 14, bold=True)
    _line(doc, "{{ period_line }}", 13, italic=True)
    _line(doc, "――――――", 10)
    doc.add_paragraph(BODY_MARKER)

    closing = doc.add_table(rows=1, cols=2)
    _no_borders(closing)
    left, right = closing.rows[0].cells
    left.width, right.width = Mm(80), Mm(85)
    _line(left, "{{ recipients_head }}", 12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT, first=True)
    _line(left, "{{ recipients }}", 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _line(right, "{{ signer_role }}", 13, bold=True, first=True)
    _line(right, "{{ signer_hint }}", 12, italic=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


if __name__ == "__main__":
    build()
