-- The published portfolio per publisher and portfolio (US agency, UK department), with a
-- '(all)' row per publisher: project counts, money of the projects with both costs, ratings,
-- late projects and how many published figures agree with their own formula.

with

projects as (

    select * from {{ ref('fct_published_projects') }}

),

checks as (

    select * from {{ ref('fct_published_figure_checks') }}

),

check_counts as (

    select
        project_key,
        sum(case when status = 'agrees' then 1 else 0 end) as checks_agreeing,
        sum(case when status = 'disagrees' then 1 else 0 end) as checks_disagreeing,
        sum(case when status = 'not checkable' then 1 else 0 end) as checks_not_checkable
    from checks
    group by project_key

),

project_measures as (

    select
        projects.source_profile,
        projects.currency,
        projects.money_unit,
        projects.cost_basis,
        projects.project_key,
        projects.cost_variance_m,
        coalesce(projects.portfolio, '(not published)') as portfolio,
        case
            when projects.planned_cost_m is not null and projects.forecast_cost_m is not null
                then 1
            else 0
        end as has_costs,
        case
            when projects.planned_cost_m is not null and projects.forecast_cost_m is not null
                then projects.planned_cost_m
        end as planned_cost_m,
        case
            when projects.planned_cost_m is not null and projects.forecast_cost_m is not null
                then projects.forecast_cost_m
        end as forecast_cost_m,
        case when projects.reported_rating = 'Red' then 1 else 0 end as is_red,
        case when projects.reported_rating = 'Amber/Red' then 1 else 0 end as is_amber_red,
        case when projects.reported_rating = 'Amber' then 1 else 0 end as is_amber,
        case when projects.reported_rating = 'Amber/Green' then 1 else 0 end as is_amber_green,
        case when projects.reported_rating = 'Green' then 1 else 0 end as is_green,
        case when projects.reported_rating is null then 1 else 0 end as is_not_rated,
        case when projects.schedule_variance_days is not null then 1 else 0 end
            as has_schedule_variance,
        case when projects.schedule_variance_days < 0 then 1 else 0 end as is_late,
        coalesce(check_counts.checks_agreeing, 0) as checks_agreeing,
        coalesce(check_counts.checks_disagreeing, 0) as checks_disagreeing,
        coalesce(check_counts.checks_not_checkable, 0) as checks_not_checkable
    from projects
    left join check_counts
        on projects.project_key = check_counts.project_key

),

{%- set rollups = [('portfolio', 'portfolio', false), ('all', "'(all)'", true)] %}

rolled_up as (

    {%- for level, portfolio_expression, is_total in rollups %}

        select
            source_profile,
            {{ portfolio_expression }} as portfolio,
            {{ 'true' if is_total else 'false' }} as is_profile_total,
            min(currency) as currency,
            min(money_unit) as money_unit,
            min(cost_basis) as cost_basis,
            max(cost_basis) as max_cost_basis,
            count(*) as projects,
            sum(has_costs) as projects_with_costs,
            sum(planned_cost_m) as planned_cost_m,
            sum(forecast_cost_m) as forecast_cost_m,
            sum(cost_variance_m) as cost_variance_m,
            sum(is_red) as rating_red,
            sum(is_amber_red) as rating_amber_red,
            sum(is_amber) as rating_amber,
            sum(is_amber_green) as rating_amber_green,
            sum(is_green) as rating_green,
            sum(is_not_rated) as rating_not_rated,
            sum(has_schedule_variance) as projects_with_schedule_variance,
            sum(is_late) as projects_late,
            sum(checks_agreeing) as checks_agreeing,
            sum(checks_disagreeing) as checks_disagreeing,
            sum(checks_not_checkable) as checks_not_checkable
        from project_measures
        group by source_profile{{ ', portfolio' if not is_total }}
        {%- if not loop.last %}

            union all
        {%- endif %}
    {%- endfor %}

),

final as (

    select
        cast(source_profile as {{ dbt.type_string() }}) as source_profile,
        cast(portfolio as {{ dbt.type_string() }}) as portfolio,
        cast(is_profile_total as {{ dbt.type_boolean() }}) as is_profile_total,
        cast(currency as {{ dbt.type_string() }}) as currency,
        cast(money_unit as {{ dbt.type_string() }}) as money_unit,
        -- one extract per project: several cost bases only when projects come from different
        -- extracts (a GMPP project missing from the newest report)
        cast(
            case when cost_basis = max_cost_basis then cost_basis else 'mixed' end
            as {{ dbt.type_string() }}
        ) as cost_basis,
        cast(projects as {{ dbt.type_bigint() }}) as projects,
        cast(projects_with_costs as {{ dbt.type_bigint() }}) as projects_with_costs,
        cast(planned_cost_m as {{ type_double() }}) as planned_cost_m,
        cast(forecast_cost_m as {{ type_double() }}) as forecast_cost_m,
        cast(cost_variance_m as {{ type_double() }}) as cost_variance_m,
        cast(
            case
                when planned_cost_m <> 0 then cost_variance_m / planned_cost_m * 100
            end as {{ type_double() }}
        ) as cost_variance_pct,
        cast(rating_red as {{ dbt.type_bigint() }}) as rating_red,
        cast(rating_amber_red as {{ dbt.type_bigint() }}) as rating_amber_red,
        cast(rating_amber as {{ dbt.type_bigint() }}) as rating_amber,
        cast(rating_amber_green as {{ dbt.type_bigint() }}) as rating_amber_green,
        cast(rating_green as {{ dbt.type_bigint() }}) as rating_green,
        cast(rating_not_rated as {{ dbt.type_bigint() }}) as rating_not_rated,
        cast(projects_with_schedule_variance as {{ dbt.type_bigint() }})
            as projects_with_schedule_variance,
        -- a figure the source does not publish is unknown, never 0: no project of the group has
        -- a schedule variance to be late by
        cast(
            case when projects_with_schedule_variance > 0 then projects_late end
            as {{ dbt.type_bigint() }}
        ) as projects_late,
        cast(checks_agreeing as {{ dbt.type_bigint() }}) as checks_agreeing,
        cast(checks_disagreeing as {{ dbt.type_bigint() }}) as checks_disagreeing,
        cast(checks_not_checkable as {{ dbt.type_bigint() }}) as checks_not_checkable
    from rolled_up

)

select * from final
