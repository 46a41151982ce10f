"""The board pack's outline, added to the printed PDF by an incremental update (pdf_outline.py):
the printed bytes stay as they are, and a strict reader finds every entry on its page."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import Destination

from pipelines.report.pdf_outline import add_outline

OUTLINE = [
    ("Executive summary", 1),
    ("Needs attention \u2013 Z\u00fcrich", 2),
    ("PRJ-1 one-pager", 4),
]
INFO = {"/Title": "IT portfolio board pack", "/Creator": "pipelines.report.board_pack"}


def _printed(pages: int) -> bytes:
    """A PDF with a classic xref table, as Chromium writes it."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    writer.add_metadata({"/Producer": "a printer"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _read(pdf: bytes) -> tuple[PdfReader, list[tuple[str, int]]]:
    reader = PdfReader(io.BytesIO(pdf), strict=True)  # a wrong offset or number raises
    outline = []
    for item in reader.outline:
        assert isinstance(item, Destination)  # one level: no nested list
        page = reader.get_destination_page_number(item)
        outline.append((str(item.title), -1 if page is None else page + 1))
    return reader, outline


def test_the_outline_is_appended_and_the_printed_bytes_are_kept() -> None:
    printed = _printed(4)
    outlined = add_outline(printed, OUTLINE, INFO)
    assert outlined.startswith(printed)  # an update, not a rewrite
    reader, outline = _read(outlined)
    assert outline == OUTLINE
    assert len(reader.pages) == 4
    assert reader.metadata is not None
    assert {k: reader.metadata[k] for k in INFO} == INFO
    assert reader.metadata["/Producer"] == "a printer"  # the printer's own entries stay


def test_a_pdf_whose_xref_is_a_stream_is_rewritten_with_the_outline() -> None:
    # pypdf's own incremental update ends the file with a cross-reference stream
    updated = PdfWriter(PdfReader(io.BytesIO(_printed(4))), incremental=True)
    updated.add_metadata({"/Subject": "updated"})
    out = io.BytesIO()
    updated.write(out)
    assert b"/XRef" in out.getvalue()[-400:]
    reader, outline = _read(add_outline(out.getvalue(), OUTLINE, INFO))
    assert outline == OUTLINE
    assert reader.metadata is not None and reader.metadata["/Title"] == INFO["/Title"]


@pytest.mark.parametrize("entries", [[], [("Only", 1)]])
def test_an_outline_of_zero_or_one_entry(entries: list[tuple[str, int]]) -> None:
    assert _read(add_outline(_printed(1), entries, INFO))[1] == entries
