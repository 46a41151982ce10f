"""The Vega bundle is built once per installation, not once per new site folder.

A site rendered into a new folder (a first run, a real export's own reports, a test) used to
build the bundle with vl-convert in every process (1-1.5 s); it is now copied from the
installation's cache, which the first build writes whole or not at all.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipelines.report import static_assets

BUNDLE = "/* vega, vega-lite, vega-embed */"


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[int]:
    """vl-convert's builds from here on (faked: the text is not what is tested), with the
    installation's cache under tmp_path."""
    built: list[int] = []

    def build() -> str:
        built.append(1)
        return BUNDLE

    monkeypatch.setattr(static_assets, "_vega_bundle_text", build)
    cache = tmp_path / "prefix" / "share" / "portfolio-pipeline" / "vega-bundle-x.js"
    monkeypatch.setattr(static_assets, "bundle_cache_file", lambda: cache)
    return built


def _bundle(site: Path) -> str:
    return (site / "static" / static_assets.VEGA_BUNDLE).read_text(encoding="utf-8")


def test_new_site_folders_share_one_build(builds: list[int], tmp_path: Path) -> None:
    for n in range(3):
        static_assets.write_static(tmp_path / f"site{n}", previous=None)
        assert _bundle(tmp_path / f"site{n}") == BUNDLE
    assert len(builds) == 1
    assert static_assets.bundle_cache_file().read_text(encoding="utf-8") == BUNDLE


def test_an_installation_that_cannot_keep_it_still_gets_its_bundle(
    builds: list[int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only installation (here: its share folder is a file), and a cache write that fails
    halfway (here: the final rename): each site still gets the whole bundle, nothing half
    written is left to be copied later."""
    share = static_assets.bundle_cache_file().parent
    share.parent.mkdir(parents=True)
    share.write_text("not a folder", encoding="utf-8")
    static_assets.write_static(tmp_path / "site0", previous=None)
    assert _bundle(tmp_path / "site0") == BUNDLE

    share.unlink()

    def full_disk(source: str, target: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    static_assets.write_static(tmp_path / "site1", previous=None)
    assert _bundle(tmp_path / "site1") == BUNDLE
    assert list(share.iterdir()) == []  # the partial copy removed
    assert len(builds) == 2  # once per site: nowhere to keep it


def test_the_cache_is_named_for_the_vl_convert_version() -> None:
    name = static_assets.bundle_cache_file().name
    assert name.startswith(static_assets.VEGA_BUNDLE.removesuffix(".js") + "-")
