{#-
    True when a value differs from the previous extract's, treating two nulls as equal and a
    null against a value as a change (IS DISTINCT FROM, written portably).
-#}
{% macro is_value_changed(current_value, previous_value) -%}
    case
        when {{ current_value }} = {{ previous_value }} then false
        when {{ current_value }} is null and {{ previous_value }} is null then false
        else true
    end
{%- endmacro %}
