{#-
    The UK IPA / SRO Delivery Confidence Assessment (DCA) of a GMPP export, parsed from its raw
    text. Case, spaces and the separator ('/', '-', '–') are ignored; the five ratings the IPA
    has used are recognised: Green, Amber/Green (also written Green/Amber), Amber, Amber/Red
    (also Red/Amber) and Red (the annual report 2022 uses only Red, Amber and Green). Anything
    else is not a rating: null, and dca_rating_null_reason says why.
-#}
{% macro _dca_rating_key(text) -%}
    replace(replace(replace(lower(trim({{ text }})), ' ', ''), '-', '/'), '–', '/')
{%- endmacro %}

{% macro normalise_dca_rating(text) -%}
    case {{ _dca_rating_key(text) }}
        when 'red' then 'Red'
        when 'amber/red' then 'Amber/Red'
        when 'red/amber' then 'Amber/Red'
        when 'amber' then 'Amber'
        when 'amber/green' then 'Amber/Green'
        when 'green/amber' then 'Amber/Green'
        when 'green' then 'Green'
    end
{%- endmacro %}

{#-
    Null when the text is a rating; not_published_reason() when it is blank, NULL or NA; else the
    published text itself (an FOI exemption, 'Early planning GMPP project ...').
-#}
{% macro dca_rating_null_reason(text) -%}
    case
        when {{ normalise_dca_rating(text) }} is not null then null
        when nullif(trim({{ text }}), '') is null
            or upper(trim({{ text }})) in ('NA', 'N/A') then {{ not_published_reason() }}
        else trim({{ text }})
    end
{%- endmacro %}
