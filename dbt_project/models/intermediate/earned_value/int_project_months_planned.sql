-- Planned value (PV) and earned schedule per project and month. PV comes from a cumulative plan
-- curve: finance's monthly Budget phasing where the workbook covers the month, the linear baseline
-- elsewhere; each row measures it on its own measurement date, budget and baseline.

with

project_months as (

    select * from {{ ref('int_project_months_earned') }}

),

plan_lines as (

    select * from {{ ref('int_plan_lines_converted') }}

),

{{ ev_plan_curve_ctes() }},

curve_steps as (

    select
        curve_values.*,
        -- earned schedule reads a non-decreasing curve: the highest PV planned so far
        max(curve_values.planned_value) over (
            partition by curve_values.project_id, curve_values.month_start_date
            order by curve_values.curve_month
            rows between unbounded preceding and current row
        ) as running_max_pv
    from curve_values

),

curve_steps_with_previous as (

    select
        curve_steps.*,
        lag(curve_steps.running_max_pv) over (
            partition by curve_steps.project_id, curve_steps.month_start_date
            order by curve_steps.curve_month
        ) as previous_running_max_pv,
        max(curve_steps.running_max_pv) over (
            partition by curve_steps.project_id, curve_steps.month_start_date
        ) as final_pv
    from curve_steps

),

planned_values as (

    select
        curve_bounds.project_id,
        curve_bounds.month_start_date,
        max(
            case
                when curve_steps_with_previous.curve_month = curve_bounds.measurement_month
                    then curve_steps_with_previous.planned_value
            end
        ) as pv_at_month_end,
        max(
            case
                when
                    curve_steps_with_previous.curve_month
                    = {{ dbt.dateadd('month', '-1', 'curve_bounds.measurement_month') }}
                    then curve_steps_with_previous.planned_value
            end
        ) as pv_at_previous_month_end,
        max(
            case
                when
                    curve_steps_with_previous.curve_month = curve_bounds.measurement_month
                    and curve_steps_with_previous.is_budget_phased
                    then 1
                else 0
            end
        ) = 1 as is_measurement_month_phased,
        count(*) = count(curve_steps_with_previous.planned_value) as is_curve_complete,
        -- the first period whose planned value reaches EV: earned schedule lies within it
        min(
            case
                when curve_steps_with_previous.running_max_pv >= curve_bounds.ev
                    then curve_steps_with_previous.curve_month
            end
        ) as crossing_month,
        -- the first period in which the curve reaches its final value (EV beyond the curve)
        min(
            case
                when
                    curve_steps_with_previous.running_max_pv
                    = curve_steps_with_previous.final_pv
                    then curve_steps_with_previous.period_number
            end
        ) as final_period_number
    from curve_bounds
    inner join curve_steps_with_previous
        on
            curve_bounds.project_id = curve_steps_with_previous.project_id
            and curve_bounds.month_start_date = curve_steps_with_previous.month_start_date
    group by curve_bounds.project_id, curve_bounds.month_start_date

),

crossings as (

    select
        planned_values.project_id,
        planned_values.month_start_date,
        curve_steps_with_previous.period_number as crossing_period_number,
        coalesce(
            curve_steps_with_previous.previous_running_max_pv, {{ to_money('0') }}
        ) as pv_before_crossing,
        curve_steps_with_previous.running_max_pv as pv_at_crossing
    from planned_values
    inner join curve_steps_with_previous
        on
            planned_values.project_id = curve_steps_with_previous.project_id
            and planned_values.month_start_date = curve_steps_with_previous.month_start_date
            and planned_values.crossing_month = curve_steps_with_previous.curve_month

),

