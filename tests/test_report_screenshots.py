"""`make screenshots` shoots every page type the site has, and only those."""

from __future__ import annotations

from pathlib import Path

from pipelines.report.screenshots import page_files


def test_each_page_type_present_is_shot_once_with_the_first_one_pager(tmp_path: Path) -> None:
    for name in ("index", "summary", "finance", "unknown"):
        (tmp_path / f"{name}.html").write_text("<p>x</p>", encoding="utf-8")
    (tmp_path / "projects").mkdir()
    for project in ("PRJ-0002", "PRJ-0001"):
        (tmp_path / "projects" / f"{project}.html").write_text("<p>x</p>", encoding="utf-8")

    pages = page_files(tmp_path)

    assert sorted(pages) == ["finance", "index", "one-pager", "summary"]
    assert pages["one-pager"].name == "PRJ-0001.html"
