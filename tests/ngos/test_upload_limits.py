"""XLSX uploads are measured before they are parsed (the review: a 205 KB file with one 200 MB
cell held a worker for 73 s and was accepted; 20,000 rows × 2,000 cells in 1.2 MB gave no answer
in 90 s). Each file here is refused within a second with a Persian message."""
import io
import time
import zipfile

import pytest
from openpyxl import Workbook

from eventsapp.ngos import importer
from eventsapp.ngos.importer import FileReason, ImportFileError
from tests.ngos.test_routes import upload

SHEET = "xl/worksheets/sheet1.xml"
HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c>'
        b'<c r="B1" t="inlineStr"><is><t>registration_no</t></is></c></row>')
TAIL = b"</sheetData></worksheet>"


def _workbook_with_sheet(chunks) -> bytes:
    """A real workbook whose first sheet's XML is replaced by ``chunks``, streamed in."""
    wb = Workbook()
    wb.active.append(["name", "registration_no"])
    plain = io.BytesIO()
    wb.save(plain)
    source = zipfile.ZipFile(io.BytesIO(plain.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            if item.filename == SHEET:
                with target.open(SHEET, "w", force_zip64=True) as stream:
                    for chunk in chunks:
                        stream.write(chunk)
            else:
                target.writestr(item, source.read(item))
    return out.getvalue()


def _one_huge_cell(megabytes):
    yield HEAD + b'<row r="2"><c r="A2" t="inlineStr"><is><t>'
    block = b"A" * (1 << 20)
    for _ in range(megabytes):
        yield block
    yield b"</t></is></c></row>" + TAIL


def _wide_rows(rows, cells):
    yield HEAD
    row_cells = b"".join(b"<c><v>1</v></c>" for _ in range(cells))
    for n in range(2, rows + 2):
        yield b'<row r="%d">' % n + row_cells + b"</row>"
    yield TAIL


def _refused_quickly(data: bytes, reason: FileReason) -> str:
    started = time.perf_counter()
    with pytest.raises(ImportFileError) as refusal:
        importer.read_table(data, "list.xlsx")
    assert time.perf_counter() - started < 1.0
    assert refusal.value.reason == reason
    return refusal.value.message


def test_a_cell_that_unpacks_past_the_size_limit():
    data = _workbook_with_sheet(_one_huge_cell(200))
    assert len(data) < 400_000  # a "zip bomb": a few hundred KB holding 200 MB
    message = _refused_quickly(data, FileReason.xlsx_too_large)
    assert "مگابایت" in message and "۴۸" in message


def test_many_wide_rows_in_a_small_file():
    data = _workbook_with_sheet(_wide_rows(2_000, 2_000))
    assert len(data) < 1_000_000
    _refused_quickly(data, FileReason.xlsx_too_large)


def test_a_row_of_too_many_cells_within_the_size_limit():
    data = _workbook_with_sheet(_wide_rows(3, importer.MAX_CELLS_PER_ROW + 1))
    message = _refused_quickly(data, FileReason.too_many_cells)
    assert "۲۰۰ خانه" in message


def test_a_long_cell_within_the_size_limit_inline_or_shared():
    data = _workbook_with_sheet(_one_huge_cell(1))  # 1 MB: within the size, past the length
    assert "۴٬۰۰۰ نویسه" in _refused_quickly(data, FileReason.cell_too_long)
    wb = Workbook()  # openpyxl writes text as shared strings
    wb.active.append(["name", "registration_no"])
    wb.active.append(["ب" * (importer.MAX_CELL_LENGTH + 1), "12"])
    out = io.BytesIO()
    wb.save(out)
    _refused_quickly(out.getvalue(), FileReason.cell_too_long)


def test_cells_at_the_limits_are_read():
    wb = Workbook()
    wb.active.append(["name", "registration_no"] + [f"x{n}" for n in range(198)])
    wb.active.append(["ب" * importer.MAX_CELL_LENGTH, "12"] + ["1"] * 198)
    out = io.BytesIO()
    wb.save(out)
    table = importer.read_table(out.getvalue(), "list.xlsx")
    assert len(table.rows) == 1 and len(table.rows[0][1][0]) == importer.MAX_CELL_LENGTH


def test_the_import_page_refuses_a_zip_bomb_within_a_second(client, login_as):
    login_as("admin")
    data = _workbook_with_sheet(_one_huge_cell(200))
    started = time.perf_counter()
    response = upload(client, data, "list.xlsx")
    assert time.perf_counter() - started < 1.0
    assert response.status_code == 400
    assert "مگابایت" in response.get_data(as_text=True)
