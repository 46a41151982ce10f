{#-
    An 8-byte floating point type for money, rates and hours. dbt.type_float() renders `float`,
    which is a 4-byte REAL on DuckDB (and Spark): too imprecise for money. `double` is the 8-byte
    type on both DuckDB and Spark; other engines can add their own `<adapter>__type_double`.
-#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'portfolio')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double
{%- endmacro %}
