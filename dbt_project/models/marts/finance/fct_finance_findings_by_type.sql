-- How many finance findings of each type there are and the amount they add up to (the finance
-- page's heading of each findings table).

with

findings as (

    select * from {{ ref('fct_finance_findings') }}

),

final as (

    select
        finding_type,
        count(*) as finding_count,
        sum(amount) as total_amount,
        max(as_of_date) as as_of_date,
        max(reporting_currency) as reporting_currency
    from findings
    group by finding_type

)

select * from final
