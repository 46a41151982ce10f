with

snapshots as (

    select * from {{ ref('int_project_snapshots_compared') }}

),

final as (

    select
        project_id,
        extract_date,
        previous_extract_date,
        is_first_extract,
        project_name,
        portfolio,
        status,
        phase,
        reported_rag,
        percent_complete,
        baseline_finish_date,
        forecast_finish_date,
        finish_slip_days,
        project_currency,
        budget_at_completion_local,
        forecast_at_completion_local,
        fx_rate,
        budget_at_completion,
        forecast_at_completion,
        previous_status,
        previous_reported_rag,
        has_status_changed,
        has_phase_changed,
        has_rag_changed,
        forecast_finish_moved_days,
        percent_complete_delta,
        has_baseline_finish_changed,
        has_budget_changed,
        is_rebaselined,
        is_status_update,
        '{{ reporting_currency() }}' as reporting_currency
    from snapshots

)

select * from final
