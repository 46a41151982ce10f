{#- measure column, label in health_reasons, decimals shown, unit shown -#}
{%- set measures = [
    ('cpi', 'CPI', 2, ''),
    ('spi', 'SPI', 2, ''),
    ('spi_t', 'SPI(t)', 2, ''),
    ('finish_slip_days', 'finish slip', 0, ' days'),
    ('forecast_overrun_pct', 'forecast overrun', 1, '%'),
    ('forecast_optimism_pct', 'PM forecast below EAC (BAC / CPI) by', 1, '% of BAC'),
    ('days_since_status_update', 'days since status update', 0, ''),
] -%}
{%- set rag_columns = [] -%}
{%- for measure in measures -%}
    {%- do rag_columns.append('rated.' ~ measure[0] ~ '_rag') -%}
{%- endfor -%}

with

projects as (

    select * from {{ ref('dim_projects') }}

),

earned_value as (

    select * from {{ ref('fct_project_earned_value') }}

),

snapshots as (

    select * from {{ ref('int_project_snapshots_compared') }}

),

rebaselines as (

    select * from {{ ref('fct_project_rebaselines') }}

),

extracts as (

    select * from {{ ref('int_project_extracts_converted') }}

),

-- the first baseline each project was reported with, beside the current one: a re-baseline
-- never makes the variance against it vanish from the board's view
first_baselines as (

    select
        project_id,
        max(original_bac_local) as original_bac_local,
        max(original_baseline_finish_date) as original_baseline_finish_date
    from extracts
    group by project_id

),

rebaseline_counts as (

    select
        project_id,
        count(*) as rebaseline_count,
        max(rebaseline_date) as last_rebaseline_date
    from rebaselines
    group by project_id

),

thresholds as (

    select * from {{ ref('health_thresholds') }}

),

-- the seed as one row: <measure>_amber_threshold, _red_threshold, _direction and
-- _rated_from_percent_complete
threshold_row as (

    select
        {%- for measure, _label, _decimals, _unit in measures %}
            max(
                case when thresholds.measure = '{{ measure }}' then thresholds.amber_threshold end
            ) as {{ measure }}_amber_threshold,
            max(
                case when thresholds.measure = '{{ measure }}' then thresholds.red_threshold end
            ) as {{ measure }}_red_threshold,
            max(
                case when thresholds.measure = '{{ measure }}' then thresholds.direction end
            ) as {{ measure }}_direction,
            max(
                case
                    when thresholds.measure = '{{ measure }}'
                        then thresholds.rated_from_percent_complete
                end
            ) as {{ measure }}_rated_from_percent_complete,
        {%- endfor %}
        count(*) as threshold_count
    from thresholds

),

status_updates as (

    select
        snapshots.project_id,
        max(
            case when snapshots.is_status_update then snapshots.extract_date end
        ) as last_status_update_date,
        coalesce(
            max(
                case
                    when snapshots.is_status_update and not snapshots.is_first_extract then 1
                    else 0
                end
            ) = 1,
            false
        ) as has_status_update_in_history
    from snapshots
    group by snapshots.project_id

),

measures as (

    select
        projects.project_id,
        projects.project_name,
        projects.portfolio,
        projects.program,
        projects.project_manager,
        projects.status,
        projects.phase,
        projects.reported_rag,
        projects.percent_complete,
        projects.is_in_latest_extract,
        projects.as_of_date,
        -- health is an early warning for live projects: a completed or cancelled project, or one
        -- the PPM tool no longer exports, is not assessed
        coalesce(
            projects.is_in_latest_extract
            and projects.status not in ('Completed', 'Cancelled'),
            false
        ) as is_health_assessed,
        cast(earned_value.cpi as {{ type_double() }}) as cpi,
        cast(earned_value.spi as {{ type_double() }}) as spi,
        cast(earned_value.spi_t as {{ type_double() }}) as spi_t,
        -- the PM's forecast against what the cost performance so far supports (EAC = BAC / CPI),
        -- both of the extract nearest the cut-off, as a share of BAC
        cast(earned_value.forecast_optimism_pct as {{ type_double() }}) as forecast_optimism_pct,
        cast(coalesce(rebaseline_counts.rebaseline_count, 0) as {{ dbt.type_int() }})
            as rebaseline_count,
        rebaseline_counts.last_rebaseline_date,
        first_baselines.original_baseline_finish_date,
        -- at the register's rate for both, so the change is re-baselining, never FX
        {{ to_money(
            '(projects.budget_at_completion_local - first_baselines.original_bac_local)'
            ~ ' * projects.fx_rate'
        ) }} as rebaselined_budget_change,
        {{ days_between(
            'first_baselines.original_baseline_finish_date', 'projects.baseline_finish_date'
        ) }} as rebaselined_finish_days,
        {{ days_between(
            'first_baselines.original_baseline_finish_date', 'projects.forecast_finish_date'
        ) }} as finish_slip_days_vs_first_baseline,
        {{ days_between('projects.baseline_finish_date', 'projects.forecast_finish_date') }}
            as finish_slip_days,
        -- in the project currency: the same ratio as in the reporting currency, and not lost
        -- when an FX rate is missing
        cast(
            100 * (projects.forecast_at_completion_local - projects.budget_at_completion_local)
            / {{ double_divisor('projects.budget_at_completion_local') }} as {{ type_double() }}
        ) as forecast_overrun_pct,
        status_updates.last_status_update_date,
        coalesce(status_updates.has_status_update_in_history, false)
            as has_status_update_in_history,
        {{ days_between('status_updates.last_status_update_date', 'projects.as_of_date') }}
            as days_since_status_update
    from projects
    left join earned_value
        on projects.project_id = earned_value.project_id
    left join status_updates
        on projects.project_id = status_updates.project_id
    left join first_baselines
        on projects.project_id = first_baselines.project_id
    left join rebaseline_counts
        on projects.project_id = rebaseline_counts.project_id

),

rated as (

    select
        measures.*,
        threshold_row.*,
    {%- for measure, _label, _decimals, _unit in measures %}
        case
            when
                measures.is_health_assessed
                -- earned-value ratios swing wildly at the start (a week late on a 2 %
                -- project reads SPI 0.3): such a measure waits for enough progress
                and (
                    threshold_row.{{ measure }}_rated_from_percent_complete is null
                    or measures.percent_complete
                    >= threshold_row.{{ measure }}_rated_from_percent_complete
                )
                then {{ health_rating(
                        'measures.' ~ measure,
                        'threshold_row.' ~ measure ~ '_amber_threshold',
                        'threshold_row.' ~ measure ~ '_red_threshold',
                        'threshold_row.' ~ measure ~ '_direction',
                    ) }}
        end as {{ measure }}_rag{{ ',' if not loop.last }}  -- noqa: LT02
    {%- endfor %}
    from measures
    cross join threshold_row

),

combined as (

    select
        rated.project_id,
        rated.project_name,
        rated.portfolio,
        rated.program,
        rated.project_manager,
        rated.status,
        rated.phase,
        rated.reported_rag,
        -- the worst rating over the measures that have one; null when none has a value
        case
            when 'Red' in ({{ rag_columns | join(', ') }}) then 'Red'
            when 'Amber' in ({{ rag_columns | join(', ') }}) then 'Amber'
            when 'Green' in ({{ rag_columns | join(', ') }}) then 'Green'
        end as computed_rag,
        rated.is_health_assessed,
        case
            when not rated.is_health_assessed and not rated.is_in_latest_extract
                then 'not assessed: not in the latest projects extract'
            when not rated.is_health_assessed
                then {{ dbt.concat(["'not assessed: project '", 'lower(rated.status)']) }}
            else nullif(concat_ws(
                '; ',
                {%- for measure, label, decimals, unit in measures %}
                    {{ health_reason(
                        label,
                        'rated.' ~ measure,
                        'rated.' ~ measure ~ '_amber_threshold',
                        'rated.' ~ measure ~ '_red_threshold',
                        'rated.' ~ measure ~ '_direction',
                        'rated.' ~ measure ~ '_rag',
                        decimals,
                        unit,
                    ) }}{{ ',' if not loop.last }}
                {%- endfor %}
            ), '')
        end as health_reasons,
        case
            when rated.is_health_assessed
                then nullif(concat_ws(
                    ', ',
                    {%- for measure, _label, _decimals, _unit in measures %}
                        case
                            when rated.{{ measure }}_rag is null then '{{ measure }}'
                        end{{ ',' if not loop.last }}
                    {%- endfor %}
                ), '')
        end as unrated_measures,
        cast(
            {%- for measure, _label, _decimals, _unit in measures %}
                case when rated.{{ measure }}_rag is null then 0 else 1 end
                {{- ' +' if not loop.last }}
            {%- endfor %}
            as {{ dbt.type_int() }}
        ) as rated_measure_count,
        {%- for measure, _label, _decimals, _unit in measures %}
            rated.{{ measure }},
            rated.{{ measure }}_rag,
        {%- endfor %}
        rated.last_status_update_date,
        rated.has_status_update_in_history,
        rated.rebaseline_count,
        rated.last_rebaseline_date,
        rated.original_baseline_finish_date,
        rated.rebaselined_budget_change,
        rated.rebaselined_finish_days,
        rated.finish_slip_days_vs_first_baseline,
        rated.as_of_date
    from rated

),

final as (

    select
        combined.project_id,
        combined.project_name,
        combined.portfolio,
        combined.program,
        combined.project_manager,
        combined.status,
        combined.phase,
        combined.reported_rag,
        combined.computed_rag,
        coalesce(
            combined.reported_rag = 'Green' and combined.computed_rag = 'Red', false
        ) as is_reported_green_computed_red,
        coalesce(
            case combined.reported_rag when 'Green' then 0 when 'Amber' then 1 when 'Red' then 2 end
            < case combined.computed_rag
                when 'Green' then 0 when 'Amber' then 1 when 'Red' then 2
            end,
            false
        ) as is_reported_better_than_computed,
        combined.health_reasons,
        combined.is_health_assessed,
        combined.unrated_measures,
        combined.rated_measure_count,
        {%- for measure, _label, _decimals, _unit in measures %}
            combined.{{ measure }},
            combined.{{ measure }}_rag,
        {%- endfor %}
        combined.last_status_update_date,
        combined.has_status_update_in_history,
        combined.rebaseline_count,
        combined.last_rebaseline_date,
        combined.original_baseline_finish_date,
        combined.rebaselined_budget_change,
        combined.rebaselined_finish_days,
        combined.finish_slip_days_vs_first_baseline,
        combined.as_of_date
    from combined

)

select * from final
