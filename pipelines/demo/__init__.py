"""Seeded demo exports: a believable mid-size (or enterprise-size) IT portfolio, as a PMO gets it.

`generate_demo_exports(landing_dir, config)` writes every source of docs/exports.md into a landing
folder; `python -m pipelines.demo --help` does the same from the command line.
"""

from pipelines.demo.config import PRESETS, DemoConfig, ScalePreset, apply_preset
from pipelines.demo.generate import (
    SOURCES,
    DemoSummary,
    LandingNotEmptyError,
    generate_demo_exports,
)
from pipelines.demo.writer import WrittenFile

__all__ = [
    "PRESETS",
    "SOURCES",
    "DemoConfig",
    "DemoSummary",
    "LandingNotEmptyError",
    "ScalePreset",
    "WrittenFile",
    "apply_preset",
    "generate_demo_exports",
]
