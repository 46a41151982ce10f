-- Every project extract next to the same project's previous extract: what changed, whether it was
-- re-baselined, and its money converted at the rate of the extract's own month.

with

snapshots as (

    select * from {{ ref('int_project_snapshots_deduplicated') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_filtered') }}

),

with_previous as (

    select
        snapshots.*,
        lag(snapshots.extract_date) over (
            partition by snapshots.project_id order by snapshots.extract_date
        ) as previous_extract_date,
        lag(snapshots.status) over (
            partition by snapshots.project_id order by snapshots.extract_date
        ) as previous_status,
        lag(snapshots.phase) over (
            partition by snapshots.project_id order by snapshots.extract_date
        ) as previous_phase,
        lag(snapshots.reported_rag) over (
            partition by snapshots.project_id order by snapshots.extract_date
        ) as previous_reported_rag,
        lag(snapshots.percent_complete) over (
            partition by snapshots.project_id order by snapshots.extract_date
        ) as previous_percent_complete,
        lag(snapshots.baseline_finish_date) over (
            partition by snapshots.project_id order by snapshots.extract_date
        ) as previous_baseline_finish_date,
        lag(snapshots.forecast_finish_date) over (
            partition by snapshots.project_id order by snapshots.extract_date
        ) as previous_forecast_finish_date,
        lag(snapshots.budget_at_completion_local) over (
            partition by snapshots.project_id order by snapshots.extract_date
        ) as previous_budget_at_completion_local,
        lag(snapshots.forecast_at_completion_local) over (
            partition by snapshots.project_id order by snapshots.extract_date
        ) as previous_forecast_at_completion_local
    from snapshots

),

compared as (

    select
        with_previous.*,
        with_previous.previous_extract_date is null as is_first_extract,
        {{ days_between(
            'with_previous.baseline_finish_date', 'with_previous.forecast_finish_date'
        ) }} as finish_slip_days,
        {{ days_between(
            'with_previous.previous_baseline_finish_date',
            'with_previous.previous_forecast_finish_date'
        ) }} as previous_finish_slip_days,
        {{ days_between(
            'with_previous.previous_forecast_finish_date', 'with_previous.forecast_finish_date'
        ) }} as forecast_finish_moved_days,
        with_previous.percent_complete
        - with_previous.previous_percent_complete as percent_complete_delta,
        {{ is_value_changed('with_previous.status', 'with_previous.previous_status') }}
            as has_status_changed,
        {{ is_value_changed('with_previous.phase', 'with_previous.previous_phase') }}
            as has_phase_changed,
        {{ is_value_changed('with_previous.reported_rag', 'with_previous.previous_reported_rag') }}
            as has_rag_changed,
        {{ is_value_changed(
            'with_previous.percent_complete', 'with_previous.previous_percent_complete'
        ) }} as has_percent_complete_changed,
        {{ is_value_changed(
            'with_previous.forecast_finish_date', 'with_previous.previous_forecast_finish_date'
        ) }} as has_forecast_finish_changed,
        {{ is_value_changed(
            'with_previous.baseline_finish_date', 'with_previous.previous_baseline_finish_date'
        ) }} as has_baseline_finish_changed,
        -- compared in the project currency: a moving FX rate is not a re-baseline
        {{ is_value_changed(
            'with_previous.budget_at_completion_local',
            'with_previous.previous_budget_at_completion_local'
        ) }} as has_budget_changed
    from with_previous

),

final as (

    select
        compared.project_id,
        compared.extract_date,
        compared.previous_extract_date,
        compared.is_first_extract,
        compared.extract_month,
        compared.project_name,
        compared.portfolio,
        compared.program,
        compared.category,
        compared.status,
        compared.phase,
        compared.reported_rag,
        compared.percent_complete,
        compared.baseline_finish_date,
        compared.forecast_finish_date,
        compared.finish_slip_days,
        compared.project_currency,
        compared.budget_at_completion_local,
        compared.forecast_at_completion_local,
        fx_rates.average_rate as fx_rate,
        {{ to_money('compared.budget_at_completion_local * fx_rates.average_rate') }}
            as budget_at_completion,
        {{ to_money('compared.forecast_at_completion_local * fx_rates.average_rate') }}
            as forecast_at_completion,
        compared.previous_status,
        compared.previous_reported_rag,
        compared.previous_percent_complete,
        compared.previous_baseline_finish_date,
        compared.previous_forecast_finish_date,
        compared.previous_finish_slip_days,
        compared.previous_budget_at_completion_local,
        compared.previous_forecast_at_completion_local,
        -- the previous extract's BAC and FAC at this extract's rate, so that a change shows the
        -- budget decision and not an FX movement
        {{ to_money('compared.previous_budget_at_completion_local * fx_rates.average_rate') }}
            as previous_budget_at_completion_at_current_rate,
        {{ to_money('compared.previous_forecast_at_completion_local * fx_rates.average_rate') }}
            as previous_forecast_at_completion_at_current_rate,
        -- change flags are null on a project's first extract: there is nothing to compare with
        case when not compared.is_first_extract then compared.has_status_changed end
            as has_status_changed,
        case when not compared.is_first_extract then compared.has_phase_changed end
            as has_phase_changed,
        case when not compared.is_first_extract then compared.has_rag_changed end
            as has_rag_changed,
        case when not compared.is_first_extract then compared.has_percent_complete_changed end
            as has_percent_complete_changed,
        case when not compared.is_first_extract then compared.has_forecast_finish_changed end
            as has_forecast_finish_changed,
        case when not compared.is_first_extract then compared.has_baseline_finish_changed end
            as has_baseline_finish_changed,
        case when not compared.is_first_extract then compared.has_budget_changed end
            as has_budget_changed,
        case
            when not compared.is_first_extract
                then compared.has_baseline_finish_changed or compared.has_budget_changed
        end as is_rebaselined,
        compared.forecast_finish_moved_days,
        compared.percent_complete_delta,
        -- the first extract counts as an update: it is the first status the project reported
        compared.is_first_extract
        or compared.has_percent_complete_changed
        or compared.has_rag_changed
        or compared.has_status_changed
        or compared.has_forecast_finish_changed as is_status_update
    from compared
    left join fx_rates
        on
            compared.project_currency = fx_rates.from_currency
            and compared.extract_month = fx_rates.rate_month

)

select * from final
