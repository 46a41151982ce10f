-- One row per milestone per weekly extract date; when one extract date was loaded from more than
-- one file (a corrected file re-sent), the latest load wins.

with

milestones as (

    select * from {{ ref('stg_ppm__milestones') }}

),

ranked as (

    select
        milestones.*,
        row_number() over (
            partition by milestones.milestone_id, milestones.extract_date
            order by
                milestones.loaded_at desc, milestones.source_file desc, milestones.source_row desc
        ) as load_recency_rank
    from milestones

),

final as (

    select
        milestone_id,
        project_id,
        extract_date,
        milestone_name,
        baseline_date,
        forecast_date,
        actual_date,
        source_file,
        source_row
    from ranked
    where load_recency_rank = 1

)

select * from final
