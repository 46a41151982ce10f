{#- the headline set: projects neither completed nor cancelled -#}
{%- set active = 'not is_cancelled and not is_completed' -%}

with

project_months as (

    select * from {{ ref('fct_project_earned_value_monthly') }}

),

rollup_members as (

    select
        'portfolio_total' as rollup_level,
        'All portfolios' as rollup_name,
        cast(null as {{ dbt.type_string() }}) as portfolio,
        project_months.month_start_date,
        project_months.fiscal_year,
        project_months.fiscal_period,
        project_months.is_as_of_month,
        project_months.status_date,
        project_months.as_of_date,
        project_months.is_not_started,
        project_months.is_completed,
        project_months.is_cancelled,
        project_months.bac,
        project_months.original_bac,
        project_months.pv,
        project_months.ev,
        project_months.ac
    from project_months

    union all

    select
        'portfolio' as rollup_level,
        project_months.portfolio as rollup_name,
        project_months.portfolio,
        project_months.month_start_date,
        project_months.fiscal_year,
        project_months.fiscal_period,
        project_months.is_as_of_month,
        project_months.status_date,
        project_months.as_of_date,
        project_months.is_not_started,
        project_months.is_completed,
        project_months.is_cancelled,
        project_months.bac,
        project_months.original_bac,
        project_months.pv,
        project_months.ev,
        project_months.ac
    from project_months

    union all

    select
        'program' as rollup_level,
        coalesce(project_months.program, '(no program)') as rollup_name,
        project_months.portfolio,
        project_months.month_start_date,
        project_months.fiscal_year,
        project_months.fiscal_period,
        project_months.is_as_of_month,
        project_months.status_date,
        project_months.as_of_date,
        project_months.is_not_started,
        project_months.is_completed,
        project_months.is_cancelled,
        project_months.bac,
        project_months.original_bac,
        project_months.pv,
        project_months.ev,
        project_months.ac
    from project_months

),

sums as (

    select
        rollup_level,
        rollup_name,
        portfolio,
        month_start_date,
        fiscal_year,
        fiscal_period,
        is_as_of_month,
        status_date,
        as_of_date,
        cast(count(*) as {{ dbt.type_int() }}) as project_count,
        cast(
            sum(case when is_cancelled then 1 else 0 end) as {{ dbt.type_int() }}
        ) as cancelled_project_count,
        cast(
            sum(case when is_completed then 1 else 0 end) as {{ dbt.type_int() }}
        ) as completed_project_count,
        cast(
            sum(case when is_not_started then 1 else 0 end) as {{ dbt.type_int() }}
        ) as not_started_project_count,
        -- backward-looking measures: every project, cancelled ones at their frozen EV and PV
        {{ strict_sum('pv') }} as pv,
        {{ strict_sum('ev') }} as ev,
        {{ strict_sum('ac') }} as ac,
        -- the headline set: active projects (neither completed nor cancelled). BAC, EAC, VAC and
        -- the indices they use cover the same projects, so EAC = BAC / CPI holds on the page
        cast(
            sum(case when is_cancelled or is_completed then 0 else 1 end)
            as {{ dbt.type_int() }}
        ) as active_project_count,
        {{ ev_strict_sum_where('bac', active) }} as active_bac,
        {{ ev_strict_sum_where('original_bac', active) }} as active_original_bac,
        {{ ev_strict_sum_where('pv', active) }} as active_pv,
        {{ ev_strict_sum_where('ev', active) }} as active_ev,
        {{ ev_strict_sum_where('ac', active) }} as active_ac,
        -- closed projects, shown apart: completed ones at their final cost, cancelled ones with
        -- the budget their cancellation released (never an underrun)
        {{ ev_strict_sum_where('bac', 'is_completed') }} as completed_bac,
        {{ ev_strict_sum_where('ac', 'is_completed') }} as completed_ac,
        {{ ev_strict_sum_where('bac', 'is_cancelled') }} as cancelled_bac,
        {{ ev_strict_sum_where('ac', 'is_cancelled') }} as cancelled_ac
    from rollup_members
    -- the calendar columns are the same for every project in a month
    group by
        rollup_level,
        rollup_name,
        portfolio,
        month_start_date,
        fiscal_year,
        fiscal_period,
        is_as_of_month,
        status_date,
        as_of_date

),

indices as (

    select
        sums.*,
        sums.active_project_count > 0 as has_open_projects,
        -- ratios of the sums, never averages of the projects' ratios
        {{ ev_ratio('sums.ev', 'sums.ac') }} as cpi,
        {{ ev_ratio('sums.ev', 'sums.pv') }} as spi,
        {{ ev_ratio('sums.active_ev', 'sums.active_ac') }} as active_cpi,
        {{ ev_ratio('sums.active_ev', 'sums.active_pv') }} as active_spi
    from sums

),

estimates as (

    select
        indices.*,
        case
            when indices.has_open_projects
                then {{ ev_eac_cpi('indices.active_bac', 'indices.active_cpi') }}
        end as eac_cpi,
        case
            when indices.has_open_projects
                then {{ ev_eac_remaining_at_budget(
                    'indices.active_bac', 'indices.active_ev', 'indices.active_ac'
                ) }}
        end as eac_remaining_at_budget,
        case
            when indices.has_open_projects
                then {{ ev_eac_cpi_spi(
                    'indices.active_bac',
                    'indices.active_ev',
                    'indices.active_ac',
                    'indices.active_cpi',
                    'indices.active_spi'
                ) }}
        end as eac_cpi_spi,
        case
            when indices.has_open_projects
                then {{ ev_tcpi('indices.active_bac', 'indices.active_ev', 'indices.active_ac') }}
        end as tcpi
    from indices

),

final as (

    select
        rollup_level,
        rollup_name,
        portfolio,
        month_start_date,
        fiscal_year,
        fiscal_period,
        is_as_of_month,
        status_date,
        as_of_date,
        project_count,
        cancelled_project_count,
        completed_project_count,
        not_started_project_count,
        active_project_count,
        pv,
        ev,
        ac,
        {{ to_money('ev - ac') }} as cv,
        {{ to_money('ev - pv') }} as sv,
        cpi,
        spi,
        active_bac,
        active_original_bac,
        {{ to_money('active_bac - active_original_bac') }} as active_rebaselined_budget,
        active_pv,
        active_ev,
        active_ac,
        {{ to_money('active_ev - active_ac') }} as active_cv,
        {{ to_money('active_ev - active_pv') }} as active_sv,
        active_cpi,
        active_spi,
        eac_cpi,
        eac_remaining_at_budget,
        eac_cpi_spi,
        {{ to_money('eac_cpi - active_ac') }} as etc,
        {{ to_money('active_bac - eac_cpi') }} as vac,
        tcpi,
        {{ ev_percent_of_bac('active_ev', 'active_bac') }} as percent_complete,
        {{ ev_percent_of_bac('active_pv', 'active_bac') }} as percent_planned,
        {{ ev_percent_of_bac('active_ac', 'active_bac') }} as percent_spent,
        completed_bac,
        completed_ac,
        {{ to_money('completed_bac - completed_ac') }} as completed_final_variance,
        cancelled_bac,
        cancelled_ac,
        {{ to_money('cancelled_bac - cancelled_ac') }} as released_budget,
        '{{ reporting_currency() }}' as reporting_currency
    from estimates

)

select * from final
