with

project_months as (

    select * from {{ ref('int_project_months_earned') }}

),

planned as (

    select * from {{ ref('int_project_months_planned') }}

),

costed as (

    select * from {{ ref('int_project_months_costed') }}

),

projects as (

    select * from {{ ref('dim_projects') }}

),

joined as (

    select
        project_months.project_id,
        projects.project_name,
        projects.portfolio,
        projects.program,
        project_months.month_start_date,
        project_months.fiscal_year,
        project_months.fiscal_period,
        project_months.is_as_of_month,
        project_months.status_date,
        project_months.as_of_date,
        project_months.reporting_extract_date,
        project_months.project_status,
        project_months.lifecycle_state,
        project_months.is_not_started,
        project_months.is_completed,
        project_months.is_cancelled,
        project_months.closed_since_date,
        project_months.measurement_date,
        project_months.baseline_start_date,
        project_months.baseline_finish_date,
        project_months.bac,
        project_months.original_bac,
        project_months.fac,
        project_months.original_baseline_start_date,
        project_months.original_baseline_finish_date,
        project_months.is_on_original_baseline,
        -- the first baseline's view: the work done valued at the first budget, and what the first
        -- plan (linear on its dates) had scheduled by the measurement date
        {{ to_money('project_months.original_bac * project_months.percent_complete / 100') }}
            as ev_first_baseline,
        {{ ev_linear_planned_value(
            'project_months.original_bac',
            'project_months.original_baseline_start_date',
            'project_months.original_baseline_finish_date',
            'project_months.measurement_date'
        ) }} as pv_first_baseline,
        project_months.reported_percent_complete,
        project_months.percent_complete,
        project_months.is_percent_complete_capped,
        planned.pv_method,
        planned.has_budget_phasing,
        planned.pv,
        project_months.ev,
        costed.ac,
        costed.labour_cost_to_date,
        costed.non_labour_cost_to_date,
        planned.earned_schedule_months,
        planned.actual_time_months,
        planned.spi_t
    from project_months
    left join planned
        on
            project_months.project_id = planned.project_id
            and project_months.month_start_date = planned.month_start_date
    left join costed
        on
            project_months.project_id = costed.project_id
            and project_months.month_start_date = costed.month_start_date
    left join projects
        on project_months.project_id = projects.project_id

),

indices as (

    select
        joined.*,
        {{ ev_ratio('joined.ev', 'joined.ac') }} as cpi,
        {{ ev_ratio('joined.ev', 'joined.pv') }} as spi
    from joined

),

estimates as (

    select
        indices.*,
        -- forward-looking measures: none for a cancelled project (nothing left to complete)
        case
            when not indices.is_cancelled then {{ ev_eac_cpi('indices.bac', 'indices.cpi') }}
        end as eac_cpi,
        case
            when not indices.is_cancelled
                then {{ ev_eac_remaining_at_budget('indices.bac', 'indices.ev', 'indices.ac') }}
        end as eac_remaining_at_budget,
        case
            when not indices.is_cancelled
                then {{ ev_eac_cpi_spi(
                    'indices.bac', 'indices.ev', 'indices.ac', 'indices.cpi', 'indices.spi'
                ) }}
        end as eac_cpi_spi,
        case
            when not indices.is_cancelled
                then {{ ev_tcpi('indices.bac', 'indices.ev', 'indices.ac') }}
        end as tcpi
    from indices

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
        {{ to_money('ev - ac') }} as cv,
        {{ to_money('ev - pv') }} as sv,
        ev_first_baseline,
        pv_first_baseline,
        {{ to_money('ev_first_baseline - ac') }} as cv_first_baseline,
        {{ to_money('ev_first_baseline - pv_first_baseline') }} as sv_first_baseline,
        cpi,
        spi,
        eac_cpi,
        eac_remaining_at_budget,
        eac_cpi_spi,
        {{ to_money('eac_cpi - ac') }} as etc,
        {{ to_money('bac - eac_cpi') }} as vac,
        -- the PM's forecast beside the earned value EAC, both of the same extract: positive = the
        -- forecast is more optimistic than the cost performance so far supports
        {{ ev_percent_of_bac('eac_cpi - fac', 'bac') }} as forecast_optimism_pct,
        tcpi,
        {{ ev_percent_of_bac('pv', 'bac') }} as percent_planned,
        {{ ev_percent_of_bac('ac', 'bac') }} as percent_spent,
        earned_schedule_months,
        actual_time_months,
        spi_t,
        '{{ reporting_currency() }}' as reporting_currency
    from estimates

)

select * from final
