-- What the finance business partner must look at: spend without budget, cost on project codes
-- outside the project master, and budget left without spend for N months.

with

unbudgeted_spend as (

    select * from {{ ref('int_unbudgeted_spend_identified') }}

),

unknown_project_codes as (

    select * from {{ ref('int_unknown_project_codes_identified') }}

),

unspent_budget_runs as (

    select * from {{ ref('int_unspent_budget_runs_identified') }}

),

projects as (

    select * from {{ ref('dim_projects') }}

),

fiscal_months as (

    select * from {{ ref('int_fiscal_months_enumerated') }}

),

as_of as (

    select max(as_of_date) as as_of_date
    from fiscal_months

),

findings as (

    select
        finding_type,
        project_id,
        source_system,
        fiscal_year,
        first_month_start_date,
        last_month_start_date,
        month_count,
        months,
        monthly_amounts,
        amount,
        cast(null as {{ type_double() }}) as hours,
        cast(null as {{ dbt.type_int() }}) as no_spend_months_threshold,
        cast(null as {{ dbt.type_boolean() }}) as is_ongoing,
        evidence
    from unbudgeted_spend

    union all

    select
        finding_type,
        project_id,
        source_system,
        fiscal_year,
        first_month_start_date,
        last_month_start_date,
        month_count,
        months,
        monthly_amounts,
        amount,
        hours,
        cast(null as {{ dbt.type_int() }}) as no_spend_months_threshold,
        cast(null as {{ dbt.type_boolean() }}) as is_ongoing,
        evidence
    from unknown_project_codes

    union all

    select
        finding_type,
        project_id,
        source_system,
        fiscal_year,
        first_month_start_date,
        last_month_start_date,
        month_count,
        months,
        monthly_amounts,
        amount,
        cast(null as {{ type_double() }}) as hours,
        no_spend_months_threshold,
        is_ongoing,
        evidence
    from unspent_budget_runs

),

final as (

    select
        {{ dbt.concat([
            'findings.finding_type', "'|'",
            'findings.project_id', "'|'",
            'findings.source_system', "'|'",
            month_label('findings.first_month_start_date'),
        ]) }} as finding_id,
        findings.finding_type,
        findings.project_id,
        projects.project_name,
        projects.portfolio,
        projects.project_id is not null as is_in_project_master,
        findings.source_system,
        findings.fiscal_year,
        findings.first_month_start_date,
        findings.last_month_start_date,
        findings.month_count,
        findings.months,
        findings.monthly_amounts,
        {{ to_money('findings.amount') }} as amount,
        findings.hours,
        findings.no_spend_months_threshold,
        findings.is_ongoing,
        findings.evidence,
        as_of.as_of_date,
        '{{ reporting_currency() }}' as reporting_currency
    from findings
    cross join as_of
    left join projects
        on findings.project_id = projects.project_id

)

select * from final
