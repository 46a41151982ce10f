"""A landing file is scanned in 1 MiB chunks (pipelines/ingest/encoding.py); what the scan reports
must not depend on where a chunk ends. Here the chunks are a few bytes, so every line end, empty
line and multi-byte character of these files falls across a seam somewhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.ingest import encoding
from pipelines.ingest.encoding import utf8_text


def _facts(path: Path) -> tuple[str, int, bool, bool]:
    with utf8_text(path) as text:
        return (
            text.encoding,
            text.lines.physical_lines,
            text.lines.has_empty_line,
            text.path == path,
        )


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 1 << 20])
@pytest.mark.parametrize(
    ("content", "expected"),
    [
        # encoding, physical lines, an empty line somewhere, read in place
        (b"id,name\n1,Zo\xc3\xa9\n2,\xe2\x82\xac\n", ("utf-8", 3, False, True)),
        (b"id,name\n1,a\n\n2,b\n", ("utf-8", 4, True, True)),
        (b"id,name\r\n1,a\r\n\r\n2,b\r\n", ("utf-8", 4, True, True)),
        (b"id,name\r\n1,a\r\n2,b", ("utf-8", 3, False, True)),
        # a CRLF file with one LF line appended: read from an LF copy
        (b"id,name\r\n1,a\r\n2,b\n", ("utf-8, mixed CRLF/LF line ends", 3, False, False)),
        # a Windows-1252 byte after valid UTF-8 text: transcoded
        (b"id,name\n1,Zo\xc3\xa9\n2,caf\xe9\n", ("windows-1252", 3, False, False)),
        # a lead byte, ASCII, then a continuation byte: not UTF-8 however it is cut
        (b"id,name\n1,\xc3abc\xa9\n", ("windows-1252", 2, False, False)),
    ],
)
def test_what_the_scan_reports_does_not_depend_on_the_chunk_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int, content: bytes, expected: tuple
) -> None:
    path = tmp_path / "timesheets.csv"
    path.write_bytes(content)
    monkeypatch.setattr(encoding, "_CHUNK", chunk)
    assert _facts(path) == expected
