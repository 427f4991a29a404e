"""Export KPI tables as CSV in Dutch Excel form and as formatted XLSX, with formulas neutralised.

The CSV is what Dutch Excel opens without an import wizard: UTF-8 with a BOM, semicolons, a
decimal comma. The XLSX (openpyxl) has a bold header, a frozen first row and column, fitted column
widths and shares formatted as percentages; a rapportage holds every table of a period.
"""

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 does not allow; openpyxl refuses them.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
TARGET = lazy_pgettext("kpi", "Doel")  # the row with the admin's target


class Share(float):
    """A share between 0 and 1, shown as a percentage in a workbook."""


@dataclass(frozen=True)
class Sheet:
    """One table to export: its title, the header and the rows of values."""

    title: str
    header: list
    rows: list[list]


def neutralise(value):
    """A cell value that a spreadsheet will not run: text starting like a formula gets a quote."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int | float):
        return value
    text = _BIDI.sub("", str(value))
    return "'" + text if text.startswith(FORMULA_START) else text


def _csv_value(value):
    value = neutralise(value)
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".").replace(".", ",") or "0"
    return value


def to_csv(header: list, rows: list[list]) -> str:
    """CSV for Dutch Excel: semicolons, decimal comma and a BOM so that accents survive."""
    return csv_sheets([Sheet("", header, rows)], titles=False)


def csv_sheets(sheets: Sequence[Sheet], *, titles: bool = True,
               cover: Sequence[Sequence] = ()) -> str:
    """Several tables in one CSV, each under its title and separated by an empty line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows([_csv_value(v) for v in line] for line in cover)
    for n, sheet in enumerate(sheets):
        if titles:
            if n or cover:
                writer.writerow([])
            writer.writerow([_csv_value(sheet.title)])
        writer.writerows([_csv_value(v) for v in row] for row in [sheet.header, *sheet.rows])
    return "\ufeff" + buffer.getvalue()


def _sheet_name(title: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\']", " ", title).strip()[:31] or "Blad"
    name, n = base, 1
    while name.lower() in taken:
        n += 1
        name = f"{base[:27]} ({n})"
    taken.add(name.lower())
    return name


def _write(worksheet, sheet: Sheet, first_row: int = 1) -> None:
    widths: dict[int, int] = {}
    for r, row in enumerate([sheet.header, *sheet.rows], start=first_row):
        for c, value in enumerate(row, start=1):
            value = neutralise(value)
            cell = worksheet.cell(r, c, _XML_INVALID.sub("", value) if isinstance(value, str)
                                  else value)
            if isinstance(value, Share):
                cell.number_format = "0%"
            elif isinstance(value, float):
                cell.number_format = "0.0"
            if r == first_row:
                cell.font, cell.fill = Font(bold=True), HEADER_FILL
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            elif c == 1:
                cell.font = Font(bold=True)
            widths[c] = max(widths.get(c, 8), min(60, len(str(value)) + 2))
    for c, width in widths.items():
        worksheet.column_dimensions[get_column_letter(c)].width = width
    worksheet.freeze_panes = worksheet.cell(first_row + 1, 2)


def to_xlsx(sheets: Sequence[Sheet], *, cover: Sequence[Sequence] = ()) -> bytes:
    """A workbook with a sheet per table, after an optional cover sheet of lines."""
    workbook = Workbook()
    taken: set[str] = set()
    first = workbook.active
    if cover:
        first.title = _sheet_name(str(cover[0][0]), taken)
        for r, line in enumerate(cover, start=1):
            for c, value in enumerate(line, start=1):
                first.cell(r, c, neutralise(value)).font = Font(bold=r == 1, size=14 if r == 1
                                                                else 11)
        first.column_dimensions["A"].width = 40
        first.column_dimensions["B"].width = 60
    for n, sheet in enumerate(sheets):
        worksheet = first if n == 0 and not cover else workbook.create_sheet()
        worksheet.title = _sheet_name(sheet.title, taken)
        _write(worksheet, sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _export(cell):
    value = cell.export()
    return Share(value) if cell.percent and isinstance(value, float | int) else value


def table_sheet(table) -> Sheet:
    """A KPI table as a sheet: Dutch header, the rows, and its target ('Doel') last."""
    rows = [[label, *(_export(cell) for cell in cells)] for label, cells in table.rows]
    if table.target is not None and table.rows:
        rows.append([str(TARGET), *(_export(table.target) if i == table.bar else ""
                                    for i in range(len(table.columns)))])
    return Sheet(table.title, [str(_l("Onderdeel")), *table.columns], rows)
