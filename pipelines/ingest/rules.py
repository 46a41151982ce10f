"""The ingest's rules and what each does, read from `expectations/ingest_rules.json`.

Every way a file or a row can be set aside has a name and an action (block | quarantine | warn) in
that file, so what a bad input does is configuration that can be read and reviewed, not a habit
buried in code. A rule the code uses but the file does not define is a bug: it fails loudly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pipelines.settings import EXPECTATIONS_DIR

RULES_FILE = EXPECTATIONS_DIR / "ingest_rules.json"
Action = Literal["block", "quarantine", "warn"]
_ACTIONS: tuple[Action, ...] = ("block", "quarantine", "warn")
_LEVELS = ("file", "row")


@dataclass(frozen=True)
class IngestRule:
    rule: str
    action: Action
    level: str
    description: str


def load_rules(path: Path = RULES_FILE) -> dict[str, IngestRule]:
    """Parse and check the rules file; a malformed entry is an error, not a default."""
    entries = json.loads(path.read_text(encoding="utf-8"))["rules"]
    rules: dict[str, IngestRule] = {}
    for entry in entries:
        name, action, level = entry["rule"], entry["action"], entry["level"]
        if action not in _ACTIONS or level not in _LEVELS:
            raise ValueError(
                f"{path}: rule {name!r} needs action in {_ACTIONS} and level in {_LEVELS}, "
                f"found action={action!r} level={level!r}"
            )
        if name in rules:
            raise ValueError(f"{path}: rule {name!r} is defined twice")
        rules[name] = IngestRule(name, action, level, str(entry["description"]))
    return rules


@lru_cache(maxsize=1)
def _configured() -> dict[str, IngestRule]:
    return load_rules()


def get_rule(name: str, rules: dict[str, IngestRule] | None = None) -> IngestRule:
    """The configured rule `name`; KeyError naming the file if the code uses an unknown rule."""
    known = _configured() if rules is None else rules
    try:
        return known[name]
    except KeyError:
        raise KeyError(
            f"ingest rule {name!r} is used by the code but not defined in {RULES_FILE} "
            f"(defined: {', '.join(sorted(known))})"
        ) from None


def action_of(name: str) -> Action:
    return get_rule(name).action