measured as (

    select
        curve_bounds.project_id,
        curve_bounds.month_start_date,
        curve_bounds.measurement_date,
        curve_bounds.has_budget_phasing,
        case
            when planned_values.is_measurement_month_phased then 'budget_phasing'
            else 'linear_baseline'
        end as pv_method,
        case
            -- a workbook month: its amount accrues evenly over the month's calendar days
            when planned_values.is_measurement_month_phased
                then {{ to_money(
                    'planned_values.pv_at_previous_month_end + '
                    ~ ev_month_fraction('curve_bounds.measurement_date')
                    ~ ' * (planned_values.pv_at_month_end'
                    ~ ' - planned_values.pv_at_previous_month_end)'
                ) }}
            -- otherwise the linear baseline on the measurement date itself
            else {{ ev_linear_planned_value(
                'curve_bounds.bac',
                'curve_bounds.baseline_start_date',
                'curve_bounds.baseline_finish_date',
                'curve_bounds.measurement_date'
            ) }}
        end as pv,
        case
            when not curve_bounds.has_budget_phasing then null
            when not planned_values.is_curve_complete then null
            when curve_bounds.ev is null then null
            when curve_bounds.ev <= 0 then 0
            -- EV beyond the curve's final value: the period in which the curve ends
            when crossings.project_id is null
                then least(
                    curve_bounds.planned_duration_months,
                    cast(planned_values.final_period_number as {{ type_double() }})
                )
            -- never before the time axis starts, never beyond the planned duration
            else least(
                curve_bounds.planned_duration_months,
                greatest(
                    0,
                    crossings.crossing_period_number - 1
                    + cast(
                        curve_bounds.ev - crossings.pv_before_crossing as {{ type_double() }}
                    )
                    / cast(
                        crossings.pv_at_crossing - crossings.pv_before_crossing
                        as {{ type_double() }}
                    )
                )
            )
        end as earned_schedule_months,
        case
            when curve_bounds.has_budget_phasing and curve_bounds.schedule_date is not null
                then greatest(
                    0,
                    {{ dbt.datediff(
                        'curve_bounds.baseline_start_month', 'curve_bounds.schedule_month', 'month'
                    ) }}
                    + {{ ev_month_fraction('curve_bounds.schedule_date') }}
                )
        end as actual_time_months,
        -- the linear baseline is a straight line in days: ES = EV / BAC x the baseline's days,
        -- AT = days from the baseline start to the schedule date, both ends inclusive
        case
            when
                curve_bounds.bac > 0
                and curve_bounds.ev is not null
                and curve_bounds.schedule_date is not null
                then {{ ev_ratio(
                    'least(cast(curve_bounds.ev as ' ~ type_double() ~ ')'
                    ~ ' / cast(curve_bounds.bac as ' ~ type_double() ~ '), 1.0)'
                    ~ ' * greatest(' ~ dbt.datediff(
                        'curve_bounds.baseline_start_date',
                        'curve_bounds.baseline_finish_date',
                        'day'
                    ) ~ ' + 1, 1)',
                    dbt.datediff(
                        'curve_bounds.baseline_start_date', 'curve_bounds.schedule_date', 'day'
                    ) ~ ' + 1'
                ) }}
        end as linear_spi_t
    from curve_bounds
    left join planned_values
        on
            curve_bounds.project_id = planned_values.project_id
            and curve_bounds.month_start_date = planned_values.month_start_date
    left join crossings
        on
            curve_bounds.project_id = crossings.project_id
            and curve_bounds.month_start_date = crossings.month_start_date

),

final as (

    select
        measured.project_id,
        measured.month_start_date,
        measured.measurement_date,
        measured.has_budget_phasing,
        measured.pv_method,
        measured.pv,
        measured.earned_schedule_months,
        measured.actual_time_months,
        -- SPI(t) = ES / AT on the curve PV was read from: months on a phased curve, days on the
        -- linear baseline
        case
            when measured.has_budget_phasing
                then {{ ev_ratio(
                    'measured.earned_schedule_months', 'measured.actual_time_months'
                ) }}
            else measured.linear_spi_t
        end as spi_t
    from measured

)

select * from final
