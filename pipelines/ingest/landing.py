"""Whether a run may start on its landing folder, and whether it gets the demo exports.

The demo exports are written only where they cannot hide a mistake: the default landing folder
on a first run (no published warehouse yet), i.e. `make run` on a fresh clone. A configured
folder that is missing or empty is a typo or an unmounted share; writing 150 demo projects into
it and publishing them over the real warehouse is the worst answer, so the run is refused
before anything runs, naming the folder and the variable.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipelines.settings import Settings, env_name


@dataclass(frozen=True)
class LandingDecision:
    """`refusal` set: stop before anything runs. `write_demo`: write the demo exports first."""

    write_demo: bool = False
    refusal: str | None = None


def default_landing_dir() -> Path:
    """The folder `make run` uses on a fresh clone (the only one the demo may be written to)."""
    return Settings().landing_dir


def has_files(landing_dir: Path) -> bool:
    return landing_dir.is_dir() and any(p.is_file() for p in landing_dir.rglob("*"))


def decide_landing(settings: Settings, *, demo_allowed: bool = True) -> LandingDecision:
    """What to do about the landing folder before a run (`demo_allowed` False: `--no-demo`)."""
    folder = settings.landing_dir
    if has_files(folder):
        return LandingDecision()
    variable = env_name("landing_dir")
    state = "does not exist" if not folder.exists() else "holds no files"
    is_default = folder == default_landing_dir()
    first_run = not settings.warehouse_path.exists()
    if demo_allowed and is_default and first_run:
        return LandingDecision(write_demo=True)
    if not is_default:
        why = f"it is the folder {variable} names; check the variable and that the share is mounted"
    elif not first_run:
        why = (
            f"a warehouse is already published ({settings.warehouse_path}), so demo exports "
            "would replace real data"
        )
    else:
        why = "the demo exports were not asked for (--no-demo)"
    return LandingDecision(
        refusal=(
            f"The landing folder {folder} {state}: nothing to ingest, and the run was not "
            f"started ({why}). Set {variable} to the folder the exports land in. "
            "Nothing was written or published."
        )
    )
