{#-
    Make the raw tables (every dbt source) readable before anything builds: the project's
    `on-run-start` hook.

    DuckDB: nothing to do, the ingest writes `raw.<table>` into the warehouse itself.
    Spark: the pipeline wrote each accepted raw table as Parquet under `spark_raw_location`
    (`<spark_dir>/raw/<table>/`, pipelines/transform/spark_exchange.py); each is (re)registered
    as an external table `raw.<table>` on that folder, so `source('raw', ...)` reads it. Dropped
    and created every run (an external table's drop keeps its files) so a column added to an
    export reaches Spark's catalog.

    Runs its statements itself and renders nothing: Spark's session cursor takes one statement
    at a time, and dbt skips an empty hook.
-#}
{% macro register_raw_sources() -%}
    {{ return(adapter.dispatch('register_raw_sources', 'portfolio')()) }}
{%- endmacro %}

{% macro default__register_raw_sources() -%}
{%- endmacro %}

{% macro spark__register_raw_sources() -%}
    {%- if execute -%}
        {%- set spark_dir = var('spark_dir', env_var('PORTFOLIO_SPARK_DIR', 'data/spark')) -%}
        {%- set location = var('spark_raw_location', spark_dir ~ '/raw') -%}
        {%- set schemas = [] -%}
        {%- for source in graph.sources.values() -%}
            {%- if source.schema not in schemas -%}
                {%- do run_query('create schema if not exists ' ~ source.schema) -%}
                {%- do schemas.append(source.schema) -%}
            {%- endif -%}
            {%- set table = source.schema ~ '.' ~ source.identifier -%}
            {%- do run_query('drop table if exists ' ~ table) -%}
            {%- do run_query(
                'create table ' ~ table ~ ' using parquet location \''
                ~ location ~ '/' ~ source.identifier ~ '\''
            ) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
