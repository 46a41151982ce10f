{#-
    An amount in the reporting currency as a fixed-point number (6 decimals).

    Why: summing doubles in parallel gives last-digit differences from run to run, so a re-run on
    the same data would change the marts. Each row's conversion is computed once, then fixed to
    decimal(38, 6); sums of decimals are exact and repeatable. Works the same on DuckDB and Spark.
-#}
{% macro to_money(expression) -%}
    cast({{ expression }} as decimal(38, 6))
{%- endmacro %}
