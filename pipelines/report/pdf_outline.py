"""Add an outline (the PDF viewer's bookmarks) and document info to a printed PDF.

Why not simply pypdf's PdfWriter: it copies every object of the document to write it again, and
Chromium's tagged PDF (the structure tree a screen reader reads) of the board pack for 5,000
projects has ~60,000 of them: ~14 s of the pack's time. An incremental update (ISO 32000-1,
7.5.6) leaves the printed bytes as they are and appends only what is new: the outline and its
entries, a new version of the catalog that names the outline, the info dictionary, an xref
section for these objects and a trailer that points back at the printed one. pypdf reads the
printed file and writes each new object's syntax.

Chromium (Skia) writes a classic xref table, which the update extends. A file whose xref is a
stream (another printer) is rewritten whole by pypdf instead, as before.
"""

from __future__ import annotations

import io
import re

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    create_string_object,
)

_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")


def add_outline(pdf: bytes, outline: list[tuple[str, int]], info: dict[str, str]) -> bytes:
    """pdf with one top-level outline entry per (title, 1-based page) and info's entries
    ("/Title", "/Creator") added to its document info."""
    reader = PdfReader(io.BytesIO(pdf))
    found = _STARTXREF.search(pdf[-1024:])
    if found is None or not pdf[int(found[1]) :].startswith(b"xref"):
        return _rewritten(reader, outline, info)
    previous_xref = int(found[1])
    trailer = reader.trailer
    root = trailer.raw_get("/Root")
    first_new = int(str(trailer["/Size"]))
    outline_ref = IndirectObject(first_new, 0, reader)
    entry_refs = [IndirectObject(first_new + 1 + i, 0, reader) for i in range(len(outline))]
    info_ref = IndirectObject(first_new + 1 + len(outline), 0, reader)
    objects: dict[IndirectObject, PdfObject] = {}
    for i, (title, page_number) in enumerate(outline):
        entry = DictionaryObject()
        entry[NameObject("/Title")] = create_string_object(title)
        entry[NameObject("/Parent")] = outline_ref
        page = reader.pages[page_number - 1].indirect_reference
        entry[NameObject("/Dest")] = ArrayObject([page, NameObject("/Fit")])
        if i > 0:
            entry[NameObject("/Prev")] = entry_refs[i - 1]
        if i < len(outline) - 1:
            entry[NameObject("/Next")] = entry_refs[i + 1]
        objects[entry_refs[i]] = entry
    top = DictionaryObject({NameObject("/Type"): NameObject("/Outlines")})
    if entry_refs:
        top[NameObject("/First")] = entry_refs[0]
        top[NameObject("/Last")] = entry_refs[-1]
        top[NameObject("/Count")] = NumberObject(len(entry_refs))
    objects[outline_ref] = top
    catalog = DictionaryObject(reader.root_object)  # a shallow copy: its references stay
    catalog[NameObject("/Outlines")] = outline_ref
    objects[root] = catalog
    document_info = DictionaryObject(reader.metadata or {})
    for key, value in info.items():
        document_info[NameObject(key)] = create_string_object(value)
    objects[info_ref] = document_info
    # The new trailer repeats the old one's entries (ISO 32000-1, 7.5.6), /Prev aside.
    new_trailer = DictionaryObject(
        {NameObject(k): v for k, v in trailer.items() if k not in ("/Prev", "/Info", "/Size")}
    )
    new_trailer[NameObject("/Root")] = root
    new_trailer[NameObject("/Info")] = info_ref
    new_trailer[NameObject("/Size")] = NumberObject(info_ref.idnum + 1)
    new_trailer[NameObject("/Prev")] = NumberObject(previous_xref)
    return _appended(pdf, objects, new_trailer)


def _appended(
    pdf: bytes, objects: dict[IndirectObject, PdfObject], trailer: DictionaryObject
) -> bytes:
    out = io.BytesIO()
    out.write(pdf if pdf.endswith(b"\n") else pdf + b"\n")
    offsets: dict[int, tuple[int, int]] = {}
    for ref, obj in sorted(objects.items(), key=lambda item: item[0].idnum):
        offsets[ref.idnum] = (out.tell(), ref.generation)
        out.write(f"{ref.idnum} {ref.generation} obj\n".encode())
        obj.write_to_stream(out)
        out.write(b"\nendobj\n")
    xref_at = out.tell()
    # The free list's head first, as in every xref section a writer starts (readers that
    # expect a section to begin at object 0 find it).
    out.write(b"xref\n0 1\n0000000000 65535 f \n")
    numbers = sorted(offsets)
    start = 0
    while start < len(numbers):  # one subsection per run of consecutive object numbers
        end = start
        while end + 1 < len(numbers) and numbers[end + 1] == numbers[end] + 1:
            end += 1
        out.write(f"{numbers[start]} {end - start + 1}\n".encode())
        for number in numbers[start : end + 1]:
            offset, generation = offsets[number]
            out.write(f"{offset:010d} {generation:05d} n \n".encode())
        start = end + 1
    out.write(b"trailer\n")
    trailer.write_to_stream(out)
    out.write(f"\nstartxref\n{xref_at}\n%%EOF\n".encode())
    return out.getvalue()


def _rewritten(reader: PdfReader, outline: list[tuple[str, int]], info: dict[str, str]) -> bytes:
    writer = PdfWriter(clone_from=reader)
    for title, page_number in outline:
        writer.add_outline_item(title=title, page_number=page_number - 1)
    writer.add_metadata(info)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
