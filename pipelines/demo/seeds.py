"""Independent, reproducible random streams derived from the run's seed.

Each entity (a project, an employee, a week of timesheets) gets its own stream keyed by name, so
adding a row elsewhere never shifts another entity's numbers and any one week can be regenerated
alone. Keys go through blake2b rather than `hash()`, which is salted per Python process.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def derive_seed(seed: int, *parts: object) -> int:
    key = "|".join([str(seed), *(str(part) for part in parts)]).encode()
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big")


def rng_for(seed: int, *parts: object) -> random.Random:
    return random.Random(derive_seed(seed, *parts))


def weighted_choice(rng: random.Random, options: Sequence[tuple[T, float]]) -> T:
    """One draw from (value, weight) pairs; a single `random()` call keeps streams cheap."""
    total = sum(weight for _, weight in options)
    target = rng.random() * total
    for value, weight in options:
        target -= weight
        if target < 0:
            return value
    return options[-1][0]
