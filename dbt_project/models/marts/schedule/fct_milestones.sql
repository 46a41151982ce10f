{%- set closed_statuses = "('Completed', 'Cancelled')" -%}

with

milestone_snapshots as (

    select * from {{ ref('int_milestone_snapshots_deduplicated') }}

),

projects as (

    select * from {{ ref('dim_projects') }}

),

as_of as (

    select max(as_of_date) as as_of_date
    from projects

),

latest_milestone_extract as (

    select max(extract_date) as latest_extract_date
    from milestone_snapshots

),

ranked as (

    select
        milestone_snapshots.*,
        row_number() over (
            partition by milestone_snapshots.milestone_id
            order by milestone_snapshots.extract_date desc
        ) as extract_recency_rank,
        -- the date the milestone was first planned for: a re-baseline moves baseline_date, never
        -- this, so the slip it hid stays visible
        first_value(milestone_snapshots.baseline_date) over (
            partition by milestone_snapshots.milestone_id
            order by milestone_snapshots.extract_date
            rows between unbounded preceding and unbounded following
        ) as first_baseline_date
    from milestone_snapshots

),

latest as (

    select
        ranked.milestone_id,
        ranked.project_id,
        ranked.milestone_name,
        ranked.baseline_date,
        ranked.first_baseline_date,
        ranked.forecast_date,
        ranked.actual_date,
        ranked.extract_date as last_extract_date,
        projects.status as project_status,
        as_of.as_of_date,
        ranked.extract_date = latest_milestone_extract.latest_extract_date as is_in_latest_extract,
        ranked.actual_date is not null as is_achieved
    from ranked
    cross join latest_milestone_extract
    cross join as_of
    left join projects
        on ranked.project_id = projects.project_id
    where ranked.extract_recency_rank = 1

),

classified as (

    select
        latest.*,
        -- open = still to be achieved: not achieved, still in the newest milestone extract, and
        -- its project neither completed nor cancelled (their missing milestones will never come)
        not latest.is_achieved
        and latest.is_in_latest_extract
        and coalesce(latest.project_status, '') not in {{ closed_statuses }} as is_open,
        case
            when not latest.is_achieved then coalesce(latest.forecast_date, latest.baseline_date)
        end as due_date
    from latest

),

final as (

    select
        project_id,
        milestone_id,
        milestone_name,
        baseline_date,
        forecast_date,
        actual_date,
        due_date,
        {{ days_between('coalesce(actual_date, forecast_date)', 'baseline_date') }}
            as schedule_variance_days,
        first_baseline_date,
        -- positive = late against the first plan (the opposite sign of schedule_variance_days)
        {{ days_between('first_baseline_date', 'coalesce(actual_date, forecast_date)') }}
            as slip_days_vs_first_baseline,
        is_achieved,
        case
            when not is_achieved then false
            when baseline_date is not null then actual_date <= baseline_date
        end as is_on_time,
        is_open,
        case when is_open then {{ days_between('as_of_date', 'due_date') }} end as days_until_due,
        coalesce(is_open and due_date < as_of_date, false) as is_overdue,
        {%- for horizon in [30, 60, 90] %}
            coalesce(
                is_open
                and due_date >= as_of_date
                and due_date <= cast({{ dbt.dateadd('day', horizon, 'as_of_date') }} as date),
                false
            ) as is_due_within_{{ horizon }}_days,
        {%- endfor %}
        project_status,
        last_extract_date,
        is_in_latest_extract,
        as_of_date
    from classified

)

select * from final
