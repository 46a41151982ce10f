with

snapshots as (

    select * from {{ ref('int_project_snapshots_compared') }}

),

rebaselines as (

    select * from snapshots
    where is_rebaselined

),

final as (

    select
        project_id,
        extract_date as rebaseline_date,
        previous_extract_date,
        project_name,
        portfolio,
        status,
        has_baseline_finish_changed,
        has_budget_changed,
        previous_baseline_finish_date,
        baseline_finish_date,
        {{ days_between('previous_baseline_finish_date', 'baseline_finish_date') }}
            as baseline_finish_moved_days,
        previous_forecast_finish_date,
        forecast_finish_date,
        previous_finish_slip_days as finish_slip_days_before,
        finish_slip_days as finish_slip_days_after,
        previous_finish_slip_days - finish_slip_days as finish_slip_days_hidden,
        project_currency,
        previous_budget_at_completion_local,
        budget_at_completion_local,
        fx_rate,
        previous_budget_at_completion_at_current_rate as previous_budget_at_completion,
        budget_at_completion,
        budget_at_completion
        - previous_budget_at_completion_at_current_rate as budget_at_completion_change,
        cast(
            (budget_at_completion - previous_budget_at_completion_at_current_rate)
            / {{ double_divisor('previous_budget_at_completion_at_current_rate') }} * 100
            as {{ type_double() }}
        ) as budget_at_completion_change_pct,
        previous_forecast_at_completion_at_current_rate
        - previous_budget_at_completion_at_current_rate as forecast_overrun_before,
        forecast_at_completion - budget_at_completion as forecast_overrun_after,
        (
            previous_forecast_at_completion_at_current_rate
            - previous_budget_at_completion_at_current_rate
        )
        - (forecast_at_completion - budget_at_completion) as forecast_overrun_hidden,
        '{{ reporting_currency() }}' as reporting_currency
    from rebaselines

)

select * from final
