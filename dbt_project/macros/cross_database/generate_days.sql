{#-
    A date spine whose bounds come from the data: renders a `select` returning one row per calendar
    day, column `date_day` (date), from `start_column` to `end_column` (both inclusive) of the
    one-row relation or CTE `bounds`. No row when the bounds are null.

    dbt.date_spine cannot be used here: it runs a query at compile time to count the days, which
    needs literal bounds and breaks unit tests; dbt_utils cannot be installed (no network).
-#}
{% macro generate_days(bounds, start_column, end_column) -%}
    {{ return(adapter.dispatch('generate_days', 'portfolio')(bounds, start_column, end_column)) }}
{%- endmacro %}

{#- DuckDB: generate_series over timestamps returns a list; unnest it into rows. -#}
{% macro duckdb__generate_days(bounds, start_column, end_column) -%}
    select
        cast(
            unnest(generate_series(
                cast({{ start_column }} as timestamp),
                cast({{ end_column }} as timestamp),
                interval 1 day
            )) as date
        ) as date_day
    from {{ bounds }}
{%- endmacro %}

{#- Spark: sequence() over dates returns an array; explode it into rows. -#}
{% macro spark__generate_days(bounds, start_column, end_column) -%}
    select explode(sequence({{ start_column }}, {{ end_column }}, interval 1 day)) as date_day
    from {{ bounds }}
{%- endmacro %}

{#- Anything else: day offsets 0-99999 (273 years) from a cross join of digits. -#}
{% macro default__generate_days(bounds, start_column, end_column) -%}
    select cast({{ dbt.dateadd('day', 'day_offsets.day_offset', start_column) }} as date) as date_day
    from {{ bounds }}
    cross join (
        select
            {%- for power in range(5) %}
            {{ '+ ' if not loop.first }}digits_{{ power }}.digit * {{ 10 ** power }}
            {%- endfor %} as day_offset
        from
            {%- for power in range(5) %}
            {{ 'cross join ' if not loop.first }}(
                select 0 as digit
                {%- for digit in range(1, 10) %} union all select {{ digit }}{% endfor %}
            ) as digits_{{ power }}
            {%- endfor %}
    ) as day_offsets
    where day_offsets.day_offset <= {{ dbt.datediff(start_column, end_column, 'day') }}
{%- endmacro %}
