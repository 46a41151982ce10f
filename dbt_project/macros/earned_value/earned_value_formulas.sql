{#-
    The earned value formulas, written once and used by the project marts and the roll-ups so both
    levels compute a measure the same way. Each macro renders a portable SQL expression over the
    column expressions it is given. Money results are fixed to decimal(38, 6) with to_money();
    indices are doubles. A zero (or negative) denominator gives null, never 0 or infinity.
-#}

{#- numerator / denominator as a double; null unless the denominator is > 0. -#}
{% macro ev_ratio(numerator, denominator) -%}
    case
        when {{ denominator }} > 0
            then cast({{ numerator }} as {{ type_double() }})
            / cast({{ denominator }} as {{ type_double() }})
    end
{%- endmacro %}


{#- EAC by the cumulative CPI: BAC / CPI; null when CPI is null or 0. -#}
{% macro ev_eac_cpi(bac, cpi) -%}
    case
        when {{ cpi }} > 0
            then {{ to_money('cast(' ~ bac ~ ' as ' ~ type_double() ~ ') / ' ~ cpi) }}
    end
{%- endmacro %}


{#- EAC assuming the remaining work is done at budget rates: AC + (BAC - EV). -#}
{% macro ev_eac_remaining_at_budget(bac, ev, ac) -%}
    {{ to_money(ac ~ ' + (' ~ bac ~ ' - ' ~ ev ~ ')') }}
{%- endmacro %}


{#- EAC with the remaining work at CPI x SPI: AC + (BAC - EV) / (CPI x SPI); null when either
    index is null or their product is 0. -#}
{% macro ev_eac_cpi_spi(bac, ev, ac, cpi, spi) -%}
    case
        when {{ cpi }} * {{ spi }} > 0
            then {{ to_money(
                'cast(' ~ ac ~ ' as ' ~ type_double() ~ ') + cast(' ~ bac ~ ' - ' ~ ev
                ~ ' as ' ~ type_double() ~ ') / (' ~ cpi ~ ' * ' ~ spi ~ ')'
            ) }}
    end
{%- endmacro %}


{#- To-complete performance index against BAC: (BAC - EV) / (BAC - AC); null when BAC - AC <= 0
    (the budget is spent: no efficiency finishes within it). -#}
{% macro ev_tcpi(bac, ev, ac) -%}
    {{ ev_ratio('(' ~ bac ~ ' - ' ~ ev ~ ')', '(' ~ bac ~ ' - ' ~ ac ~ ')') }}
{%- endmacro %}


{#- A percentage of BAC: numerator / BAC x 100; null when BAC <= 0. -#}
{% macro ev_percent_of_bac(numerator, bac) -%}
    ({{ ev_ratio(numerator, bac) }} * 100)
{%- endmacro %}


{#- sum() of `expression` over the rows where `condition` is true, strict like strict_sum(): null
    when any of those rows has a null value; 0 (to_money) when no row matches. -#}
{% macro ev_strict_sum_where(expression, condition) -%}
    case
        when
            count(case when {{ condition }} then 1 end)
            = count(case when {{ condition }} then {{ expression }} end)
            then coalesce(
                sum(case when {{ condition }} then {{ expression }} end), {{ to_money('0') }}
            )
    end
{%- endmacro %}


{#- The last day of the month that starts on `month_start_expression`. -#}
{% macro ev_month_end(month_start_expression) -%}
    cast({{ dbt.dateadd('day', '-1', dbt.dateadd('month', '1', month_start_expression)) }} as date)
{%- endmacro %}


{#- How far through its month a date is: day of month / days in the month (1.0 on the last day). -#}
{% macro ev_month_fraction(date_expression) -%}
    cast(extract(day from {{ date_expression }}) as {{ type_double() }})
    / cast(extract(day from {{ ev_month_end(dbt.date_trunc('month', date_expression)) }})
        as {{ type_double() }})
{%- endmacro %}


{#- Linear-baseline planned value on `on_date`: BAC x elapsed fraction of the baseline, where the
    fraction counts whole days, both ends inclusive (the baseline start day counts as day 1), and
    is clamped to 0..1. A baseline that finishes before it starts counts as one day long. Null
    when BAC or a baseline date is null. -#}
{% macro ev_linear_planned_value(bac, start_date, finish_date, on_date) -%}
    {%- set duration_days = 'greatest(' ~ dbt.datediff(start_date, finish_date, 'day') ~ ' + 1, 1)' -%}
    {%- set elapsed_days = dbt.datediff(start_date, on_date, 'day') ~ ' + 1' -%}
    {#- greatest()/least() skip nulls, so a missing date is caught before they run -#}
    case
        when
            {{ start_date }} is not null
            and {{ finish_date }} is not null
            and {{ on_date }} is not null
            then {{ to_money(
                'cast(' ~ bac ~ ' as ' ~ type_double() ~ ')'
                ~ ' * cast(least(greatest(' ~ elapsed_days ~ ', 0), ' ~ duration_days ~ ') as '
                ~ type_double() ~ ')'
                ~ ' / cast(' ~ duration_days ~ ' as ' ~ type_double() ~ ')'
            ) }}
    end
{%- endmacro %}
