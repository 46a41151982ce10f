{#-
    The cumulative plan curve every PV is read from, as CTEs for a model's `with` list: the caller
    defines `project_months` (one row per project and measurement month: project_id,
    month_start_date, bac, baseline_start_date, baseline_finish_date, measurement_date,
    schedule_date, ev, is_on_original_baseline) and `plan_lines` (int_plan_lines_converted);
    the last CTE, `curve_values`, has one row per project, measurement month and curve month
    (curve_month) with the cumulative planned_value at that month's end, and `curve_bounds` the
    curve's first and last month per row.
    Why a macro: int_project_months_planned reads PV off the curve at every month, and
    fct_project_earned_value_curve draws the cut-off's whole curve; one definition keeps the two
    on the same numbers (the rules: the earned_value__overview doc block).
-#}
{% macro ev_plan_curve_ctes() %}
budget_months as (

    select
        project_id,
        plan_fiscal_year,
        month_start_date as budget_month,
        {{ strict_sum('amount') }} as budget_amount
    from plan_lines
    where plan_version = 'Budget'
    group by project_id, plan_fiscal_year, month_start_date

),

budget_years as (

    select
        project_id,
        plan_fiscal_year,
        -- the workbook covers its whole fiscal year; a month without a line is planned at 0
        cast(
            {{ dbt.dateadd(
                'month', '1 - ' ~ fiscal_period('min(budget_month)'), 'min(budget_month)'
            ) }} as date
        ) as year_first_month
    from budget_months
    group by project_id, plan_fiscal_year

),

budget_runs as (

    select
        budget_years.project_id,
        budget_years.plan_fiscal_year,
        budget_years.year_first_month,
        cast(
            {{ dbt.dateadd('month', '11', 'budget_years.year_first_month') }} as date
        ) as year_last_month,
        -- consecutive fiscal years share a key: one phasing is chained over them
        budget_years.plan_fiscal_year - row_number() over (
            partition by budget_years.project_id
            order by budget_years.plan_fiscal_year
        ) as run_key
    from budget_years

),

budget_run_anchors as (

    select
        budget_runs.*,
        min(budget_runs.year_first_month) over (
            partition by budget_runs.project_id, budget_runs.run_key
        ) as anchor_month
    from budget_runs

),

project_budget_bounds as (

    select
        project_id,
        min(year_first_month) as first_budget_month,
        max(year_last_month) as last_budget_month
    from budget_run_anchors
    group by project_id

),

curve_bounds as (

    select
        project_months.project_id,
        project_months.month_start_date,
        project_months.bac,
        project_months.baseline_start_date,
        project_months.baseline_finish_date,
        project_months.measurement_date,
        project_months.schedule_date,
        project_months.ev,
        -- finance's phasing is of the first baseline: after a re-baseline PV follows the current
        -- baseline linearly, never the superseded phasing beside an EV on the new BAC
        coalesce(
            project_budget_bounds.project_id is not null
            and project_months.is_on_original_baseline,
            false
        ) as has_budget_phasing,
        cast(
            {{ dbt.date_trunc('month', 'project_months.baseline_start_date') }} as date
        ) as baseline_start_month,
        cast(
            {{ dbt.date_trunc('month', 'project_months.measurement_date') }} as date
        ) as measurement_month,
        cast(
            {{ dbt.date_trunc('month', 'project_months.schedule_date') }} as date
        ) as schedule_month,
        -- the baseline finish in earned schedule months (see period_number)
        {{ dbt.datediff(
            dbt.date_trunc('month', 'project_months.baseline_start_date'),
            dbt.date_trunc('month', 'project_months.baseline_finish_date'),
            'month'
        ) }}
        + {{ ev_month_fraction('project_months.baseline_finish_date') }} as planned_duration_months,
        -- from the month before anything can be planned (PV 0 there) to the last month anything
        -- is planned in (or measured); no curve without both baseline dates
        case
            when
                project_months.baseline_start_date is not null
                and project_months.baseline_finish_date is not null
                then cast({{ dbt.dateadd(
                    'month',
                    '-1',
                    'least('
                    ~ dbt.date_trunc('month', 'project_months.baseline_start_date') ~ ', '
                    ~ 'coalesce(project_budget_bounds.first_budget_month, '
                    ~ dbt.date_trunc('month', 'project_months.baseline_start_date') ~ '), '
                    ~ dbt.date_trunc('month', 'project_months.measurement_date') ~ ')'
                ) }} as date)
        end as curve_first_month,
        case
            when
                project_months.baseline_start_date is not null
                and project_months.baseline_finish_date is not null
                then cast(greatest(
                    {{ dbt.date_trunc('month', 'project_months.baseline_finish_date') }},
                    coalesce(
                        project_budget_bounds.last_budget_month,
                        {{ dbt.date_trunc('month', 'project_months.baseline_finish_date') }}
                    ),
                    {{ dbt.date_trunc('month', 'project_months.measurement_date') }}
                ) as date)
        end as curve_last_month
    from project_months
    left join project_budget_bounds
        on project_months.project_id = project_budget_bounds.project_id

),

spine_bounds as (

    select
        min(curve_first_month) as first_month,
        max(curve_last_month) as last_month
    from curve_bounds

),

months as (

    {{ generate_months('spine_bounds', 'first_month', 'last_month') }}

),

budget_phased_months as (

    select
        budget_run_anchors.project_id,
        budget_run_anchors.anchor_month,
        months.month_start_date as curve_month,
        -- no line for the month: finance planned nothing (0); a null amount is a missing rate
        case
            when budget_months.project_id is null then {{ to_money('0') }}
            else budget_months.budget_amount
        end as budget_amount
    from budget_run_anchors
    inner join months
        on
            budget_run_anchors.year_first_month <= months.month_start_date
            and budget_run_anchors.year_last_month >= months.month_start_date
    left join budget_months
        on
            budget_run_anchors.project_id = budget_months.project_id
            and months.month_start_date = budget_months.budget_month

),

budget_running as (

    select
        budget_phased_months.project_id,
        budget_phased_months.anchor_month,
        budget_phased_months.curve_month,
        count(*) over (
            partition by budget_phased_months.project_id, budget_phased_months.anchor_month
            order by budget_phased_months.curve_month
            rows between unbounded preceding and current row
        ) as months_so_far,
        count(budget_phased_months.budget_amount) over (
            partition by budget_phased_months.project_id, budget_phased_months.anchor_month
            order by budget_phased_months.curve_month
            rows between unbounded preceding and current row
        ) as amounts_so_far,
        sum(budget_phased_months.budget_amount) over (
            partition by budget_phased_months.project_id, budget_phased_months.anchor_month
            order by budget_phased_months.curve_month
            rows between unbounded preceding and current row
        ) as running_budget_amount,
        -- the whole run: how much finance phased over it, and the month it ends in
        count(*) over (
            partition by budget_phased_months.project_id, budget_phased_months.anchor_month
        ) as run_months,
        count(budget_phased_months.budget_amount) over (
            partition by budget_phased_months.project_id, budget_phased_months.anchor_month
        ) as run_amounts,
        sum(budget_phased_months.budget_amount) over (
            partition by budget_phased_months.project_id, budget_phased_months.anchor_month
        ) as run_budget_amount,
        max(budget_phased_months.curve_month) over (
            partition by budget_phased_months.project_id, budget_phased_months.anchor_month
        ) as run_last_month
    from budget_phased_months

),

budget_cumulative as (

    select
        project_id,
        anchor_month,
        curve_month,
        -- a running sum that turns null from the first null amount on (like strict_sum)
        case
            when months_so_far = amounts_so_far then running_budget_amount
        end as cumulative_budget_amount,
        case when run_months = run_amounts then run_budget_amount end as run_budget_amount,
        run_last_month
    from budget_running

),

-- PV on the current baseline, shaped by finance's phasing where it has one (ANSI/EIA-748: the
-- baseline sums to BAC). Finance phases its own budget, which need not equal the PPM tool's BAC,
-- so its months give the curve's shape and the baseline its size: over a run of workbook years
-- PV rises from the linear baseline's value on the day before the run to the linear baseline's
-- value at the run's end, in proportion to the phasing so far. A baseline that finishes within
-- the run therefore ends at BAC; one that runs on after it joins the linear baseline there.
curve_points as (

    select
        curve_bounds.project_id,
        curve_bounds.month_start_date,
        months.month_start_date as curve_month,
        -- earned schedule periods: 1 = the month of the baseline start
        {{ dbt.datediff('curve_bounds.baseline_start_month', 'months.month_start_date', 'month') }}
        + 1 as period_number,
        budget_cumulative.project_id is not null as is_budget_phased,
        {{ ev_linear_planned_value(
            'curve_bounds.bac',
            'curve_bounds.baseline_start_date',
            'curve_bounds.baseline_finish_date',
            dbt.dateadd('day', '-1', 'budget_cumulative.anchor_month')
        ) }} as run_start_pv,
        {{ ev_linear_planned_value(
            'curve_bounds.bac',
            'curve_bounds.baseline_start_date',
            'curve_bounds.baseline_finish_date',
            ev_month_end('budget_cumulative.run_last_month')
        ) }} as run_end_pv,
        budget_cumulative.cumulative_budget_amount,
        budget_cumulative.run_budget_amount,
        {{ ev_linear_planned_value(
            'curve_bounds.bac',
            'curve_bounds.baseline_start_date',
            'curve_bounds.baseline_finish_date',
            ev_month_end('months.month_start_date')
        ) }} as linear_pv
    from curve_bounds
    inner join months
        on
            curve_bounds.curve_first_month <= months.month_start_date
            and curve_bounds.curve_last_month >= months.month_start_date
    left join budget_cumulative
        on
            curve_bounds.has_budget_phasing
            and curve_bounds.project_id = budget_cumulative.project_id
            and months.month_start_date = budget_cumulative.curve_month

),

curve_values as (

    select
        project_id,
        month_start_date,
        curve_month,
        period_number,
        is_budget_phased,
        case
            when not is_budget_phased then linear_pv
            -- finance planned nothing (or a net credit) over the run: the baseline's own line
            when run_budget_amount <= 0 then linear_pv
            else {{ to_money(
                'cast(run_start_pv as ' ~ type_double() ~ ')'
                ~ ' + cast(cumulative_budget_amount as ' ~ type_double() ~ ')'
                ~ ' * cast(run_end_pv - run_start_pv as ' ~ type_double() ~ ')'
                ~ ' / cast(run_budget_amount as ' ~ type_double() ~ ')'
            ) }}
        end as planned_value
    from curve_points

)
{% endmacro %}
