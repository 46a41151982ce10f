"""The book of work: each project's attributes and its true schedule (what really happens).

A project is drawn once with everything that will happen to it: when it really starts and finishes,
how much it slips, whether it goes on hold or is cancelled, when the slip becomes visible to the
project manager, and whether it is re-baselined. The weekly extracts then only *report* this truth
as of each Monday (pipelines.demo.status), which keeps every extract consistent with the others,
with the milestones and with the timesheets.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from pipelines.demo.catalogue import (
    BUSINESS_UNITS,
    CATEGORY_CAPEX_SHARE,
    CATEGORY_DURATION_WEEKS,
    CATEGORY_WEIGHTS,
    DEPENDENCY_SHARE,
    MANDATORY_SHARE_OF_THEME,
    MANDATORY_SHARE_OTHERWISE,
    MANDATORY_THEME,
    MILESTONE_TEMPLATES,
    PHASE_QUALIFIERS,
    PORTFOLIOS,
    PREFERRED_THEMES,
    PROJECT_CURRENCY_WEIGHTS,
    PROJECTS_PER_EXCLUSIVE_PAIR,
    REGION_QUALIFIERS,
    STRATEGIC_THEMES,
    Portfolio,
)
from pipelines.demo.dates import Window, monday_of, to_business_day, week_of
from pipelines.demo.seeds import rng_for, weighted_choice

# How far before the history window a project's baseline start may lie, and after the as-of date.
_LOOKBACK_DAYS = 420
_LOOKAHEAD_DAYS = 56


@dataclass(slots=True)
class Milestone:
    number: int
    name: str
    fraction: float  # position in the project's baseline; 0 = before the start (no slip)
    baseline: date


@dataclass(slots=True)
class CostLine:
    """A month's non-labour spend on one cost item, capitalised or not (see non_labour.py)."""

    item: str
    capex: bool
    amount: float


@dataclass(slots=True, eq=False)
class Project:
    index: int
    project_id: str
    name: str
    portfolio: Portfolio
    program: str
    sponsor: str
    business_unit: str
    category: str
    theme: str
    currency: str
    alignment: int
    value: int
    risk: int
    urgency: int
    troubled: bool
    optimistic: bool  # the PM reports one RAG level better than the numbers say, until late
    capex_share: float
    created: date
    baseline_start: date
    baseline_finish: date
    start_delay_days: int
    exec_slip_days: int
    hold: tuple[int, int] | None  # weeks [first, end) on hold
    cancel_week: int | None  # first week of being cancelled
    actual_start: date
    actual_finish: date
    reveal_onset_week: int
    reveal_full_week: int
    reveal_steps: int
    rebaseline_week: int | None
    progress_exponent: float
    planning_fraction: float
    milestones: list[Milestone]
    # Filled in by staffing, the labour model and costing.
    manager: str = ""
    labour_by_month: dict[int, float] = field(default_factory=dict)
    # Cost before the timesheet window by month: the GL's history lines (see ledger.py).
    labour_before_window: dict[int, float] = field(default_factory=dict)
    non_labour: dict[int, list[CostLine]] = field(default_factory=dict)
    non_labour_before: dict[int, tuple[float, float]] = field(default_factory=dict)  # capex, opex
    non_labour_monthly: dict[int, tuple[float, float]] = field(default_factory=dict)  # capex, opex
    bac: int = 0
    capex_budget: int = 0
    eac_full: float = 0.0  # cost at completion if the project runs its (slipped) course
    spent_total: float = 0.0  # what it really costs over its life, cancelled or not
    # Set once costs are known (pipelines.demo.status.settle_rebaseline).
    rebaseline_bac: int = 0
    rebaseline_capex: int = 0
    rebaseline_finish: date | None = None
    rebaseline_milestones: dict[int, date] = field(default_factory=dict)
    noise_seed: int = 0
    # Prioritisation inputs, drawn after all projects exist (link_projects).
    is_mandatory: bool = False
    depends_on: tuple[str, ...] = ()
    exclusive_group: str = ""
    # Week indices of the fixed dates, asked for millions of times by the labour model.
    created_week: int = field(init=False)
    start_week: int = field(init=False)
    finish_week: int = field(init=False)
    # The weeks the team works, as [first, end) spans: the working span minus hold and after
    # cancellation. The same weeks `is_working` answers for one at a time.
    working_spans: tuple[tuple[int, int], ...] = field(init=False)

    def __post_init__(self) -> None:
        self.created_week = week_of(self.created)
        self.start_week = week_of(self.actual_start)
        self.finish_week = week_of(self.actual_finish)
        end = self.finish_week + 1
        if self.cancel_week is not None:
            end = min(end, self.cancel_week)
        spans = [(self.start_week, end)]
        if self.hold is not None:
            spans = [
                (self.start_week, min(end, self.hold[0])),
                (max(self.start_week, self.hold[1]), end),
            ]
        self.working_spans = tuple((lo, hi) for lo, hi in spans if lo < hi)

    # -- week arithmetic -------------------------------------------------------------------

    @property
    def hold_weeks(self) -> int:
        return self.hold[1] - self.hold[0] if self.hold else 0

    @property
    def working_weeks_full(self) -> int:
        """Weeks the team works if the project is not cancelled."""
        return self.finish_week - self.start_week + 1 - self.hold_weeks

    @property
    def baseline_weeks(self) -> int:
        return week_of(self.baseline_finish) - week_of(self.baseline_start) + 1

    def is_working(self, week: int) -> bool:
        """Started, not finished, not on hold, not cancelled: the only weeks time is booked."""
        if week < self.start_week or week > self.finish_week:
            return False
        if self.cancel_week is not None and week >= self.cancel_week:
            return False
        return not (self.hold is not None and self.hold[0] <= week < self.hold[1])

    def weeks_worked_before(self, week: int) -> int:
        last = min(week, self.finish_week + 1)
        if self.cancel_week is not None:
            last = min(last, self.cancel_week)
        worked = max(0, last - self.start_week)
        if self.hold is not None and worked:
            worked -= max(0, min(last, self.hold[1]) - max(self.start_week, self.hold[0]))
        return worked

    def reveal(self, week: int) -> float:
        """Share of the execution slip the PM has admitted to by `week` (it comes out in steps)."""
        if week < self.reveal_onset_week:
            return 0.0
        if week >= self.reveal_full_week:
            return 1.0
        span = self.reveal_full_week - self.reveal_onset_week
        step = math.floor(self.reveal_steps * (week - self.reveal_onset_week) / span) + 1
        return min(1.0, step / self.reveal_steps)

    @property
    def start_delay_known_week(self) -> int:
        return week_of(self.baseline_start) - 2

    @property
    def cancel_date(self) -> date | None:
        return monday_of(self.cancel_week) if self.cancel_week is not None else None

    @property
    def last_cost_date(self) -> date:
        """The last day anyone works on it: finish, or the Sunday before cancellation."""
        if self.cancel_week is not None:
            cancelled = monday_of(self.cancel_week) - timedelta(days=1)
            return min(cancelled, self.actual_finish)
        return self.actual_finish


