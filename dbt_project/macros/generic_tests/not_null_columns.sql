{#-
    Fails with one row per listed column that holds a null: the column's name and how many rows
    have it null. One scan of the model for all its required columns, where a `not_null` test per
    column scans it once each (357 tests on 77 models became 77; measured in docs/benchmarks.md).
    A column whose not-null rule needs a `where` or its own severity keeps dbt's `not_null`.
-#}
{% test not_null_columns(model, columns) %}

    with null_rows as (

        select
            {%- for column in columns %}
            sum(case when {{ column }} is null then 1 else 0 end) as {{ column }}{{ "," if not loop.last }}
            {%- endfor %}
        from {{ model }}

    ),

    by_column as (

        {%- for column in columns %}
        select
            '{{ column }}' as column_name,
            coalesce({{ column }}, 0) as null_row_count
        from null_rows
        {{ "union all" if not loop.last }}
        {%- endfor %}

    )

    select column_name, null_row_count
    from by_column
    where null_row_count > 0

{% endtest %}
