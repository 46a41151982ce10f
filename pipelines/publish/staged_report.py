"""Publish the warehouse and the reports rendered from it as one pair, warehouse first.

The report step renders into `<reports>.staging`, which nobody reads. Only the last step of a run
publishes, in this order:

1. `<reports>.staging` is renamed to `<reports>.publishing`: "this report goes with the build about
   to be published". The build file still exists, so a crash here publishes nothing (the next run
   discards both).
2. The build file is renamed over the published warehouse (one atomic rename, the commit point).
3. `<reports>.publishing` is swapped in for `<reports>` (two renames: pipelines/site_folder.py).

The remaining window, stated honestly: between 2 and 3 (microseconds, nothing runs there but the
renames) a reader can see the new warehouse beside the previous reports, and during 3 the reports
folder is briefly absent (never partial). A crash in that window does not leave the pair mismatched
for long: `<reports>.publishing` without a build file can only mean step 2 happened, so
`finish_or_discard` (called when a run fails and when the next run starts) completes step 3.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Literal

from pipelines.publish.paths import build_path, report_being_published, staged_report
from pipelines.publish.warehouse_build import fsync_dir, publish_build
from pipelines.site_folder import check_replaceable, publish_folder


def publish_warehouse_and_report(published: Path, reports: Path) -> None:
    """Steps 1-3 above. The caller has checkpointed and closed the build file."""
    staged = staged_report(reports)
    if not staged.is_dir():
        raise FileNotFoundError(f"no staged report {staged}: run the report step before publishing")
    check_replaceable(reports)  # refuse before anything is swapped, not between the two swaps
    publishing = report_being_published(reports)
    os.rename(staged, publishing)
    fsync_dir(publishing.parent)  # durable before the warehouse rename, which may be in another dir
    publish_build(published)
    publish_folder(publishing, reports)
    fsync_dir(reports.parent)


def finish_or_discard(published: Path, reports: Path) -> Literal["finished", "discarded"] | None:
    """Resolve a publish interrupted by a crash (None: there was none)."""
    publishing = report_being_published(reports)
    if not publishing.exists():
        return None
    if build_path(published).exists():
        # Stopped before the warehouse rename: neither half was published.
        shutil.rmtree(publishing)
        return "discarded"
    publish_folder(publishing, reports)
    fsync_dir(reports.parent)
    return "finished"
