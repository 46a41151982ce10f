-- The twelve fiscal months of the current fiscal year (the one containing the reporting cut-off),
-- each flagged whether it is in the fiscal year-to-date (periods 1 .. the cut-off's period).

with

as_of as (

    -- the reporting cut-off: YTD covers whole months every cost source has closed
    select cutoff_date as as_of_date
    from {{ ref('int_reporting_cutoff') }}

),

as_of_period as (

    select
        as_of_date,
        cast({{ dbt.date_trunc('month', 'as_of_date') }} as date) as as_of_month_start_date,
        {{ fiscal_year('as_of_date') }} as fiscal_year,
        {{ fiscal_period('as_of_date') }} as as_of_fiscal_period
    from as_of
    where as_of_date is not null

),

month_offsets as (

    {% for offset in range(12) -%}
        select {{ offset }} as month_offset
        {%- if not loop.last %} union all {% endif %}
    {% endfor %}

),

fiscal_months as (

    select
        as_of_period.as_of_date,
        as_of_period.as_of_month_start_date,
        as_of_period.fiscal_year,
        as_of_period.as_of_fiscal_period,
        -- period 1 starts (as-of period - 1) months before the as-of month
        cast({{ dbt.dateadd(
            'month',
            'month_offsets.month_offset + 1 - as_of_period.as_of_fiscal_period',
            'as_of_period.as_of_month_start_date',
        ) }} as date) as month_start_date
    from as_of_period
    cross join month_offsets

),

final as (

    select
        month_start_date,
        fiscal_year,
        {{ fiscal_quarter('month_start_date') }} as fiscal_quarter,
        {{ fiscal_period('month_start_date') }} as fiscal_period,
        {{ fiscal_period('month_start_date') }} <= as_of_fiscal_period as is_ytd,
        month_start_date = as_of_month_start_date as is_as_of_period,
        as_of_date,
        as_of_fiscal_period
    from fiscal_months

)

select * from final
