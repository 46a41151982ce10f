{#-
    Why a published portfolio value is null. Three kinds of reason, the same texts in every model:
    - the publisher's own text, when the cell held a sentence instead of a value ('Exempt under
      Section 43 of the Freedom of Information Act 2000 ...', 'Early planning GMPP project ...');
    - not_published_reason(): the cell was blank or NA;
    - not_published_by_source_reason(): the export has no such field at all (a US IT Dashboard
      project has no delivery confidence rating, a GMPP project no forecast finish date).
-#}
{% macro not_published_reason() -%}
    'not published (blank or NA in the export)'
{%- endmacro %}

{% macro not_published_by_source_reason() -%}
    'not published by this source'
{%- endmacro %}

{#-
    The null reason of a value column read from a raw `<column>` / `<column>_null_reason` pair:
    null when the value is there, the published text when the ingest kept one, else
    not_published_reason().
-#}
{% macro published_null_reason(value_column, reason_column) -%}
    case
        when {{ value_column }} is not null then null
        when nullif(trim({{ reason_column }}), '') is not null then trim({{ reason_column }})
        else {{ not_published_reason() }}
    end
{%- endmacro %}

{#-
    The null reason of a value that has no raw reason column (an IT Dashboard cell left blank).
-#}
{% macro blank_null_reason(value_column) -%}
    case when {{ value_column }} is null then {{ not_published_reason() }} end
{%- endmacro %}
