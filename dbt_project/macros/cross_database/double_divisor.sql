{#-
    The denominator of a ratio of decimals, as a double; null when it is zero (no ratio).

    DuckDB divides two decimals in double precision; Spark divides them in decimal, keeping only
    a few digits (measured: 6.794000 for 6.79399727...). Dividing by a double gives both engines
    the same double: `100 * (budget - actual) / {{ double_divisor('budget') }}`.
-#}
{% macro double_divisor(expression) -%}
    cast(nullif({{ expression }}, 0) as {{ type_double() }})
{%- endmacro %}
