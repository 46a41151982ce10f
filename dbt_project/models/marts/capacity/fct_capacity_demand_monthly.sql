with

employee_days as (

    select * from {{ ref('int_employee_days_expanded') }}

),

plan_lines as (

    select * from {{ ref('int_resource_plan_lines_of_record') }}

),

plans_of_record as (

    select * from {{ ref('int_resource_plans_of_record') }}

),

calendar_weeks as (

    select * from {{ ref('int_capacity_weeks_generated') }}

),

calendar_bounds as (

    select
        min(timesheet_window_start_date) as timesheet_window_start_date,
        max(timesheet_window_end_date) as timesheet_window_end_date,
        min(first_month_start_date) as first_month_start_date,
        max(last_month_end_date) as last_month_end_date
    from calendar_weeks

),

-- a plan of record also covers months before the calendar (an extract looks two months back):
-- only the reporting months count, as for capacity
reporting_plan_lines as (

    select plan_lines.*
    from plan_lines
    inner join calendar_bounds
        on
            plan_lines.month_start_date >= calendar_bounds.first_month_start_date
            and plan_lines.month_start_date <= calendar_bounds.last_month_end_date

),

reporting_days as (

    select * from employee_days
    where is_in_reporting_months

),

team_months as (

    select
        team,
        month_start_date
    from reporting_days

    union

    select
        team,
        month_start_date
    from reporting_plan_lines

),

capacity as (

    select
        team,
        month_start_date,
        sum(contracted_hours) as contracted_hours,
        sum(leave_hours) as leave_hours,
        sum(capacity_hours) as capacity_hours,
        sum(
            case when is_in_timesheet_window then capacity_hours else {{ to_hours('0') }} end
        ) as capacity_hours_to_date,
        sum(project_hours) as actual_project_hours,
        sum(non_project_hours) as actual_non_project_hours
    from reporting_days
    group by team, month_start_date

),

demand as (

    select
        team,
        month_start_date,
        sum(planned_hours) as planned_demand_hours
    from reporting_plan_lines
    group by team, month_start_date

),

joined as (

    select
        team_months.team,
        team_months.month_start_date,
        cast(
            {{ dbt.dateadd(
                'day', '-1', dbt.dateadd('month', '1', 'team_months.month_start_date')
            ) }} as date
        ) as month_end_date,
        coalesce(capacity.contracted_hours, {{ to_hours('0') }}) as contracted_hours,
        coalesce(capacity.leave_hours, {{ to_hours('0') }}) as leave_hours,
        coalesce(capacity.capacity_hours, {{ to_hours('0') }}) as capacity_hours,
        coalesce(capacity.capacity_hours_to_date, {{ to_hours('0') }}) as capacity_hours_to_date,
        coalesce(demand.planned_demand_hours, {{ to_hours('0') }}) as planned_demand_hours,
        coalesce(capacity.actual_project_hours, {{ to_hours('0') }}) as actual_project_hours,
        coalesce(
            capacity.actual_non_project_hours, {{ to_hours('0') }}
        ) as actual_non_project_hours
    from team_months
    left join capacity
        on
            team_months.team = capacity.team
            and team_months.month_start_date = capacity.month_start_date
    left join demand
        on
            team_months.team = demand.team
            and team_months.month_start_date = demand.month_start_date

),

final as (

    select
        joined.team,
        joined.month_start_date,
        {{ fiscal_year('joined.month_start_date') }} as fiscal_year,
        {{ fiscal_period('joined.month_start_date') }} as fiscal_period,
        joined.contracted_hours,
        joined.leave_hours,
        joined.capacity_hours,
        joined.planned_demand_hours,
        joined.actual_project_hours + joined.actual_non_project_hours as actual_hours,
        joined.actual_project_hours,
        joined.actual_non_project_hours,
        joined.capacity_hours_to_date,
        {{ hours_ratio(
            'joined.actual_project_hours + joined.actual_non_project_hours',
            'joined.capacity_hours_to_date'
        ) }} as utilisation,
        {{ hours_ratio(
            'joined.actual_project_hours',
            'joined.actual_project_hours + joined.actual_non_project_hours'
        ) }} as project_share,
        {{ hours_ratio(
            'joined.planned_demand_hours', 'joined.capacity_hours'
        ) }} as planned_allocation,
        joined.planned_demand_hours > joined.capacity_hours as is_over_allocated,
        case
            when joined.planned_demand_hours > joined.capacity_hours
                then joined.planned_demand_hours - joined.capacity_hours
            else {{ to_hours('0') }}
        end as over_allocation_hours,
        coalesce(
            calendar_bounds.timesheet_window_start_date <= joined.month_start_date
            and calendar_bounds.timesheet_window_end_date >= joined.month_end_date,
            false
        ) as has_complete_timesheets,
        plans_of_record.plan_extract_date,
        coalesce(plans_of_record.plan_basis, 'no plan') as plan_basis
    from joined
    cross join calendar_bounds
    left join plans_of_record
        on joined.month_start_date = plans_of_record.month_start_date

)

select * from final
