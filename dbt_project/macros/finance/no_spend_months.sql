{#-
    N of the finance finding 'budget_without_spend': a budget is flagged once it has gone N
    consecutive complete months without spend. dbt var `no_spend_months` (default 3), validated as
    a whole number of months >= 1 so a typo fails the compile instead of flagging everything.
-#}
{% macro no_spend_months() -%}
    {%- set raw_value = var('no_spend_months', 3) | string | trim -%}
    {%- if not raw_value.isdigit() or (raw_value | int) < 1 -%}
        {{ exceptions.raise_compiler_error(
            "var no_spend_months must be a whole number of months >= 1, got '" ~ raw_value ~ "'"
        ) }}
    {%- endif -%}
    {{ return(raw_value | int) }}
{%- endmacro %}
