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
