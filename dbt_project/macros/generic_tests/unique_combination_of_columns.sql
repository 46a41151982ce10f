{#-
    Fails for every combination of `combination_of_columns` that occurs more than once
    (a project-local stand-in for dbt_utils.unique_combination_of_columns).
-#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

    select
        {{ combination_of_columns | join(',\n        ') }},
        count(*) as row_count
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1

{% endtest %}
