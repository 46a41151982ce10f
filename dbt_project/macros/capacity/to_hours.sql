{#-
    Hours as a fixed-point number (6 decimals), for capacity and demand columns.

    Why: a 0.8 FTE day is 6.4 h, which a double cannot hold exactly, and summing doubles in
    parallel gives last-digit differences from run to run, so a re-run on the same data would
    change the marts. Each row's hours are fixed to decimal(38, 6) once; sums of decimals are exact
    and repeatable (the same reasoning as to_money). Works the same on DuckDB and Spark.
-#}
{% macro to_hours(expression) -%}
    cast({{ expression }} as decimal(38, 6))
{%- endmacro %}


{#-
    A ratio of two hour totals as a double, null when the denominator is 0 or null (never 0 or
    infinity): the ratio of the sums, so a roll-up is never an average of ratios.
-#}
{% macro hours_ratio(numerator, denominator) -%}
    case
        when {{ denominator }} > 0
            then cast({{ numerator }} as {{ type_double() }}) / cast({{ denominator }} as {{ type_double() }})
    end
{%- endmacro %}


{#-
    The exact sum of `expression` as hours, the type to_hours gives. Each row is fixed to
    decimal(18, 6) (a 64-bit integer underneath; up to 10^12 hours a row), the total widened to
    decimal(38, 6): the same figure as summing to_hours values, and DuckDB's grouped sums over
    10 M timesheet entries ran about 15 % faster (docs/benchmarks.md).
-#}
{% macro sum_hours(expression) -%}
    cast(sum(cast({{ expression }} as decimal(18, 6))) as decimal(38, 6))
{%- endmacro %}
