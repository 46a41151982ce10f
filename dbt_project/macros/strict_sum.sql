{#-
    sum() that returns null when any summed value is null, instead of silently skipping it.
    Converted amounts are null only when an FX rate is missing; a total that quietly left them out
    would understate cost, so the total becomes null too (and its not_null test fails).
    Sums over zero rows stay null, as with sum().
-#}
{% macro strict_sum(expression) -%}
    case when count(*) = count({{ expression }}) then sum({{ expression }}) end
{%- endmacro %}
