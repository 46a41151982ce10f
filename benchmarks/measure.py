"""Run a command in a child process and measure it: wall time and the memory of its whole
process tree (the pipeline's dbt is a subprocess of its own).

The tree's resident memory (the sum over the child and all its descendants, from /proc) is
sampled every `INTERVAL` seconds, so the peak of any time window (a stage) can be read off the
samples; `wait4` also gives the kernel's exact ru_maxrss of the largest single process.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

INTERVAL = 0.1


@dataclass
class Measurement:
    seconds: float
    returncode: int
    max_single_process_mb: float  # ru_maxrss over the child and its waited-for descendants
    samples: list[tuple[float, float]] = field(default_factory=list)  # (epoch s, tree MB)

    @property
    def peak_tree_mb(self) -> float:
        return max((mb for _, mb in self.samples), default=0.0)

    def peak_between(self, start: float, end: float) -> float:
        inside = [mb for at, mb in self.samples if start <= at <= end]
        return max(inside, default=0.0)


def run_measured(command: list[str], log: Path) -> Measurement:
    with log.open("w") as output:
        started = time.monotonic()
        child = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        samples: list[tuple[float, float]] = []
        done = threading.Event()
        sampler = threading.Thread(target=_sample, args=(child.pid, samples, done), daemon=True)
        sampler.start()
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.monotonic() - started
        done.set()
        sampler.join()
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4, not by Popen
    return Measurement(seconds, child.returncode, usage.ru_maxrss / 1024, samples)


def _sample(root: int, samples: list[tuple[float, float]], done: threading.Event) -> None:
    while not done.wait(INTERVAL):
        samples.append((time.time(), tree_rss_mb(root)))


def tree_rss_mb(root: int) -> float:
    """Resident memory of `root` and every descendant, in MB (0 for processes that just ended)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            parent = _parent_of(int(entry.name))
            if parent is not None:
                children.setdefault(parent, []).append(int(entry.name))
    total_kb, pending = 0, [root]
    while pending:
        pid = pending.pop()
        total_kb += _rss_kb(pid)
        pending.extend(children.get(pid, ()))
    return total_kb / 1024


def _parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])  # the field after the state


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0
