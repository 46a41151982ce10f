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
        -- forward-looking measures: projects that are not cancelled
        {{ ev_strict_sum_where('bac', 'not is_cancelled') }} as bac,
        {{ ev_strict_sum_where('original_bac', 'not is_cancelled') }} as original_bac,
        {{ ev_strict_sum_where('pv', 'not is_cancelled') }} as pv_not_cancelled,
        {{ ev_strict_sum_where('ev', 'not is_cancelled') }} as ev_not_cancelled,
        {{ ev_strict_sum_where('ac', 'not is_cancelled') }} as ac_not_cancelled
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
        sums.project_count - sums.cancelled_project_count > 0 as has_open_projects,
        -- ratios of the sums, never averages of the projects' ratios
        {{ ev_ratio('sums.ev', 'sums.ac') }} as cpi,
        {{ ev_ratio('sums.ev', 'sums.pv') }} as spi,
        {{ ev_ratio('sums.ev_not_cancelled', 'sums.ac_not_cancelled') }} as forecast_cpi,
        {{ ev_ratio('sums.ev_not_cancelled', 'sums.pv_not_cancelled') }} as forecast_spi
    from sums

),

estimates as (

    select
        indices.*,
        case
            when indices.has_open_projects
                then {{ ev_eac_cpi('indices.bac', 'indices.forecast_cpi') }}
        end as eac_cpi,
        case
            when indices.has_open_projects
                then {{ ev_eac_remaining_at_budget(
                    'indices.bac', 'indices.ev_not_cancelled', 'indices.ac_not_cancelled'
                ) }}
        end as eac_remaining_at_budget,
        case
            when indices.has_open_projects
                then {{ ev_eac_cpi_spi(
                    'indices.bac',
                    'indices.ev_not_cancelled',
                    'indices.ac_not_cancelled',
                    'indices.forecast_cpi',
                    'indices.forecast_spi'
                ) }}
        end as eac_cpi_spi,
        case
            when indices.has_open_projects
                then {{ ev_tcpi(
                    'indices.bac', 'indices.ev_not_cancelled', 'indices.ac_not_cancelled'
                ) }}
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
        bac,
        original_bac,
        pv,
        ev,
        ac,
        {{ to_money('ev - ac') }} as cv,
        {{ to_money('ev - pv') }} as sv,
        cpi,
        spi,
        pv_not_cancelled,
        ev_not_cancelled,
        ac_not_cancelled,
        forecast_cpi,
        forecast_spi,
        eac_cpi,
        eac_remaining_at_budget,
        eac_cpi_spi,
        {{ to_money('eac_cpi - ac_not_cancelled') }} as etc,
        {{ to_money('bac - eac_cpi') }} as vac,
        tcpi,
        {{ ev_percent_of_bac('ev_not_cancelled', 'bac') }} as percent_complete,
        {{ ev_percent_of_bac('pv_not_cancelled', 'bac') }} as percent_planned,
        {{ ev_percent_of_bac('ac_not_cancelled', 'bac') }} as percent_spent,
        '{{ reporting_currency() }}' as reporting_currency
    from estimates

)

select * from final
