"""Make sure a landing CSV is text, find its encoding, and give DuckDB a UTF-8 file to read.

DuckDB reads UTF-8 only; a Windows-1252 export (a `€` or `é` from Excel on Windows) would become
one "invalid encoding" reject per row. We decide the encoding once per file: UTF-8 (with or
without BOM) is read in place; UTF-16 (with a BOM, or recognised by its NUL byte pattern without
one) and Windows-1252 are transcoded to a UTF-8 temp
file *outside* the landing folder, which stays untouched. Binary files (a workbook renamed to
.csv) are refused before any reader sees them. One streaming pass also counts the physical lines
so the CSV reader's row accounting can be checked against the file.
"""

from __future__ import annotations

import codecs
import itertools
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pipelines.ingest.file_outcome import FileRejected

_CHUNK = 1 << 20
_SIGNATURES = (
    (b"PK\x03\x04", "starts with PK: looks like a ZIP/XLSX file renamed to .csv"),
    (b"\xd0\xcf\x11\xe0", "starts with D0 CF 11 E0: looks like an Excel .xls file renamed to .csv"),
    (b"%PDF", "starts with %PDF: looks like a PDF file renamed to .csv"),
    (b"\x1f\x8b", "starts with 1F 8B: looks like a gzip archive renamed to .csv"),
)
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# How much of the start is looked at to recognise UTF-16 without a byte-order mark.
_UTF16_SAMPLE = 4096


def _utf16_without_bom(sample: bytes) -> str | None:
    """`utf-16-le`/`utf-16-be` when the text is UTF-16 saved without a BOM, else None.

    CSV text is mostly ASCII, which UTF-16 stores as the character and a NUL byte: a NUL in
    (nearly) every odd byte and no even one is little-endian, the reverse big-endian. Binary files
    have NULs scattered, so they are still refused as binary.
    """
    pairs = len(sample) // 2
    if pairs < 4:
        return None
    even_nul = sample[0 : pairs * 2 : 2].count(0)
    odd_nul = sample[1 : pairs * 2 : 2].count(0)
    if odd_nul >= 0.9 * pairs and even_nul == 0:
        return "utf-16-le"
    if even_nul >= 0.9 * pairs and odd_nul == 0:
        return "utf-16-be"
    return None


@dataclass(frozen=True)
class LineFacts:
    """What the line accounting needs to know about the UTF-8 bytes DuckDB reads."""

    newlines: int
    ends_with_newline: bool
    has_empty_line: bool  # an empty physical line somewhere (DuckDB skips those silently)

    @property
    def physical_lines(self) -> int:
        return self.newlines + (0 if self.ends_with_newline else 1)


@dataclass(frozen=True)
class TextFile:
    path: Path  # UTF-8 bytes for DuckDB: the landing file itself or a temp copy
    encoding: str  # what the landing file was: utf-8, utf-8 with BOM, utf-16, windows-1252
    lines: LineFacts

    @property
    def note(self) -> str | None:
        if self.encoding == "utf-8":
            return None
        if self.encoding == "utf-8 with BOM":
            return "encoding UTF-8 with BOM"
        if self.encoding.startswith("utf-8,"):
            return "line ends mixed CRLF and LF; read with LF"
        return f"encoding {self.encoding} (not UTF-8), transcoded to UTF-8 for reading"


class _NewlineNormaliser:
    """CRLF -> LF over a byte stream, carrying a CR that ends one chunk over to the next."""

    def __init__(self) -> None:
        self.carry = b""

    def __call__(self, chunk: bytes, final: bool = False) -> bytes:
        data = (self.carry + chunk).replace(b"\r\n", b"\n")
        self.carry = b""
        if data.endswith(b"\r") and not final:
            data, self.carry = data[:-1], b"\r"
        return data


def _normalise_newlines(path: Path, target: Path) -> None:
    normalise = _NewlineNormaliser()
    with target.open("wb") as out:
        for chunk in _chunks(path):
            out.write(normalise(chunk))
        out.write(normalise(b"", final=True))


class _LineCounter:
    """Line ends over a byte stream in chunks. Each test is one C-level scan of the chunk (no
    copy of it); the two bytes carried from the chunk before cover a pattern split across two."""

    def __init__(self) -> None:
        self.newlines = 0
        self.crlf = 0
        self.tail = b""
        self.empty = False
        self.any_text = False

    @property
    def mixed_newlines(self) -> bool:
        """Both CRLF and bare LF line ends: DuckDB's CSV parser fails on such a file."""
        return 0 < self.crlf < self.newlines

    def feed(self, chunk: bytes) -> None:
        if not chunk:
            return
        self.newlines += chunk.count(b"\n")
        seam = self.tail + chunk[:2]  # the patterns below are at most three bytes long
        has_cr = b"\r" in chunk
        if has_cr or self.tail.endswith(b"\r"):
            self.crlf += chunk.count(b"\r\n") + (self.tail.endswith(b"\r") and chunk[:1] == b"\n")
        if not self.empty:
            self.empty = b"\n\n" in chunk or b"\n\n" in seam
            if has_cr or b"\r" in seam:
                self.empty = self.empty or b"\n\r\n" in chunk or b"\n\r\n" in seam
        if not self.any_text and chunk.strip():
            self.any_text = True
        self.tail = (self.tail + chunk)[-2:] if len(chunk) < 2 else chunk[-2:]

    def facts(self) -> LineFacts:
        return LineFacts(self.newlines, self.tail.endswith(b"\n"), self.empty)


