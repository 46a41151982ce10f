{#-
    A month spine whose bounds come from the data: renders a `select` returning one row per month,
    column `month_start_date` (date, the first of the month), for every first of a month from
    `start_column` to `end_column` (both inclusive) of the one-row relation or CTE `bounds`
    (generate_days' day spine, filtered). No row when the bounds are null.
-#}
{% macro generate_months(bounds, start_column, end_column) -%}
    select spine_days.date_day as month_start_date
    from (
        {{ generate_days(bounds, start_column, end_column) }}
    ) as spine_days
    where extract(day from spine_days.date_day) = 1
{%- endmacro %}
