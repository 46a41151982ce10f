-- One row per calendar day from the start of the fiscal year of the earliest date in the data to
-- the end of the fiscal year after the one holding the latest date (whole fiscal years, plus a
-- year of margin for plans and forecasts).

with

projects as (

    select * from {{ ref('stg_ppm__projects') }}

),

milestones as (

    select * from {{ ref('stg_ppm__milestones') }}

),

timesheets as (

    select * from {{ ref('stg_timetracker__timesheets') }}

),

gl_actuals as (

    select * from {{ ref('stg_finance__gl_actuals') }}

),

plan_lines as (

    select * from {{ ref('stg_finance__plan_lines') }}

),

fx_rates as (

    select * from {{ ref('stg_treasury__fx_rates') }}

),

data_dates as (

    select extract_date as date_day from projects
    union all
    select baseline_start_date as date_day from projects
    union all
    select baseline_finish_date as date_day from projects
    union all
    select forecast_start_date as date_day from projects
    union all
    select forecast_finish_date as date_day from projects
    union all
    select baseline_date as date_day from milestones
    union all
    select forecast_date as date_day from milestones
    union all
    select actual_date as date_day from milestones
    union all
    select work_date as date_day from timesheets
    union all
    select posting_date as date_day from gl_actuals
    union all
    select period_month as date_day from gl_actuals
    union all
    select month_start_date as date_day from plan_lines
    union all
    select rate_month as date_day from fx_rates

),

data_bounds as (

    select
        min(date_day) as first_date,
        max(date_day) as last_date
    from data_dates

),

month_bounds as (

    select
        cast({{ dbt.date_trunc('month', 'first_date') }} as date) as first_month,
        {{ fiscal_period('first_date') }} as first_fiscal_period,
        cast({{ dbt.date_trunc('month', 'last_date') }} as date) as last_month,
        {{ fiscal_period('last_date') }} as last_fiscal_period
    from data_bounds

),

spine_bounds as (

    select
        -- back to period 1 of the first date's fiscal year
        cast(
            {{ dbt.dateadd('month', '1 - first_fiscal_period', 'first_month') }} as date
        ) as spine_start_date,
        -- forward to period 1 two fiscal years after the last date's, minus one day
        cast(
            {{ dbt.dateadd(
                'day',
                '-1',
                dbt.dateadd('month', '25 - last_fiscal_period', 'last_month')
            ) }} as date
        ) as spine_end_date
    from month_bounds

),

spine as (

    {{ generate_days('spine_bounds', 'spine_start_date', 'spine_end_date') }}

)

select date_day from spine
