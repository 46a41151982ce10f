-- The latest extract of every project ever exported: the PPM export is a weekly full snapshot.

with

projects as (

    select * from {{ ref('stg_ppm__projects') }}

),

latest_extract as (

    select max(extract_date) as latest_extract_date
    from projects

),

ranked as (

    select
        projects.*,
        row_number() over (
            partition by projects.project_id
            order by projects.extract_date desc, projects.loaded_at desc, projects.source_row desc
        ) as extract_recency_rank
    from projects

),

final as (

    select
        ranked.project_id,
        ranked.project_name,
        ranked.portfolio,
        ranked.program,
        ranked.sponsor,
        ranked.project_manager,
        ranked.business_unit,
        ranked.category,
        ranked.strategic_theme,
        ranked.phase,
        ranked.status,
        ranked.reported_rag,
        ranked.percent_complete,
        ranked.baseline_start_date,
        ranked.baseline_finish_date,
        ranked.forecast_start_date,
        ranked.forecast_finish_date,
        ranked.project_currency,
        ranked.budget_at_completion_local,
        ranked.capex_budget_local,
        ranked.opex_budget_local,
        ranked.forecast_at_completion_local,
        ranked.strategic_alignment_score,
        ranked.business_value_score,
        ranked.risk_score,
        ranked.urgency_score,
        ranked.is_mandatory,
        ranked.depends_on_project_ids,
        ranked.exclusive_group,
        ranked.extract_date as last_extract_date,
        cast(
            {{ dbt.date_trunc('month', 'ranked.extract_date') }} as date
        ) as last_extract_month,
        latest_extract.latest_extract_date as as_of_date,
        ranked.extract_date = latest_extract.latest_extract_date as is_in_latest_extract,
        ranked.source_file,
        ranked.source_row
    from ranked
    cross join latest_extract
    where ranked.extract_recency_rank = 1

)

select * from final
