-- GL journal lines converted to the reporting currency at the average rate of the GL period.

with

gl_loads as (

    select * from {{ ref('stg_finance__gl_actuals') }}

),

gl_actuals as (

    -- a corrected month file re-sent under the same name replaces the earlier load
    {{ latest_load_of_each_file('gl_loads') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_filtered') }}

),

converted as (

    select
        gl_actuals.document_number,
        gl_actuals.line_number,
        gl_actuals.posting_date,
        gl_actuals.period_month,
        gl_actuals.project_id,
        gl_actuals.cost_centre,
        gl_actuals.wbs_element,
        gl_actuals.account_number,
        gl_actuals.account_name,
        gl_actuals.capex_opex,
        gl_actuals.currency,
        gl_actuals.amount_local,
        gl_actuals.source_file,
        gl_actuals.source_row,
        fx_rates.average_rate as fx_rate,
        -- stays null when the period's rate is missing: never assumed to be 1.0
        {{ to_money('gl_actuals.amount_local * fx_rates.average_rate') }} as amount
    from gl_actuals
    left join fx_rates
        on
            gl_actuals.currency = fx_rates.from_currency
            and gl_actuals.period_month = fx_rates.rate_month

)

select * from converted
