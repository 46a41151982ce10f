{#-
    The model's fiscal columns for a date agree with dim_dates, the calendar every report uses:
    returns each row whose date is missing from dim_dates or whose fiscal_year / fiscal_period
    differ from dim_dates' for that day. Guards against a model deriving the fiscal calendar its
    own way (both must follow var fiscal_year_start_month).
-#}
{% test fiscal_calendar_agrees_with_dim_dates(
    model,
    column_name,
    fiscal_year_column='fiscal_year',
    fiscal_period_column='fiscal_period'
) %}

select
    model_rows.{{ column_name }},
    model_rows.{{ fiscal_year_column }},
    model_rows.{{ fiscal_period_column }},
    dim_dates.fiscal_year as calendar_fiscal_year,
    dim_dates.fiscal_period as calendar_fiscal_period
from {{ model }} as model_rows
left join {{ ref('dim_dates') }} as dim_dates
    on model_rows.{{ column_name }} = dim_dates.date_day
where
    dim_dates.date_day is null
    or model_rows.{{ fiscal_year_column }} <> dim_dates.fiscal_year
    or model_rows.{{ fiscal_period_column }} <> dim_dates.fiscal_period

{% endtest %}
