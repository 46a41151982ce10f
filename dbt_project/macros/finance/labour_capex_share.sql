{#-
    The CAPEX/OPEX rule for labour. Timesheets carry no CAPEX/OPEX flag, so labour is capitalised
    at the project's capex share of its budget at completion (Capex Budget / Budget at Completion
    of the project's latest extract), the rest expensed; without a positive BAC all labour is
    expensed (share 0). A ratio 0-1 as a double; one definition for every finance model.
-#}
{% macro labour_capex_share(budget_at_completion_expression, capex_budget_expression) -%}
    cast(
        case
            when {{ budget_at_completion_expression }} > 0
                then {{ capex_budget_expression }} / {{ budget_at_completion_expression }}
            else 0
        end as {{ type_double() }}
    )
{%- endmacro %}