def _unique_name(base: str, rng: random.Random, taken: set[str]) -> str:
    candidates = [base]
    for _ in range(12):
        region = rng.choice(REGION_QUALIFIERS)
        phase = rng.choice(PHASE_QUALIFIERS)
        candidates.append(f"{base} - {region}" if rng.random() < 0.5 else f"{base} {phase}")
        candidates.append(f"{base} - {region} {phase}")
    for name in candidates:
        if name not in taken:
            taken.add(name)
            return name
    number = 2
    while f"{base} {number}" in taken:
        number += 1
    taken.add(f"{base} {number}")
    return f"{base} {number}"


def _score(rng: random.Random, mean: float, spread: float = 1.0) -> int:
    return max(1, min(5, round(rng.gauss(mean, spread))))


def _milestones(rng: random.Random, category: str, start: date, finish: date) -> list[Milestone]:
    count = rng.randint(3, 5) if category == "Run" else rng.randint(4, 8)
    names = MILESTONE_TEMPLATES[count]
    length = (finish - start).days
    # Delivery milestones sit roughly evenly through the plan, each jittered within its slot.
    delivery = [name for name in names[:-1] if name != "Business case approved"]
    slots = len(delivery) + 1
    fractions = {name: (i + 1 + rng.uniform(-0.3, 0.3)) / slots for i, name in enumerate(delivery)}
    milestones: list[Milestone] = []
    for number, name in enumerate(names, start=1):
        if name == "Business case approved":
            # Approved by the day work starts (a milestone before the project's start is a data
            # error to the quality gate), so never slipped by the delivery.
            milestones.append(Milestone(number, name, 0.0, start))
        elif number == count:
            milestones.append(Milestone(number, name, 1.0, finish))
        else:
            fraction = fractions[name]
            baseline = to_business_day(start + timedelta(days=round(fraction * length)))
            milestones.append(Milestone(number, name, fraction, baseline))
    return milestones


@dataclass(frozen=True, slots=True)
class _Schedule:
    created: date
    baseline_start: date
    baseline_finish: date
    start_delay_days: int
    exec_slip_days: int
    hold: tuple[int, int] | None
    cancel_week: int | None
    actual_start: date
    actual_finish: date
    troubled: bool


