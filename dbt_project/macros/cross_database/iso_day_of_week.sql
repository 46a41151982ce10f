{#-
    ISO day of week of a date: 1 = Monday ... 7 = Sunday.
-#}
{% macro iso_day_of_week(date_expression) -%}
    {{ return(adapter.dispatch('iso_day_of_week', 'portfolio')(date_expression)) }}
{%- endmacro %}

{#- DuckDB and Postgres -#}
{% macro default__iso_day_of_week(date_expression) -%}
    cast(extract(isodow from {{ date_expression }}) as {{ dbt.type_int() }})
{%- endmacro %}

{#- Spark 3+ -#}
{% macro spark__iso_day_of_week(date_expression) -%}
    cast(extract(dayofweek_iso from {{ date_expression }}) as {{ dbt.type_int() }})
{%- endmacro %}
