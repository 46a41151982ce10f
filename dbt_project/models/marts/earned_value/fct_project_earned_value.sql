with

project_months as (

    select * from {{ ref('fct_project_earned_value_monthly') }}

),

final as (

    select
        project_id,
        project_name,
        portfolio,
        program,
        month_start_date,
        fiscal_year,
        fiscal_period,
        is_as_of_month,
        status_date,
        as_of_date,
        reporting_extract_date,
        project_status,
        lifecycle_state,
        is_not_started,
        is_completed,
        is_cancelled,
        closed_since_date,
        measurement_date,
        baseline_start_date,
        baseline_finish_date,
        bac,
        original_bac,
        fac,
        original_baseline_start_date,
        original_baseline_finish_date,
        is_on_original_baseline,
        reported_percent_complete,
        percent_complete,
        is_percent_complete_capped,
        pv_method,
        has_budget_phasing,
        pv,
        ev,
        ac,
        labour_cost_to_date,
        non_labour_cost_to_date,
        cv,
        sv,
        ev_first_baseline,
        pv_first_baseline,
        cv_first_baseline,
        sv_first_baseline,
        cpi,
        spi,
        eac_cpi,
        eac_remaining_at_budget,
        eac_cpi_spi,
        etc,
        vac,
        forecast_optimism_pct,
        tcpi,
        percent_planned,
        percent_spent,
        earned_schedule_months,
        actual_time_months,
        spi_t,
        reporting_currency
    from project_months
    where is_as_of_month

)

select * from final