def _draw_schedule(
    rng: random.Random, category: str, risk: int, window: Window
) -> _Schedule | None:
    """One attempt at a believable schedule; None if it falls outside what the exports can show."""
    low, high = CATEGORY_DURATION_WEEKS[category]
    duration_weeks = rng.randint(low, high)
    earliest = window.first_timesheet_day - timedelta(days=_LOOKBACK_DAYS)
    offset = rng.randint(0, (window.as_of - earliest).days + _LOOKAHEAD_DAYS)
    baseline_start = monday_of(week_of(earliest + timedelta(days=offset)))
    baseline_finish = baseline_start + timedelta(days=duration_weeks * 7 - 3)  # a Friday
    created = baseline_start - timedelta(days=rng.randint(21, 84))
    if created > window.as_of:
        return None
    troubled = rng.random() < 0.12 + 0.08 * (risk - 1)
    start_delay_weeks = 0 if rng.random() < 0.75 else rng.randint(1, 6)
    draw = rng.random()
    if troubled:
        slip_fraction = rng.uniform(0.12, 0.5)
    elif draw < 0.5:
        slip_fraction = 0.0
    elif draw < 0.85:
        slip_fraction = rng.uniform(0.0, 0.08)
    else:
        slip_fraction = rng.uniform(-0.08, 0.0)  # some finish early
    exec_slip_days = round(slip_fraction * duration_weeks * 7)
    hold_length = rng.randint(4, 16) if rng.random() < 0.2 else 0
    actual_start = baseline_start + timedelta(days=7 * start_delay_weeks)
    actual_finish = to_business_day(
        baseline_finish + timedelta(days=7 * start_delay_weeks + exec_slip_days + 7 * hold_length)
    )
    if actual_finish < actual_start + timedelta(days=25):
        return None
    start_week, finish_week = week_of(actual_start), week_of(actual_finish)
    span = finish_week - start_week + 1
    hold = None
    if hold_length and span >= hold_length + 4:
        hold_from = start_week + 1 + int(rng.uniform(0.2, 0.7) * (span - hold_length - 2))
        hold = (hold_from, hold_from + hold_length)
    elif hold_length:
        exec_slip_days += 7 * hold_length  # too short to pause: the lost weeks are plain slip
    cancel_week = None
    draw = rng.random()
    if draw < (0.1 if troubled else 0.035):
        cancel_week = start_week + max(1, int(rng.uniform(0.1, 0.8) * span))
    elif draw < (0.11 if troubled else 0.045):
        cancel_week = rng.randint(week_of(created) + 1, start_week)  # stopped before it started
    visible_end = monday_of(cancel_week) if cancel_week is not None else actual_finish
    if visible_end < window.first_timesheet_day - timedelta(days=56):
        return None  # long finished: the PPM tool's export no longer carries it
    return _Schedule(
        created=created,
        baseline_start=baseline_start,
        baseline_finish=baseline_finish,
        start_delay_days=7 * start_delay_weeks,
        exec_slip_days=exec_slip_days,
        hold=hold,
        cancel_week=cancel_week,
        actual_start=actual_start,
        actual_finish=actual_finish,
        troubled=troubled,
    )


def _rebaseline_week(
    rng: random.Random,
    troubled: bool,
    cancel_week: int | None,
    onset: int,
    full: int,
    window: Window,
) -> int | None:
    """Troubled projects are sometimes re-baselined once the slip is out; prefer inside the window
    so the extracts show the baseline and budget moving."""
    if not troubled or cancel_week is not None or rng.random() >= 0.45:
        return None
    low, high = onset + 2, full - 1
    if low > high:
        return None
    in_low = max(low, window.extract_weeks[0] + 1)
    in_high = min(high, window.as_of_week)
    if in_low <= in_high and rng.random() < 0.8:
        return rng.randint(in_low, in_high)
    return rng.randint(low, high)


