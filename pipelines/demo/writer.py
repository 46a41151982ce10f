"""Write landing files safely and reproducibly.

Files are written under a `.part` name and renamed when complete, so a sensor or a pipeline run
that lists the landing folder mid-generation never ingests half a file. Workbooks are re-zipped with
fixed timestamps because openpyxl stamps the save time into both the zip entries and
docProps/core.xml, which would make every run's bytes (and so the ingest's file hash) differ.
"""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from types import TracebackType

from openpyxl import Workbook


@dataclass(frozen=True)
class WrittenFile:
    source: str
    path: str  # relative to the landing folder, with forward slashes
    rows: int  # data rows (CSV lines after the header; workbook rows between header and Total)


class CsvFile:
    """A landing CSV opened for streaming: header first, then rows in batches, counted."""

    def __init__(self, landing_dir: Path, source: str, relative: str, header: Sequence[str]):
        self.source = source
        self.relative = relative
        self.path = landing_dir / relative
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._partial = self.path.with_name(self.path.name + ".part")
        self._handle = self._partial.open("w", encoding="utf-8", newline="")
        self._writer = csv.writer(self._handle, lineterminator="\n")
        self._writer.writerow(header)
        self.rows = 0

    def write(self, row: Sequence[str]) -> None:
        self._writer.writerow(row)
        self.rows += 1

    def write_many(self, rows: Iterable[Sequence[str]]) -> None:
        batch = rows if isinstance(rows, list) else list(rows)
        self._writer.writerows(batch)
        self.rows += len(batch)

    def close(self) -> WrittenFile:
        self._handle.close()
        os.replace(self._partial, self.path)
        return WrittenFile(self.source, self.relative, self.rows)

    def abort(self) -> None:
        self._handle.close()
        self._partial.unlink(missing_ok=True)

    def __enter__(self) -> CsvFile:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc_type is not None:
            self.abort()


def write_csv(
    landing_dir: Path,
    source: str,
    relative: str,
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
) -> WrittenFile:
    with CsvFile(landing_dir, source, relative, header) as output:
        for row in rows:
            output.write(row)
        return output.close()


_CORE_TIMESTAMP = re.compile(
    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)"
)


def save_workbook(workbook: Workbook, path: Path, stamp: date) -> None:
    """Save with every timestamp set to `stamp` so the same content gives the same bytes."""
    moment = datetime(stamp.year, stamp.month, stamp.day)
    workbook.properties.created = moment
    workbook.properties.modified = moment
    workbook.properties.creator = "pipelines.demo"
    buffer = io.BytesIO()
    workbook.save(buffer)
    iso = moment.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    zip_time = (stamp.year, stamp.month, stamp.day, 0, 0, 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source,
        zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _CORE_TIMESTAMP.sub(lambda m: m.group(1) + iso + m.group(2), data)
            entry = zipfile.ZipInfo(info.filename, date_time=zip_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, data)
    os.replace(partial, path)