def _chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            yield chunk


def _refuse_binary(head: bytes) -> None:
    for signature, message in _SIGNATURES:
        if head.startswith(signature):
            raise FileRejected("binary file", f"the file is binary, not text: it {message}")


def _scan_utf8(path: Path) -> tuple[LineFacts, int | None, bool, bool]:
    """Line facts, the offset of the first non-UTF-8 byte (None if valid), any text, mixed ends?"""
    counter = _LineCounter()
    decoder = codecs.getincrementaldecoder("utf-8")()
    bad_at: int | None = None
    offset = 0
    for chunk in _chunks(path):
        nul = chunk.find(b"\x00")
        if nul >= 0:
            raise FileRejected(
                "binary file",
                f"the file is binary, not text: it has a NUL byte at byte {offset + nul}",
            )
        counter.feed(chunk)
        # ASCII is valid UTF-8: decode (a copy of the chunk as text) only when a chunk is not
        # ASCII or a character began in the chunk before.
        if bad_at is None and not (chunk.isascii() and not decoder.getstate()[0]):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                bad_at = offset + error.start
        offset += len(chunk)
    if bad_at is None:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as error:
            bad_at = offset + error.start
    return counter.facts(), bad_at, counter.any_text, counter.mixed_newlines


def _transcode(path: Path, encoding: str, target: Path) -> LineFacts:
    """Stream `path` decoded as `encoding` into UTF-8 `target`; refuse undecodable bytes."""
    decoder = codecs.getincrementaldecoder(encoding)()
    counter = _LineCounter()
    normalise = _NewlineNormaliser()  # a transcoded copy always gets LF line ends
    offset = 0
    with target.open("wb") as out:
        for chunk in itertools.chain(_chunks(path), [b""]):
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as error:
                raise FileRejected(
                    "unreadable encoding",
                    f"byte 0x{error.object[error.start]:02X} at byte {offset + error.start} is "
                    f"neither UTF-8 nor {encoding}: the encoding cannot be known",
                ) from None
            data = normalise(text.encode("utf-8"), final=not chunk)
            counter.feed(data)
            out.write(data)
            offset += len(chunk)
    return counter.facts()


@contextmanager
def utf8_text(path: Path) -> Iterator[TextFile]:
    """The file as UTF-8 text for DuckDB, with its line facts; a temp copy lives for the block."""
    with path.open("rb") as handle:
        sample = handle.read(_UTF16_SAMPLE)
    head = sample[:8]
    if not head:
        raise FileRejected("empty file", "the file is empty (0 bytes, no header line)")
    _refuse_binary(head)
    if head.startswith(_UTF16_BOMS):
        with tempfile.TemporaryDirectory(prefix="portfolio_ingest_") as folder:
            copy = Path(folder) / (path.stem + ".utf8.csv")
            yield TextFile(copy, "utf-16", _transcode(path, "utf-16", copy))
        return
    utf16 = _utf16_without_bom(sample)
    if utf16:
        with tempfile.TemporaryDirectory(prefix="portfolio_ingest_") as folder:
            copy = Path(folder) / (path.stem + ".utf8.csv")
            yield TextFile(
                copy, f"{utf16} without a byte-order mark", _transcode(path, utf16, copy)
            )
        return
    lines, bad_at, any_text, mixed = _scan_utf8(path)
    if not any_text:
        raise FileRejected("empty file", "the file is empty (only whitespace, no header line)")
    if bad_at is None and mixed:
        # Appended to by another tool (CRLF and LF lines): read a copy with one line ending.
        with tempfile.TemporaryDirectory(prefix="portfolio_ingest_") as folder:
            copy = Path(folder) / (path.stem + ".lf.csv")
            _normalise_newlines(path, copy)
            yield TextFile(copy, "utf-8, mixed CRLF/LF line ends", lines)
        return
    if bad_at is None:
        bom = head.startswith(codecs.BOM_UTF8)
        yield TextFile(path, "utf-8 with BOM" if bom else "utf-8", lines)
        return
    with tempfile.TemporaryDirectory(prefix="portfolio_ingest_") as folder:
        copy = Path(folder) / (path.stem + ".utf8.csv")
        lines = _transcode(path, "cp1252", copy)
        yield TextFile(copy, "windows-1252", lines)
