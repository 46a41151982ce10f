{#-
    The Green / Amber / Red rating of one health measure against its thresholds (seed
    health_thresholds). All arguments are SQL expressions; `direction` evaluates to
    'higher_is_worse' or 'lower_is_worse'.

    higher_is_worse: Red when value > red, Amber when value > amber, else Green.
    lower_is_worse:  Red when value < red, Amber when value < amber, else Green.
    A value exactly on a threshold gets the better rating. A null value, or a measure without
    thresholds, is not rated (null), so it can never make a project look better or worse.
-#}
{% macro health_rating(value, amber, red, direction) -%}
    case
        when
            {{ value }} is null
            or {{ amber }} is null
            or {{ red }} is null
            then null
        when {{ direction }} = 'higher_is_worse' and {{ value }} > {{ red }} then 'Red'
        when {{ direction }} = 'higher_is_worse' and {{ value }} > {{ amber }} then 'Amber'
        when {{ direction }} = 'lower_is_worse' and {{ value }} < {{ red }} then 'Red'
        when {{ direction }} = 'lower_is_worse' and {{ value }} < {{ amber }} then 'Amber'
        when {{ direction }} in ('higher_is_worse', 'lower_is_worse') then 'Green'
    end
{%- endmacro %}


{#-
    A number as text with a fixed number of decimals (0.9 -> '0.90' with 2 decimals), the same
    on DuckDB and Spark: cast to a decimal, then to a string.
-#}
{% macro format_decimal(value, decimals) -%}
    cast(cast({{ value }} as decimal(18, {{ decimals }})) as {{ dbt.type_string() }})
{%- endmacro %}


{#-
    The explanation of an Amber or Red rating, e.g. "CPI 0.82 < 0.90 (red)" or
    "finish slip 45 days > 30 days (red)": label, value and unit, the comparison with the
    threshold that was crossed, the rating. `unit` is literal text (no quotes). A value that
    rounds to the threshold it crossed is shown with two (or four) more decimals ("CPI 0.8996 <
    0.90", never "CPI 0.90 < 0.90"), so the text always proves its comparison. Null for Green and unrated measures, so concat_ws
    skips them.
-#}
{% macro health_reason(label, value, amber, red, direction, rating, decimals, unit='') -%}
    {%- set crossed = "case when " ~ rating ~ " = 'Red' then " ~ red ~ " else " ~ amber ~ " end" -%}
    case
        when {{ rating }} in ('Amber', 'Red')
            then {{ dbt.concat([
                "'" ~ label ~ " '",
                "case when cast(" ~ value ~ " as decimal(18, " ~ decimals ~ ")) <> cast("
                ~ crossed ~ " as decimal(18, " ~ decimals ~ ")) then "
                ~ format_decimal(value, decimals)
                ~ " when cast(" ~ value ~ " as decimal(18, " ~ (decimals + 2) ~ ")) <> cast("
                ~ crossed ~ " as decimal(18, " ~ (decimals + 2) ~ ")) then "
                ~ format_decimal(value, decimals + 2)
                ~ " else " ~ format_decimal(value, decimals + 4) ~ " end",
                "'" ~ unit ~ "'",
                "case when " ~ direction ~ " = 'higher_is_worse' then ' > ' else ' < ' end",
                format_decimal(crossed, decimals),
                "'" ~ unit ~ "'",
                "' ('",
                "lower(" ~ rating ~ ")",
                "')'",
            ]) }}
    end
{%- endmacro %}

