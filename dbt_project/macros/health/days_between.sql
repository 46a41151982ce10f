{#-
    Whole days from `start_date` to `end_date` (end - start; negative when end is earlier) as an
    integer, portable: dbt.datediff returns a bigint on DuckDB and an int on Spark, so the contract
    types would differ. Null when either date is null.
-#}
{% macro days_between(start_date, end_date) -%}
    cast({{ dbt.datediff(start_date, end_date, 'day') }} as {{ dbt.type_int() }})
{%- endmacro %}
