-- One row per published export profile present in fct_published_projects: who publishes it, in
-- which unit, its latest extract, how many projects it lists and how many projects of earlier
-- extracts it no longer lists (the published page's and the index's headline of each profile).

with

projects as (

    select * from {{ ref('fct_published_projects') }}

),

earlier as (

    select * from {{ ref('fct_published_earlier_extract_projects') }}

),

profiles as (

    select
        source_profile,
        min(publisher) as publisher,
        min(money_unit) as money_unit,
        max(extract_date) as extract_date,
        count(*) as project_count
    from projects
    group by source_profile

),

earlier_counts as (

    select
        source_profile,
        count(*) as earlier_extract_project_count
    from earlier
    group by source_profile

),

final as (

    select
        profiles.source_profile,
        profiles.publisher,
        profiles.money_unit,
        profiles.extract_date,
        profiles.project_count,
        coalesce(earlier_counts.earlier_extract_project_count, 0)
            as earlier_extract_project_count
    from profiles
    left join earlier_counts on profiles.source_profile = earlier_counts.source_profile

)

select * from final
