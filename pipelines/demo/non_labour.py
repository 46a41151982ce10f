"""A project's non-labour spend (licences, cloud, hardware, contractors...) spread over its months.

Each cost item has a shape that finance would recognise: licences land up front, cloud ramps up as
workloads move, hardware arrives in a few lumps, contractors bill flat, consultants early, training
late, travel now and then. Whether a line is capitalised follows the item and the project's split.
"""

from __future__ import annotations

import math
import random

from pipelines.demo.catalogue import COST_ITEMS
from pipelines.demo.dates import month_of
from pipelines.demo.projects import CostLine, Project


def _profile(shape: str, months: int, rng: random.Random) -> list[float]:
    if shape == "front":
        return [float(months)] + [1.0] * (months - 1)
    if shape == "ramp":
        return [float(i + 1) for i in range(months)]
    if shape == "lumps":
        reach = max(1, math.ceil(0.6 * months))
        picks = set(rng.sample(range(reach), min(reach, rng.randint(1, 3))))
        return [1.0 if i in picks else 0.0 for i in range(months)]
    if shape == "early":
        reach = max(1, math.ceil(0.6 * months))
        return [1.0 if i < reach else 0.0 for i in range(months)]
    if shape == "late":
        begin = months - max(1, math.ceil(0.3 * months))
        return [1.0 if i >= begin else 0.0 for i in range(months)]
    if shape == "sporadic":
        weights = [1.0 if rng.random() < 0.35 else 0.0 for _ in range(months)]
        if not any(weights):
            weights[rng.randrange(months)] = 1.0
        return weights
    return [1.0] * months  # flat


def plan_non_labour(
    project: Project, total: float, rng: random.Random
) -> dict[int, list[CostLine]]:
    """Month -> cost lines over the project's full (slipped) life, before any cancellation."""
    first = month_of(project.actual_start)
    months = month_of(project.actual_finish) - first + 1
    mix = [
        (code, weight) for code, weight in project.portfolio.cost_item_mix if rng.random() < 0.85
    ]
    if not mix:
        mix = [project.portfolio.cost_item_mix[0]]
    shares = [weight * rng.uniform(0.5, 1.5) for _, weight in mix]
    share_total = sum(shares)
    plan: dict[int, list[CostLine]] = {}
    for (code, _weight), share in zip(mix, shares, strict=True):
        item = COST_ITEMS[code]
        item_total = total * share / share_total
        profile = _profile(item.profile, months, rng)
        profile_total = sum(profile)
        if item.capitalised == "always":
            splits = [(True, 1.0)]
        elif item.capitalised == "never" or project.capex_share < 0.05:
            splits = [(False, 1.0)]
        else:
            splits = [(True, project.capex_share), (False, 1.0 - project.capex_share)]
        for offset, weight in enumerate(profile):
            if weight == 0.0:
                continue
            amount = item_total * weight / profile_total * rng.uniform(0.85, 1.15)
            for capex, fraction in splits:
                plan.setdefault(first + offset, []).append(CostLine(code, capex, amount * fraction))
    return plan
