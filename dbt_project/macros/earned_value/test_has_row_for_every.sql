{#-
    The reverse of `relationships`: fails for every `field` value of `to` that has no row in the
    model (column `column_name`). Used to prove a per-project mart leaves no project out.
-#}
{% test has_row_for_every(model, column_name, to, field) %}

    select other_rows.{{ field }} as missing_value
    from (select * from {{ to }}) as other_rows
    left join (select * from {{ model }}) as model_rows
        on other_rows.{{ field }} = model_rows.{{ column_name }}
    where model_rows.{{ column_name }} is null

{% endtest %}
