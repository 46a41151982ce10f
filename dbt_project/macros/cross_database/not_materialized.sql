{#-
    Written between a CTE's name and its body (`loads as {{ not_materialized() }} (...)`): read the
    CTE where it is used, not once into a temporary result. DuckDB materializes a CTE that is read
    more than once; for one that only scans and filters a table or view of millions of rows,
    scanning it again is cheaper than writing all its rows and columns out (spilling past the
    memory limit) to read them back. Measured on `int_timesheet_entries_costed` at 10 M rows.
    Other engines render nothing: their planner decides.
-#}
{% macro not_materialized() -%}
    {{ return(adapter.dispatch('not_materialized', 'portfolio')()) }}
{%- endmacro %}

{% macro default__not_materialized() -%}
{%- endmacro %}

{% macro duckdb__not_materialized() -%}
    not materialized
{%- endmacro %}
