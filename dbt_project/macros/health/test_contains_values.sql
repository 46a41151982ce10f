{#-
    Fails with one row per value of `values` that does not occur in `column_name`: the opposite
    of accepted_values. Used on the health_thresholds seed, so deleting a measure's row cannot
    silently stop that measure from being rated.
-#}
{% test contains_values(model, column_name, values) %}

    with

    expected as (

        {% for value in values -%}
            select '{{ value }}' as expected_value
            {%- if not loop.last %} union all {% endif %}
        {% endfor %}

    ),

    actual as (

        select distinct {{ column_name }} as actual_value
        from {{ model }}

    )

    select expected.expected_value
    from expected
    left join actual
        on expected.expected_value = actual.actual_value
    where actual.actual_value is null

{% endtest %}
