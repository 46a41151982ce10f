{%- set open_statuses = "('Active', 'On Hold')" -%}
{%- set compared_kpis = [
    'project_count',
    'open_project_count',
    'open_green_project_count',
    'open_amber_project_count',
    'open_red_project_count',
    'open_slipped_over_30_days_count',
    'rebaselined_project_count',
    'budget_at_completion',
    'forecast_at_completion',
    'forecast_overrun',
    'forecast_overrun_pct',
] -%}

with

history as (

    select * from {{ ref('fct_project_status_history') }}

),

per_extract as (

    select
        extract_date,
        cast(count(*) as {{ dbt.type_bigint() }}) as project_count,
        cast(sum(
            case when status in {{ open_statuses }} then 1 else 0 end
        ) as {{ dbt.type_bigint() }}) as open_project_count,
        cast(sum(
            case when status in {{ open_statuses }} and reported_rag = 'Green' then 1 else 0 end
        ) as {{ dbt.type_bigint() }}) as open_green_project_count,
        cast(sum(
            case when status in {{ open_statuses }} and reported_rag = 'Amber' then 1 else 0 end
        ) as {{ dbt.type_bigint() }}) as open_amber_project_count,
        cast(sum(
            case when status in {{ open_statuses }} and reported_rag = 'Red' then 1 else 0 end
        ) as {{ dbt.type_bigint() }}) as open_red_project_count,
        cast(sum(
            case when status in {{ open_statuses }} and finish_slip_days > 30 then 1 else 0 end
        ) as {{ dbt.type_bigint() }}) as open_slipped_over_30_days_count,
        cast(sum(
            case when is_rebaselined then 1 else 0 end
        ) as {{ dbt.type_bigint() }}) as rebaselined_project_count,
        {{ strict_sum('budget_at_completion') }} as budget_at_completion,
        {{ strict_sum('forecast_at_completion') }} as forecast_at_completion
    from history
    group by extract_date

),

with_ratios as (

    select
        extract_date,
        lag(extract_date) over (order by extract_date) as previous_extract_date,
        project_count,
        open_project_count,
        open_green_project_count,
        open_amber_project_count,
        open_red_project_count,
        open_slipped_over_30_days_count,
        rebaselined_project_count,
        budget_at_completion,
        forecast_at_completion,
        forecast_at_completion - budget_at_completion as forecast_overrun,
        -- a ratio of the sums, never an average of the projects' ratios
        cast(
            100 * (forecast_at_completion - budget_at_completion)
            / {{ double_divisor('budget_at_completion') }} as {{ type_double() }}
        ) as forecast_overrun_pct
    from per_extract

),

kpis_to_compare as (

    select
        with_ratios.extract_date,
        with_ratios.previous_extract_date,
        with_ratios.project_count,
        with_ratios.open_project_count,
        with_ratios.open_green_project_count,
        with_ratios.open_amber_project_count,
        with_ratios.open_red_project_count,
        with_ratios.open_slipped_over_30_days_count,
        with_ratios.budget_at_completion,
        with_ratios.forecast_at_completion,
        with_ratios.forecast_overrun,
        with_ratios.forecast_overrun_pct,
        -- the first extract has nothing to compare with: no project can be re-baselined in it
        case
            when with_ratios.previous_extract_date is not null
                then with_ratios.rebaselined_project_count
        end as rebaselined_project_count
    from with_ratios

),

final as (

    select
        kpis_to_compare.*,
        {%- for kpi in compared_kpis %}
            kpis_to_compare.{{ kpi }} - lag(kpis_to_compare.{{ kpi }}) over (
                order by kpis_to_compare.extract_date
            ) as {{ kpi }}_delta,
        {%- endfor %}
        '{{ reporting_currency() }}' as reporting_currency
    from kpis_to_compare

)

select * from final
