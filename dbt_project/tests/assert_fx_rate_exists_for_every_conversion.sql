-- Every currency-month that an amount must be converted at needs treasury's rate into the
-- reporting currency. Returns one row per missing rate with the data that needs it; any row
-- fails the build. (The converted amounts stay null rather than being assumed 1.0.)

with

timesheet_entries as (

    select * from {{ ref('int_timesheet_entries_costed') }}

),

gl_lines as (

    select * from {{ ref('int_gl_lines_converted') }}

),

plan_lines as (

    select * from {{ ref('int_plan_lines_converted') }}

),

projects as (

    select * from {{ ref('int_projects_deduplicated') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_filtered') }}

),

needed_rates as (

    select
        'timesheet labour cost' as needed_by,
        cost_currency as currency,
        month_start_date as rate_month
    from timesheet_entries
    where cost_currency is not null

    union all

    select
        'GL actuals' as needed_by,
        currency,
        period_month as rate_month
    from gl_lines

    union all

    select
        'finance plan' as needed_by,
        currency,
        month_start_date as rate_month
    from plan_lines

    union all

    select
        'project BAC/FAC (latest extract month)' as needed_by,
        project_currency as currency,
        last_extract_month as rate_month
    from projects

),

missing_rates as (

    select
        needed_rates.needed_by,
        needed_rates.currency,
        needed_rates.rate_month,
        '{{ reporting_currency() }}' as reporting_currency,
        count(*) as rows_needing_rate
    from needed_rates
    left join fx_rates
        on
            needed_rates.currency = fx_rates.from_currency
            and needed_rates.rate_month = fx_rates.rate_month
    where fx_rates.from_currency is null
    group by needed_rates.needed_by, needed_rates.currency, needed_rates.rate_month

)

select * from missing_rates
