with

rate_periods as (

    select * from {{ ref('int_employee_rate_periods_deduplicated') }}

),

final as (

    select
        employee_id,
        employee_name,
        team,
        role,
        fte,
        weekly_capacity_hours,
        cost_rate_local,
        cost_currency,
        active_from_date,
        active_to_date,
        extract_date as last_extract_date
    from rate_periods
    where is_current_rate_period

)

select * from final
