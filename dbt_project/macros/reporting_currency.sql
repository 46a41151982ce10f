{#-
    The reporting currency (var `reporting_currency`, env PORTFOLIO_REPORTING_CURRENCY, default
    USD) as a validated ISO code, safe to put inside a SQL string literal:
    `'{{ reporting_currency() }}'`.
-#}
{% macro reporting_currency() -%}
    {%- set code = var('reporting_currency', 'USD') | string | trim | upper -%}
    {%- if not modules.re.match('^[A-Z]{3}$', code) -%}
        {{ exceptions.raise_compiler_error(
            "var reporting_currency (env PORTFOLIO_REPORTING_CURRENCY) must be a 3-letter ISO "
            ~ "currency code, got '" ~ code ~ "'"
        ) }}
    {%- endif -%}
    {{ return(code) }}
{%- endmacro %}
