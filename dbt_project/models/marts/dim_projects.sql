with

projects as (

    select * from {{ ref('int_projects_deduplicated') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_filtered') }}

),

final as (

    select
        projects.project_id,
        projects.project_name,
        projects.portfolio,
        projects.program,
        projects.sponsor,
        projects.project_manager,
        projects.business_unit,
        projects.category,
        projects.strategic_theme,
        projects.phase,
        projects.status,
        projects.reported_rag,
        projects.percent_complete,
        projects.baseline_start_date,
        projects.baseline_finish_date,
        projects.forecast_start_date,
        projects.forecast_finish_date,
        projects.project_currency,
        projects.budget_at_completion_local,
        projects.capex_budget_local,
        projects.opex_budget_local,
        projects.forecast_at_completion_local,
        fx_rates.average_rate as fx_rate,
        -- converted at the rate of the latest extract's month; null when that rate is missing
        {{ to_money('projects.budget_at_completion_local * fx_rates.average_rate') }}
            as budget_at_completion,
        {{ to_money('projects.capex_budget_local * fx_rates.average_rate') }} as capex_budget,
        {{ to_money('projects.opex_budget_local * fx_rates.average_rate') }} as opex_budget,
        {{ to_money('projects.forecast_at_completion_local * fx_rates.average_rate') }}
            as forecast_at_completion,
        projects.strategic_alignment_score,
        projects.business_value_score,
        projects.risk_score,
        projects.urgency_score,
        projects.is_mandatory,
        projects.depends_on_project_ids,
        projects.exclusive_group,
        projects.last_extract_date,
        projects.is_in_latest_extract,
        projects.as_of_date,
        '{{ reporting_currency() }}' as reporting_currency
    from projects
    left join fx_rates
        on
            projects.project_currency = fx_rates.from_currency
            and projects.last_extract_month = fx_rates.rate_month

)

select * from final
