-- How each published figure's checks came out, per profile: agreeing with its documented
-- formula, disagreeing, or not checkable (the published page's and the data-quality page's
-- tally of the recomputed figures).

with

checks as (

    select * from {{ ref('fct_published_figure_checks') }}

),

final as (

    select
        source_profile,
        figure,
        min(formula) as formula,
        count(case when status = 'agrees' then 1 end) as agreeing_count,
        count(case when status = 'disagrees' then 1 end) as disagreeing_count,
        count(
            case when status is null or status not in ('agrees', 'disagrees') then 1 end
        ) as not_checkable_count
    from checks
    group by source_profile, figure

)

select * from final
