-- Projects of each published profile by rating: the reported rating (the GMPP's IPA delivery
-- confidence assessment) and the senior responsible owner's own rating, null counted as a rating
-- of its own (not rated). The published page's rating mix.

with

projects as (

    select * from {{ ref('fct_published_projects') }}

),

reported as (

    select
        source_profile,
        'reported' as rating_kind,
        reported_rating as rating,
        count(*) as project_count
    from projects
    group by source_profile, reported_rating

),

sro as (

    select
        source_profile,
        'sro' as rating_kind,
        sro_rating as rating,
        count(*) as project_count
    from projects
    group by source_profile, sro_rating

),

final as (

    select * from reported
    union all
    select * from sro

)

select * from final
