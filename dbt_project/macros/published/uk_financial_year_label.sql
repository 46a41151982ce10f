{#-
    The label of the UK financial year (1 April - 31 March) a GMPP annual report covers, from the
    extract's date: the annual report of calendar year Y publishes data as at 31 March Y, i.e. the
    financial year Y-1 to Y, labelled 'Y-1 - YY' ('2021-22' for the 2022 report). Keyed on the
    calendar year alone, so the as-at date (31 March), the publication date (July) or a year-only
    date (1 January) of the same report all give the same label.
-#}
{% macro uk_financial_year_label(date_expression) -%}
    {%- set report_year =
        'cast(extract(year from ' ~ date_expression ~ ') as ' ~ dbt.type_int() ~ ')' -%}
    {{ dbt.concat([
        'cast(' ~ report_year ~ ' - 1 as ' ~ dbt.type_string() ~ ')',
        "'-'",
        dbt.right('cast(' ~ report_year ~ ' as ' ~ dbt.type_string() ~ ')', '2'),
    ]) }}
{%- endmacro %}
