-- Rates into the reporting currency only, one per source currency and month.

with

fx_rates as (

    select * from {{ ref('stg_treasury__fx_rates') }}

),

to_reporting_currency as (

    select * from fx_rates
    where to_currency = '{{ reporting_currency() }}'

),

ranked as (

    select
        to_reporting_currency.*,
        row_number() over (
            partition by to_reporting_currency.from_currency, to_reporting_currency.rate_month
            order by
                to_reporting_currency.extract_date desc,
                to_reporting_currency.loaded_at desc,
                to_reporting_currency.source_row desc
        ) as recency_rank
    from to_reporting_currency

),

final as (

    select
        from_currency,
        to_currency,
        rate_month,
        average_rate,
        source_file,
        extract_date
    from ranked
    where recency_rank = 1

)

select * from final
