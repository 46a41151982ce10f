{#-
    ISO 8601 week of a date, from portable date arithmetic (dbt.dateadd / dbt.datediff /
    dbt.date_trunc) so DuckDB and Spark agree. An ISO week runs Monday-Sunday and belongs to the
    year of its Thursday; week 1 is the week holding the year's first Thursday.

    - iso_week_start_date(d): the Monday of d's week.
    - iso_year(week_start): the ISO year of the week starting on `week_start` (a Monday).
    - iso_week_number(week_start): 1-53, the week's number within its ISO year.
-#}

{% macro iso_week_start_date(date_expression) -%}
    cast(
        {{ dbt.dateadd('day', '1 - ' ~ iso_day_of_week(date_expression), date_expression) }}
        as date
    )
{%- endmacro %}


{% macro iso_year(week_start_expression) -%}
    {%- set thursday = dbt.dateadd('day', '3', week_start_expression) -%}
    cast(extract(year from {{ thursday }}) as {{ dbt.type_int() }})
{%- endmacro %}


{% macro iso_week_number(week_start_expression) -%}
    {%- set thursday = dbt.dateadd('day', '3', week_start_expression) -%}
    cast(
        floor(
            {{ dbt.datediff(
                'cast(' ~ dbt.date_trunc('year', thursday) ~ ' as date)',
                'cast(' ~ thursday ~ ' as date)',
                'day'
            ) }} / 7
        ) + 1
        as {{ dbt.type_int() }}
    )
{%- endmacro %}
