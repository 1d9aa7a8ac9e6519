#!/usr/bin/python3
"""Prints an XLSX workbook as JSON for the integration and browser tests, read with
openpyxl (Debian's python3-openpyxl): per sheet its name, frozen cell, whether the heading row
is bold, its column widths, and every row's values (numbers as numbers, dates as ISO text,
empty cells as null) with the number format of each cell."""
import datetime
import json
import sys

import openpyxl


def value(v):
    if isinstance(v, (datetime.datetime, datetime.date)):
        return v.isoformat()
    return v


def main(path):
    book = openpyxl.load_workbook(path)
    sheets = []
    for ws in book.worksheets:
        rows, formats = [], []
        for row in ws.iter_rows():
            rows.append([value(c.value) for c in row])
            formats.append([c.number_format for c in row])
        header = next(ws.iter_rows(min_row=1, max_row=1), [])
        widths = {k: d.width for k, d in ws.column_dimensions.items()}
        sheets.append({
            "name": ws.title,
            "freeze": ws.freeze_panes,
            "bold_header": bool(header) and all(c.font is not None and c.font.b for c in header),
            "widths": widths,
            "rows": rows,
            "formats": formats,
        })
    json.dump({"sheets": sheets}, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1])
