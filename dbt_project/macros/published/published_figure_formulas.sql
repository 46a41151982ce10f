{#-
    The publishers' own formulas, written once: fct_published_projects computes each project's
    figures with them and fct_published_figure_checks recomputes the value it compares with the
    published one from the same inputs. Each macro renders a portable SQL expression (doubles)
    over the column expressions it is given; null when an input is null or a denominator is 0,
    never 0 or infinity.
-#}

{#- Cost variance, money: planned - forecast (US IT Dashboard: planned cost - projected/actual
    cost; positive = under plan, negative = overrun). -#}
{% macro published_cost_variance(planned, forecast) -%}
    cast({{ planned }} - {{ forecast }} as {{ type_double() }})
{%- endmacro %}

{#- Cost variance, %: (planned - forecast) / planned x 100; null when planned is 0. -#}
{% macro published_cost_variance_pct(planned, forecast) -%}
    case
        when {{ planned }} <> 0
            then cast({{ planned }} - {{ forecast }} as {{ type_double() }})
            / cast({{ planned }} as {{ type_double() }}) * 100
    end
{%- endmacro %}

{#- UK GMPP financial year variance, %: (forecast - baseline) / baseline x 100 (positive =
    forecast above baseline: the opposite sign of the cost variance); null when baseline is 0. -#}
{% macro published_fy_variance_pct(baseline, forecast) -%}
    case
        when {{ baseline }} <> 0
            then cast({{ forecast }} - {{ baseline }} as {{ type_double() }})
            / cast({{ baseline }} as {{ type_double() }}) * 100
    end
{%- endmacro %}

{#- US IT Dashboard schedule variance, days: planned completion - projected/actual completion
    (negative = late), an integer. -#}
{% macro published_schedule_variance_days(planned_finish, forecast_finish) -%}
    {{ days_between(forecast_finish, planned_finish) }}
{%- endmacro %}
