"""Export tables as CSV and XLSX, with spreadsheet formulas neutralised.

openpyxl is not a dependency, so the XLSX is written by hand: the smallest valid workbook
(content types, relationships, workbook, one worksheet with inline strings).
"""

import csv
import io
import re
import zipfile
from xml.sax.saxutils import escape

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 does not allow; they would make the workbook unreadable.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def neutralise(value):
    """A cell value that a spreadsheet will not run: text starting like a formula gets a quote."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int | float):
        return value
    text = _BIDI.sub("", str(value))
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(header: list, rows: list[list]) -> str:
    """CSV (semicolon separated, as Dutch Excel expects) with a BOM so that accents survive."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(v) for v in header])
    writer.writerows([neutralise(v) for v in row] for row in rows)
    return "\ufeff" + buffer.getvalue()


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _cell(ref: str, value) -> str:
    value = neutralise(value)
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    text = escape(_XML_INVALID.sub("", value))
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def sheet_xml(header: list, rows: list[list]) -> str:
    """The worksheet XML of a table: the header in row 1, then the rows."""
    lines = []
    for r, row in enumerate([header, *rows], start=1):
        cells = "".join(_cell(f"{_column(c)}{r}", v) for c, v in enumerate(row))
        lines.append(f'<row r="{r}">{cells}</row>')
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<sheetData>{"".join(lines)}</sheetData></worksheet>')


def _sheet_name(title: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "Blad1"


_NS = "http://schemas.openxmlformats.org"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Types xmlns="{_NS}/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/></Types>')
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{_NS}/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_NS}/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>')
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{_NS}/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_NS}/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>')


def to_xlsx(title: str, header: list, rows: list[list]) -> bytes:
    """A one-sheet XLSX workbook of the table."""
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<workbook xmlns="{_NS}/spreadsheetml/2006/main" '
        f'xmlns:r="{_NS}/officeDocument/2006/relationships"><sheets>'
        f'<sheet name="{escape(_sheet_name(title), {chr(34): "&quot;"})}" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml(header, rows))
    return buffer.getvalue()


def table_rows(table) -> tuple[list, list[list]]:
    """A KPI table as a header and rows of exportable values."""
    return ["", *table.columns], [[label, *(cell.export() for cell in cells)]
                                  for label, cells in table.rows]
