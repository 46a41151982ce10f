with

project_costs as (

    select * from {{ ref('fct_project_costs') }}

),

dates as (

    select * from {{ ref('dim_dates') }}

),

as_of as (

    -- the trend runs to the reporting cut-off: a month after it is not closed in every source
    select cutoff_date as as_of_date
    from {{ ref('int_reporting_cutoff') }}

),

monthly as (

    select
        project_costs.month_start_date,
        {{ strict_sum('project_costs.labour_cost') }} as labour_cost,
        {{ strict_sum('project_costs.non_labour_cost') }} as non_labour_cost,
        {{ strict_sum('project_costs.total_cost') }} as total_cost
    from project_costs
    cross join as_of
    where project_costs.month_start_date <= as_of.as_of_date
    group by project_costs.month_start_date

),

bounds as (

    select
        min(month_start_date) as first_month_start_date,
        max(month_start_date) as last_month_start_date
    from monthly

),

-- every calendar month between the first and the last month with cost, so that a month without
-- any cost is a 0 and "previous month" is always the calendar month before
months as (

    select distinct
        dates.month_start_date,
        dates.fiscal_year,
        dates.fiscal_period
    from dates
    inner join bounds
        on dates.date_day between bounds.first_month_start_date and bounds.last_month_start_date

),

filled as (

    select
        months.month_start_date,
        months.fiscal_year,
        months.fiscal_period,
        case
            when monthly.month_start_date is null then {{ to_money('0') }}
            else monthly.labour_cost
        end as labour_cost,
        case
            when monthly.month_start_date is null then {{ to_money('0') }}
            else monthly.non_labour_cost
        end as non_labour_cost,
        case
            when monthly.month_start_date is null then {{ to_money('0') }}
            else monthly.total_cost
        end as total_cost
    from months
    left join monthly
        on months.month_start_date = monthly.month_start_date

),

with_previous as (

    select
        filled.*,
        lag(filled.labour_cost) over (order by filled.month_start_date)
            as previous_month_labour_cost,
        lag(filled.non_labour_cost) over (order by filled.month_start_date)
            as previous_month_non_labour_cost,
        lag(filled.total_cost) over (order by filled.month_start_date)
            as previous_month_total_cost
    from filled

),

final as (

    select
        with_previous.month_start_date,
        with_previous.fiscal_year,
        with_previous.fiscal_period,
        with_previous.labour_cost,
        with_previous.non_labour_cost,
        with_previous.total_cost,
        with_previous.previous_month_total_cost,
        with_previous.labour_cost - with_previous.previous_month_labour_cost as labour_cost_delta,
        with_previous.non_labour_cost
        - with_previous.previous_month_non_labour_cost as non_labour_cost_delta,
        with_previous.total_cost - with_previous.previous_month_total_cost as total_cost_delta,
        cast(
            100 * (with_previous.total_cost - with_previous.previous_month_total_cost)
            / {{ double_divisor('with_previous.previous_month_total_cost') }} as {{ type_double() }}
        ) as total_cost_delta_pct,
        as_of.as_of_date,
        '{{ reporting_currency() }}' as reporting_currency
    from with_previous
    cross join as_of

)

select * from final
