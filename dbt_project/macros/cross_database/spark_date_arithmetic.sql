{#-
    dbt.dateadd and dbt.datediff on Spark, each argument written once.

    dbt-spark 1.11's own versions repeat every argument four to eight times (to assert it is not
    null and to correct month boundaries); the models nest these macros (a week's Thursday is a
    dateadd of a dateadd, a datediff of two date_truncs), so the SQL Spark plans grows
    exponentially: measured here, one model (int_project_months_planned) took 114 s to plan and
    build and another ran the driver out of heap. These render the same values as DuckDB's:

    - dateadd: a timestamp `interval` days (weeks, months) after the date or timestamp; a month
      added to the 31st ends on the month's last day (DuckDB and Spark alike). Null stays null.
    - datediff: the number of day (month, year) boundaries from the first date to the second,
      as DuckDB's date_diff counts them (2026-01-31 to 2026-02-01 is one month). Null stays null.

    This project's `spark__` macros take precedence over the adapter's of the same name.
-#}
{% macro spark__dateadd(datepart, interval, from_date_or_timestamp) -%}
    {%- set units = {'day': ('DAY', 1), 'week': ('DAY', 7), 'month': ('MONTH', 1),
        'quarter': ('MONTH', 3), 'year': ('MONTH', 12)} -%}
    {%- if datepart not in units -%}
        {{ exceptions.raise_compiler_error("dateadd on Spark: no datepart '" ~ datepart ~ "'") }}
    {%- endif -%}
    {%- set unit, multiplier = units[datepart] -%}
    timestampadd({{ unit }}, cast({{ interval }} as int) * {{ multiplier }}, {{ from_date_or_timestamp }})
{%- endmacro %}

{% macro spark__datediff(first_date, second_date, datepart) -%}
    {%- if datepart == 'day' -%}
        datediff(cast({{ second_date }} as date), cast({{ first_date }} as date))
    {%- elif datepart == 'month' -%}
        {#- both truncated to the first of their month: a whole number of months apart -#}
        cast(months_between(trunc({{ second_date }}, 'MM'), trunc({{ first_date }}, 'MM')) as bigint)
    {%- elif datepart == 'year' -%}
        (year({{ second_date }}) - year({{ first_date }}))
    {%- else -%}
        {{ exceptions.raise_compiler_error("datediff on Spark: no datepart '" ~ datepart ~ "'") }}
    {%- endif -%}
{%- endmacro %}
