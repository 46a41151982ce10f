{#-
    Settings of the capacity marts, as dbt vars with defaults here (set them with
    `--vars '{standard_weekly_hours: 37.5}'` or in dbt_project.yml's `vars:`):

    - `standard_weekly_hours` (default 40): contracted hours of one full-time person (FTE 1.0) in a
      Monday-Friday week. A person's day is FTE x standard_weekly_hours / 5 hours, so a 0.5 FTE
      person's week is 20 h at the default. HR's `Weekly Capacity Hours` uses the same 40.
    - `timesheet_compliance_threshold` (default 0.9): share of a week's expected hours that must be
      logged for the week to count as compliant (logged >= expected x threshold).

    Each macro validates its var and returns it as a number, so a typo fails at compile time
    instead of producing silently wrong capacity.
-#}

{% macro standard_weekly_hours() -%}
    {%- set raw_value = var('standard_weekly_hours', 40) | string | trim -%}
    {%- if not modules.re.match('^[0-9]+(\\.[0-9]+)?$', raw_value) or (raw_value | float) <= 0
        or (raw_value | float) > 168 -%}
        {{ exceptions.raise_compiler_error(
            "var standard_weekly_hours must be a number of hours above 0 and at most 168, got '"
            ~ raw_value ~ "'"
        ) }}
    {%- endif -%}
    {{ return(raw_value | float) }}
{%- endmacro %}


{% macro timesheet_compliance_threshold() -%}
    {%- set raw_value = var('timesheet_compliance_threshold', 0.9) | string | trim -%}
    {%- if not modules.re.match('^[0-9]+(\\.[0-9]+)?$', raw_value) or (raw_value | float) <= 0
        or (raw_value | float) > 1 -%}
        {{ exceptions.raise_compiler_error(
            "var timesheet_compliance_threshold must be a share above 0 and at most 1, got '"
            ~ raw_value ~ "'"
        ) }}
    {%- endif -%}
    {{ return(raw_value | float) }}
{%- endmacro %}
