{#-
    Fails for every row of the model whose `column_name` differs from `field` of the row of `to`
    with the same `key` (or that has no such row). Nulls compare equal to nulls only. Used to tie
    an earned value figure to the mart that already states it (AC to fct_project_cost_performance,
    BAC to dim_projects), so the two can never drift apart. Numbers are compared to `precision`
    decimal places (default 6, the places of to_money()).
-#}
{% test equals_column_in(model, column_name, to, field, key, precision=6) %}

    select
        model_rows.{{ key }} as key_value,
        model_rows.{{ column_name }} as model_value,
        other_rows.{{ field }} as other_value
    from (select * from {{ model }}) as model_rows
    left join (select * from {{ to }}) as other_rows
        on model_rows.{{ key }} = other_rows.{{ key }}
    where
        other_rows.{{ key }} is null
        or (model_rows.{{ column_name }} is null) <> (other_rows.{{ field }} is null)
        or round(model_rows.{{ column_name }}, {{ precision }})
        <> round(other_rows.{{ field }}, {{ precision }})

{% endtest %}
