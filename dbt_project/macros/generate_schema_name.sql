{#-
    Use a model's custom schema as-is (`staging`, `intermediate`, `marts`) instead of dbt's default
    `<target schema>_<custom schema>` (`main_marts`): the report code and analysts query `marts.*`.
    Models without a custom schema land in the target's schema.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
