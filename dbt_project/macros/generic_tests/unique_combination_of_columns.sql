{#-
    Fails for every combination of `combination_of_columns` that occurs more than once
    (a project-local stand-in for dbt_utils.unique_combination_of_columns): one row per repeated
    combination, with its row_count.
-#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

    {{ adapter.dispatch('repeated_combinations', 'portfolio')(model, combination_of_columns) }}

{% endtest %}


{% macro default__repeated_combinations(model, columns) %}

    select
        {{ columns | join(',\n        ') }},
        count(*) as row_count
    from {{ model }}
    group by {{ columns | join(', ') }}
    having count(*) > 1

{% endmacro %}


{#-
    DuckDB and Spark: a first pass groups one integer per row, the hash of the combination, and
    only the rows whose hash repeats are grouped by their columns. Equal combinations have equal
    hashes (NULLs included), so every repeated combination is among those rows and the result is
    the default's; a hash collision only adds rows to the second pass. Grouping several text
    columns of every row is what costs: on the 10 M-row timesheet staging (three text columns)
    the test took 1.7 s this way against 0.8 s (docs/benchmarks.md). One column gains nothing.
-#}
{% macro duckdb__repeated_combinations(model, columns) %}
    {{ return(portfolio.hash_prefiltered_repeated_combinations(model, columns)) }}
{% endmacro %}


{% macro spark__repeated_combinations(model, columns) %}
    {{ return(portfolio.hash_prefiltered_repeated_combinations(model, columns)) }}
{% endmacro %}


{% macro hash_prefiltered_repeated_combinations(model, columns) %}

    {%- if columns | length < 2 -%}
        {{ return(portfolio.default__repeated_combinations(model, columns)) }}
    {%- endif -%}

    {%- set combination_hash = 'hash(' ~ (columns | join(', ')) ~ ')' %}

    with

    repeated_hashes as (

        select {{ combination_hash }} as combination_hash
        from {{ model }}
        group by {{ combination_hash }}
        having count(*) > 1

    )

    select
        {{ columns | join(',\n        ') }},
        count(*) as row_count
    from {{ model }}
    where {{ combination_hash }} in (select combination_hash from repeated_hashes)
    group by {{ columns | join(', ') }}
    having count(*) > 1

{% endmacro %}
