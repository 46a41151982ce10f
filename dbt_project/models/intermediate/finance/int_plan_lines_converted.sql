-- The current plan lines (latest workbook per fiscal year and plan version), converted to the
-- reporting currency at the average rate of the plan month.

with

plan_lines as (

    select * from {{ ref('stg_finance__plan_lines') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_filtered') }}

),

ranked_files as (

    select
        plan_lines.*,
        -- every row of the same workbook file shares a rank; rank 1 = the latest file
        dense_rank() over (
            partition by plan_lines.plan_fiscal_year, plan_lines.plan_version
            order by
                plan_lines.extract_date desc,
                plan_lines.loaded_at desc,
                plan_lines.source_file desc
        ) as file_recency_rank
    from plan_lines

),

current_lines as (

    select
        project_id,
        plan_fiscal_year,
        plan_version,
        month_start_date,
        capex_opex,
        currency,
        amount_local,
        source_file,
        source_row,
        extract_date,
        case plan_version
            when 'Budget' then 0
            when 'Forecast Q1' then 1
            when 'Forecast Q2' then 2
            when 'Forecast Q3' then 3
            when 'Forecast Q4' then 4
        end as plan_version_sequence
    from ranked_files
    where file_recency_rank = 1

),

with_latest_version as (

    select
        current_lines.*,
        max(current_lines.plan_version_sequence) over (
            partition by current_lines.plan_fiscal_year
        ) as latest_version_sequence
    from current_lines

),

converted as (

    select
        with_latest_version.project_id,
        with_latest_version.plan_fiscal_year,
        with_latest_version.plan_version,
        with_latest_version.plan_version_sequence,
        with_latest_version.month_start_date,
        with_latest_version.capex_opex,
        with_latest_version.currency,
        with_latest_version.amount_local,
        with_latest_version.source_file,
        with_latest_version.source_row,
        with_latest_version.extract_date,
        fx_rates.average_rate as fx_rate,
        with_latest_version.plan_version_sequence
        = with_latest_version.latest_version_sequence as is_latest_forecast,
        -- stays null when the month's rate is missing: never assumed to be 1.0
        {{ to_money('with_latest_version.amount_local * fx_rates.average_rate') }} as amount
    from with_latest_version
    left join fx_rates
        on
            with_latest_version.currency = fx_rates.from_currency
            and with_latest_version.month_start_date = fx_rates.rate_month

)

select * from converted
