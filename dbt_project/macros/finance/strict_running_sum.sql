{#-
    Running (cumulative) sum over a window that is null as soon as any value summed so far is null,
    the windowed twin of strict_sum(): a year-to-date total that quietly skipped a month whose
    amount could not be converted (missing FX rate) would understate it.

    partition_by and order_by are SQL lists, e.g. strict_running_sum('budget', 'project_id',
    'fiscal_period'); the frame runs from the partition's first row to the current row.
-#}
{% macro strict_running_sum(expression, partition_by, order_by) -%}
    {%- set window -%}
        over (
            partition by {{ partition_by }}
            order by {{ order_by }}
            rows between unbounded preceding and current row
        )
    {%- endset -%}
    case
        when count(*) {{ window }} = count({{ expression }}) {{ window }}
            then sum({{ expression }}) {{ window }}
    end
{%- endmacro %}
