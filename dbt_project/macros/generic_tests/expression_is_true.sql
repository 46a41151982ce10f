{#-
    Fails for every row where the boolean SQL `expression` is not true (false or null).
    Attached to a column, `column_name` is available but the expression is used as written.
-#}
{% test expression_is_true(model, expression, column_name=none) %}

    select *
    from {{ model }}
    where not coalesce({{ expression }}, false)

{% endtest %}
