{#-
    Small text helpers for the evidence columns of fct_finance_findings, portable to Spark.

    month_label(date)      'YYYY-MM' of a date.
    money_text(amount)     the amount rounded to cents as text ('1234.50', '-12.00'); null stays null.
    sorted_string_agg(expr, delimiter)
                           aggregate the text values of a group into one string, sorted
                           ascending (values that start with 'YYYY-MM' come out in month order).
                           dbt.listagg cannot be used: on Spark it ignores the order, and an
                           unordered list would change the mart from run to run.
-#}
{% macro month_label(date_expression) -%}
    substring(cast({{ date_expression }} as {{ dbt.type_string() }}), 1, 7)
{%- endmacro %}


{% macro money_text(amount_expression) -%}
    cast(cast({{ amount_expression }} as decimal(38, 2)) as {{ dbt.type_string() }})
{%- endmacro %}


{% macro sorted_string_agg(expression, delimiter) -%}
    {{ return(adapter.dispatch('sorted_string_agg', 'portfolio')(expression, delimiter)) }}
{%- endmacro %}

{% macro default__sorted_string_agg(expression, delimiter) -%}
    {{ dbt.listagg(expression, "'" ~ delimiter ~ "'", 'order by ' ~ expression) }}
{%- endmacro %}

{#- DuckDB: string_agg with an ordered aggregate. -#}
{% macro duckdb__sorted_string_agg(expression, delimiter) -%}
    string_agg({{ expression }}, '{{ delimiter }}' order by {{ expression }})
{%- endmacro %}

{#- Spark: collect_list has no order; sort the array before joining it. -#}
{% macro spark__sorted_string_agg(expression, delimiter) -%}
    array_join(array_sort(collect_list({{ expression }})), '{{ delimiter }}')
{%- endmacro %}
