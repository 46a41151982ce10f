-- Each project's whole life on one time axis, for its S-curve: the plan curve of the baseline in
-- force at the reporting cut-off, month by month from the month before anything is planned to the
-- latest of the baseline finish, the forecast finish and the cut-off, beside EV and AC to the
-- cut-off. PV is read off the same curve int_project_months_planned measures (ev_plan_curve_ctes),
-- so in the cut-off's month it equals fct_project_earned_value.pv.

with

project_months as (

    -- the cut-off's month only: its row carries the baseline the curve is drawn for
    select * from {{ ref('int_project_months_earned') }}
    where is_as_of_month

),

plan_lines as (

    select * from {{ ref('int_plan_lines_converted') }}

),

{{ ev_plan_curve_ctes() }},

earned_months as (

    select * from {{ ref('fct_project_earned_value_monthly') }}

),

projects as (

    select * from {{ ref('dim_projects') }}

),

earned_bounds as (

    select
        project_id,
        min(month_start_date) as first_earned_month
    from earned_months
    group by project_id

),

axis_bounds as (

    select
        curve_bounds.project_id,
        curve_bounds.month_start_date as cutoff_month,
        curve_bounds.bac,
        curve_bounds.baseline_start_date,
        curve_bounds.baseline_finish_date,
        curve_bounds.curve_first_month,
        curve_bounds.curve_last_month,
        -- least()/greatest() skip nulls: a project without baseline dates has no plan curve, its
        -- axis runs from its first earned month to the forecast finish or the cut-off
        least(curve_bounds.curve_first_month, earned_bounds.first_earned_month) as first_month,
        greatest(
            curve_bounds.curve_last_month,
            cast({{ dbt.date_trunc('month', 'projects.forecast_finish_date') }} as date),
            curve_bounds.month_start_date
        ) as last_month
    from curve_bounds
    left join earned_bounds
        on curve_bounds.project_id = earned_bounds.project_id
    left join projects
        on curve_bounds.project_id = projects.project_id

),

axis_spine_bounds as (

    select
        min(first_month) as first_month,
        max(last_month) as last_month
    from axis_bounds

),

axis_months as (

    {{ generate_months('axis_spine_bounds', 'first_month', 'last_month') }}

),

project_axis as (

    select
        axis_bounds.*,
        axis_months.month_start_date,
        {{ ev_month_end('axis_months.month_start_date') }} as month_end_date
    from axis_bounds
    inner join axis_months
        on
            axis_bounds.first_month <= axis_months.month_start_date
            and axis_bounds.last_month >= axis_months.month_start_date

),

final as (

    select
        project_axis.project_id,
        project_axis.month_start_date,
        project_axis.month_end_date,
        project_axis.month_start_date > project_axis.cutoff_month as is_after_cutoff,
        case
            -- on the curve: its value, a missing conversion (null) included
            when
                project_axis.month_start_date >= project_axis.curve_first_month
                and project_axis.month_start_date <= project_axis.curve_last_month
                then curve_values.planned_value
            -- off it (before the curve starts, after it ends): the linear baseline, 0 before
            -- the baseline start and BAC after its finish
            else {{ ev_linear_planned_value(
                'project_axis.bac',
                'project_axis.baseline_start_date',
                'project_axis.baseline_finish_date',
                'project_axis.month_end_date'
            ) }}
        end as pv,
        earned_months.ev,
        earned_months.ac,
        '{{ reporting_currency() }}' as reporting_currency
    from project_axis
    left join curve_values
        on
            project_axis.project_id = curve_values.project_id
            and project_axis.month_start_date = curve_values.curve_month
    left join earned_months
        on
            project_axis.project_id = earned_months.project_id
            and project_axis.month_start_date = earned_months.month_start_date

)

select * from final
