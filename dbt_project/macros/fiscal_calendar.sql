{#-
    The fiscal calendar, driven by var `fiscal_year_start_month` (env
    PORTFOLIO_FISCAL_YEAR_START_MONTH, default 4 = April). A fiscal year is named after the calendar
    year it starts in: with start month 4, 2026-03-31 is FY2025 P12 Q4 and 2026-04-01 is FY2026 P1
    Q1. With start month 1 the fiscal year is the calendar year.

    Each macro renders a portable SQL expression (extract/mod/floor/case: DuckDB and Spark alike)
    for one date expression; dim_dates and the fact tables use the same macros, so they agree.
-#}

{% macro fiscal_year_start_month() -%}
    {%- set raw_value = var('fiscal_year_start_month', 4) | string | trim -%}
    {%- if not raw_value.isdigit() or (raw_value | int) < 1 or (raw_value | int) > 12 -%}
        {{ exceptions.raise_compiler_error(
            "var fiscal_year_start_month (env PORTFOLIO_FISCAL_YEAR_START_MONTH) must be a month "
            ~ "number 1-12, got '" ~ raw_value ~ "'"
        ) }}
    {%- endif -%}
    {{ return(raw_value | int) }}
{%- endmacro %}


{% macro fiscal_year(date_expression) -%}
    {%- set start_month = fiscal_year_start_month() -%}
    {%- if start_month == 1 -%}
        cast(extract(year from {{ date_expression }}) as {{ dbt.type_int() }})
    {%- else -%}
        cast(
            extract(year from {{ date_expression }})
            - case when extract(month from {{ date_expression }}) < {{ start_month }} then 1 else 0 end
            as {{ dbt.type_int() }}
        )
    {%- endif -%}
{%- endmacro %}


{% macro fiscal_period(date_expression) -%}
    {%- set start_month = fiscal_year_start_month() -%}
    cast(
        mod(extract(month from {{ date_expression }}) - {{ start_month }} + 12, 12) + 1
        as {{ dbt.type_int() }}
    )
{%- endmacro %}


{% macro fiscal_quarter(date_expression) -%}
    cast(floor(({{ fiscal_period(date_expression) }} - 1) / 3) + 1 as {{ dbt.type_int() }})
{%- endmacro %}
