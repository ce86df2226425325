# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Read back the cells of an xlsx file (tests, and checks of a download)
with the standard library only: its first sheet as rows of values."""
import io
import re
import zipfile
from xml.etree import ElementTree

NS = {"x": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def _column_index(reference):
    letters = re.match(r"[A-Z]+", reference).group(0)
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def read_xlsx_rows(content):
    """The rows of the first sheet of the xlsx ``content`` (bytes): lists
    of strings (text cells) and floats (numbers, dates as Excel serials)."""
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        strings = []
        if "xl/sharedStrings.xml" in book.namelist():
            shared = ElementTree.fromstring(book.read("xl/sharedStrings.xml"))
            strings = ["".join(t.text or "" for t in item.iter(
                "{%s}t" % NS["x"])) for item in shared.findall("x:si", NS)]
        sheet = ElementTree.fromstring(
            book.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in sheet.iter("{%s}row" % NS["x"]):
        values = []
        for cell in row.findall("x:c", NS):
            index = _column_index(cell.get("r"))
            values.extend([None] * (index - len(values)))
            raw = cell.find("x:v", NS)
            if raw is None:
                inline = cell.find("x:is/x:t", NS)
                values.append(inline.text if inline is not None else None)
            elif cell.get("t") == "s":
                values.append(strings[int(raw.text)])
            elif cell.get("t") in ("str", "inlineStr"):
                values.append(raw.text)
            else:
                values.append(float(raw.text))
        rows.append(values)
    return rows