def generate_projects(count: int, window: Window, seed: int) -> list[Project]:
    width = max(4, len(str(count)))
    taken_names: set[str] = set()
    projects: list[Project] = []
    for index in range(count):
        rng = rng_for(seed, "project", index)
        portfolio = weighted_choice(rng, [(p, p.weight) for p in PORTFOLIOS])
        category = weighted_choice(rng, CATEGORY_WEIGHTS)
        risk_mean = {"Run": 2.0, "Grow": 2.9, "Transform": 3.8}[category]
        risk = _score(rng, risk_mean)
        schedule = None
        for _attempt in range(500):
            schedule = _draw_schedule(rng, category, risk, window)
            if schedule is not None:
                break
        if schedule is None:
            raise RuntimeError(f"could not place project {index} in the history window")
        start_week = week_of(schedule.actual_start)
        finish_week = week_of(schedule.actual_finish)
        span = finish_week - start_week + 1
        onset = start_week + int(rng.uniform(0.15, 0.5) * span)
        full = max(onset + 1, finish_week - rng.randint(0, 4))
        full = min(full, finish_week)
        theme_pool = PREFERRED_THEMES[portfolio.name]
        capex_low, capex_high = CATEGORY_CAPEX_SHARE[category]
        projects.append(
            Project(
                index=index,
                project_id=f"PRJ-{index + 1:0{width}d}",
                name=_unique_name(rng.choice(portfolio.project_bases), rng, taken_names),
                portfolio=portfolio,
                program=rng.choice(portfolio.programs),
                sponsor=rng.choice(portfolio.sponsors),
                business_unit=("Group IT" if rng.random() < 0.35 else rng.choice(BUSINESS_UNITS)),
                category=category,
                theme=(
                    rng.choice(theme_pool) if rng.random() < 0.6 else rng.choice(STRATEGIC_THEMES)
                ),
                currency=weighted_choice(rng, PROJECT_CURRENCY_WEIGHTS),
                alignment=_score(rng, 3.4, 1.1),
                value=_score(rng, {"Run": 2.5, "Grow": 3.4, "Transform": 4.0}[category]),
                risk=risk,
                urgency=_score(rng, 3.0, 1.2),
                troubled=schedule.troubled,
                optimistic=rng.random() < 0.25,
                capex_share=rng.uniform(capex_low, capex_high),
                created=schedule.created,
                baseline_start=schedule.baseline_start,
                baseline_finish=schedule.baseline_finish,
                start_delay_days=schedule.start_delay_days,
                exec_slip_days=schedule.exec_slip_days,
                hold=schedule.hold,
                cancel_week=schedule.cancel_week,
                actual_start=schedule.actual_start,
                actual_finish=schedule.actual_finish,
                reveal_onset_week=onset,
                reveal_full_week=full,
                reveal_steps=rng.randint(2, 5),
                rebaseline_week=_rebaseline_week(
                    rng, schedule.troubled, schedule.cancel_week, onset, full, window
                ),
                progress_exponent=rng.uniform(0.8, 1.25),
                planning_fraction=rng.uniform(0.08, 0.2),
                noise_seed=rng.getrandbits(48),
                milestones=_milestones(
                    rng, category, schedule.baseline_start, schedule.baseline_finish
                ),
            )
        )
    link_projects(projects, seed)
    return projects


def link_projects(projects: list[Project], seed: int) -> None:
    """Mandatory flags, dependencies and exclusive alternatives, from their own random stream so
    the rest of the book of work is the same as without them.

    A project depends only on earlier projects of its programme (no cycles). Alternatives are
    pairs in the same portfolio, neither mandatory nor a prerequisite of another project, so the
    demo's baseline stays feasible.
    """
    rng = rng_for(seed, "prioritisation")
    by_program: dict[str, list[Project]] = {}
    for project in projects:
        share = (
            MANDATORY_SHARE_OF_THEME
            if project.theme == MANDATORY_THEME
            else MANDATORY_SHARE_OTHERWISE
        )
        project.is_mandatory = rng.random() < share
        program = by_program.setdefault(project.program, [])
        # Only projects already in the PPM tool when this one is created: every extract that
        # lists a project also lists its prerequisites.
        earlier = [p for p in program if p.created <= project.created]
        if earlier and rng.random() < DEPENDENCY_SHARE:
            count = min(len(earlier), 1 if rng.random() < 0.8 else 2)
            project.depends_on = tuple(sorted(p.project_id for p in rng.sample(earlier, count)))
        program.append(project)
    prerequisites = {p_id for project in projects for p_id in project.depends_on}
    free: dict[str, list[Project]] = {}
    for project in projects:
        if not project.is_mandatory and project.project_id not in prerequisites:
            free.setdefault(project.portfolio.name, []).append(project)
    pairs = max(1, len(projects) // PROJECTS_PER_EXCLUSIVE_PAIR) if len(projects) >= 10 else 0
    pools = [pool for _name, pool in sorted(free.items()) if len(pool) >= 2]
    for number in range(1, pairs + 1):
        pools = [pool for pool in pools if len(pool) >= 2]
        if not pools:
            break
        pool = rng.choice(pools)
        first, second = rng.sample(pool, 2)
        for member in (first, second):
            member.exclusive_group = f"ALT-{number:02d}"
            pool.remove(member)
