with

plan_lines as (

    select * from {{ ref('int_plan_lines_converted') }}

),

final as (

    select
        project_id,
        plan_version,
        plan_version_sequence,
        is_latest_forecast,
        month_start_date,
        {{ fiscal_year('month_start_date') }} as fiscal_year,
        {{ fiscal_period('month_start_date') }} as fiscal_period,
        plan_fiscal_year,
        capex_opex,
        amount_local,
        currency,
        fx_rate,
        amount,
        source_file,
        extract_date
    from plan_lines

)

select * from final
