"""Independent solves side by side.

A prioritisation run solves one programme per scenario, per frontier point and per weight
perturbation (about 75 by default), each independent of the others. HiGHS releases the GIL while
it solves, so a pool of threads uses every core with no copying of the programme between
processes; the results come back in the order asked, and each solve is deterministic, so the
marts are the same as a one-at-a-time run's. The solver's native output is silenced once for the
whole pool (native_output.py).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Protocol, TypeVar

from pipelines.prioritization.native_output import native_stdout_silenced

T = TypeVar("T")
R = TypeVar("R")


class Mapper(Protocol):
    """`fn` applied to every item, the results in the items' order."""

    def __call__(self, fn: Callable[[T], R], items: Iterable[T], /) -> list[R]: ...


def serial_map(fn: Callable[[T], R], items: Iterable[T], /) -> list[R]:
    return [fn(item) for item in items]


def pool_threads(workers: int = 0) -> int:
    """The threads `solver_pool(workers)` runs: one per core when 0."""
    return workers or os.cpu_count() or 1


@contextmanager
def solver_pool(workers: int = 0) -> Iterator[Mapper]:
    """A Mapper that runs its calls on `workers` threads (one per core when 0; serially when
    there is one). Several threads may map through it at once: their calls share the threads."""
    count = pool_threads(workers)
    if count <= 1:
        yield serial_map
        return
    with native_stdout_silenced(), ThreadPoolExecutor(count, "solver") as pool:

        def parallel_map(fn: Callable[[T], R], items: Iterable[T], /) -> list[R]:
            return list(pool.map(fn, items))

        yield parallel_map
