-- One row per project per weekly extract date. The PPM export is a full weekly snapshot; when one
-- extract date was loaded from more than one file (a corrected file re-sent), the latest load wins.

with

projects as (

    select * from {{ ref('stg_ppm__projects') }}

),

ranked as (

    select
        projects.*,
        row_number() over (
            partition by projects.project_id, projects.extract_date
            order by projects.loaded_at desc, projects.source_file desc, projects.source_row desc
        ) as load_recency_rank
    from projects

),

final as (

    select
        project_id,
        extract_date,
        cast({{ dbt.date_trunc('month', 'extract_date') }} as date) as extract_month,
        project_name,
        portfolio,
        program,
        category,
        phase,
        status,
        reported_rag,
        percent_complete,
        baseline_start_date,
        baseline_finish_date,
        forecast_start_date,
        forecast_finish_date,
        project_currency,
        budget_at_completion_local,
        forecast_at_completion_local,
        source_file,
        source_row
    from ranked
    where load_recency_rank = 1

)

select * from final
