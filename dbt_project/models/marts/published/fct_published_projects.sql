-- The published portfolio: the projects of each public export's latest extract in one canonical
-- shape, with the publishers' own variance figures beside ours.
-- Money stays in the publisher's currency (millions); nothing is converted or summed across
-- profiles.

with

itdashboard as (

    select * from {{ ref('int_itdashboard_projects_agency_matched') }}

),

gmpp as (

    select * from {{ ref('stg_gmpp__projects') }}

),

itdashboard_projects as (

    select
        'us_itdashboard' as source_profile,
        'US Federal IT Dashboard' as publisher,
        project_id,
        project_name,
        portfolio,
        agency_code as portfolio_code,
        agency_name as agency_name_as_published,
        investment_title as program,
        cast(null as {{ dbt.type_string() }}) as category,
        project_description as description,

        ---------- schedule
        start_date,
        {{ blank_null_reason('start_date') }} as start_date_null_reason,
        planned_completion_date as planned_finish,
        {{ blank_null_reason('planned_completion_date') }} as planned_finish_null_reason,
        completion_date_b1 as planned_finish_b1,
        projected_completion_date as forecast_finish,
        {{ blank_null_reason('projected_completion_date') }} as forecast_finish_null_reason,

        ---------- money
        'USD' as currency,
        'whole project' as cost_basis,
        planned_cost_musd as planned_cost_m,
        {{ blank_null_reason('planned_cost_musd') }} as planned_cost_m_null_reason,
        projected_cost_musd as forecast_cost_m,
        {{ blank_null_reason('projected_cost_musd') }} as forecast_cost_m_null_reason,
        lifecycle_cost_musd as lifecycle_cost_m,
        {{ blank_null_reason('lifecycle_cost_musd') }} as lifecycle_cost_m_null_reason,
        cast(null as {{ type_double() }}) as benefits_m,
        {{ not_published_by_source_reason() }} as benefits_m_null_reason,

        ---------- ratings
        cast(null as {{ dbt.type_string() }}) as reported_rating,
        cast(null as {{ dbt.type_string() }}) as reported_rating_source,
        {{ not_published_by_source_reason() }} as reported_rating_null_reason,
        cast(null as {{ dbt.type_string() }}) as sro_rating,
        {{ not_published_by_source_reason() }} as sro_rating_null_reason,

        ---------- computed figures
        {{ published_cost_variance('planned_cost_musd', 'projected_cost_musd') }}
            as cost_variance_m,
        {{ published_cost_variance_pct('planned_cost_musd', 'projected_cost_musd') }}
            as cost_variance_pct,
        {{ published_schedule_variance_days(
            'planned_completion_date', 'projected_completion_date'
        ) }} as schedule_variance_days,
        cast(null as {{ type_double() }}) as fy_variance_pct,

        ---------- published figures
        published_cost_variance_musd as published_cost_variance_m,
        published_cost_variance_pct,
        published_schedule_variance_days,
        published_schedule_variance_pct,
        cast(null as {{ type_double() }}) as published_fy_variance_pct,

        ---------- lineage
        is_in_latest_extract,
        extract_date,
        source_file,
        source_row
    from itdashboard

),

gmpp_projects as (

    select
        'uk_gmpp' as source_profile,
        'UK Infrastructure and Projects Authority (GMPP)' as publisher,
        gmpp_id as project_id,
        project_name,
        department as portfolio,
        department as portfolio_code,
        cast(null as {{ dbt.type_string() }}) as agency_name_as_published,
        cast(null as {{ dbt.type_string() }}) as program,
        category,
        description,

        ---------- schedule
        start_date,
        start_date_null_reason,
        end_date as planned_finish,
        end_date_null_reason as planned_finish_null_reason,
        cast(null as date) as planned_finish_b1,
        cast(null as date) as forecast_finish,
        {{ not_published_by_source_reason() }} as forecast_finish_null_reason,

        ---------- money
        'GBP' as currency,
        {{ dbt.concat(["'financial year '", uk_financial_year_label('extract_date')]) }}
            as cost_basis,
        fy_baseline_gbp_m as planned_cost_m,
        fy_baseline_gbp_m_null_reason as planned_cost_m_null_reason,
        fy_forecast_gbp_m as forecast_cost_m,
        fy_forecast_gbp_m_null_reason as forecast_cost_m_null_reason,
        whole_life_cost_gbp_m as lifecycle_cost_m,
        whole_life_cost_gbp_m_null_reason as lifecycle_cost_m_null_reason,
        benefits_gbp_m as benefits_m,
        benefits_gbp_m_null_reason as benefits_m_null_reason,

        ---------- ratings
        ipa_rating as reported_rating,
        'IPA' as reported_rating_source,
        ipa_rating_null_reason as reported_rating_null_reason,
        sro_rating,
        sro_rating_null_reason,

        ---------- computed figures
        {{ published_cost_variance('fy_baseline_gbp_m', 'fy_forecast_gbp_m') }}
            as cost_variance_m,
        {{ published_cost_variance_pct('fy_baseline_gbp_m', 'fy_forecast_gbp_m') }}
            as cost_variance_pct,
        cast(null as {{ dbt.type_int() }}) as schedule_variance_days,
        {{ published_fy_variance_pct('fy_baseline_gbp_m', 'fy_forecast_gbp_m') }}
            as fy_variance_pct,

        ---------- published figures
        cast(null as {{ type_double() }}) as published_cost_variance_m,
        cast(null as {{ type_double() }}) as published_cost_variance_pct,
        cast(null as {{ type_double() }}) as published_schedule_variance_days,
        cast(null as {{ type_double() }}) as published_schedule_variance_pct,
        published_fy_variance_pct,

        ---------- lineage
        is_in_latest_extract,
        extract_date,
        source_file,
        source_row
    from gmpp

),

unioned as (

    select * from itdashboard_projects
    union all
    select * from gmpp_projects

),

final as (

    select
        cast(source_profile as {{ dbt.type_string() }}) as source_profile,
        cast(publisher as {{ dbt.type_string() }}) as publisher,
        cast(
            {{ dbt.concat(['source_profile', "':'", 'project_id']) }} as {{ dbt.type_string() }}
        ) as project_key,
        project_id,
        project_name,
        portfolio,
        portfolio_code,
        agency_name_as_published,
        program,
        category,
        description,
        start_date,
        cast(start_date_null_reason as {{ dbt.type_string() }}) as start_date_null_reason,
        planned_finish,
        cast(planned_finish_null_reason as {{ dbt.type_string() }}) as planned_finish_null_reason,
        planned_finish_b1,
        forecast_finish,
        cast(forecast_finish_null_reason as {{ dbt.type_string() }})
            as forecast_finish_null_reason,
        cast(currency as {{ dbt.type_string() }}) as currency,
        cast('millions' as {{ dbt.type_string() }}) as money_unit,
        cast(cost_basis as {{ dbt.type_string() }}) as cost_basis,
        cast(planned_cost_m as {{ type_double() }}) as planned_cost_m,
        cast(planned_cost_m_null_reason as {{ dbt.type_string() }}) as planned_cost_m_null_reason,
        cast(forecast_cost_m as {{ type_double() }}) as forecast_cost_m,
        cast(forecast_cost_m_null_reason as {{ dbt.type_string() }})
            as forecast_cost_m_null_reason,
        cast(lifecycle_cost_m as {{ type_double() }}) as lifecycle_cost_m,
        cast(lifecycle_cost_m_null_reason as {{ dbt.type_string() }})
            as lifecycle_cost_m_null_reason,
        cast(benefits_m as {{ type_double() }}) as benefits_m,
        cast(benefits_m_null_reason as {{ dbt.type_string() }}) as benefits_m_null_reason,
        reported_rating,
        cast(reported_rating_source as {{ dbt.type_string() }}) as reported_rating_source,
        cast(reported_rating_null_reason as {{ dbt.type_string() }})
            as reported_rating_null_reason,
        sro_rating,
        cast(sro_rating_null_reason as {{ dbt.type_string() }}) as sro_rating_null_reason,
        cast(cost_variance_m as {{ type_double() }}) as cost_variance_m,
        cast(cost_variance_pct as {{ type_double() }}) as cost_variance_pct,
        cast(schedule_variance_days as {{ dbt.type_int() }}) as schedule_variance_days,
        cast(fy_variance_pct as {{ type_double() }}) as fy_variance_pct,
        published_cost_variance_m,
        published_cost_variance_pct,
        published_schedule_variance_days,
        published_schedule_variance_pct,
        published_fy_variance_pct,
        cast(is_in_latest_extract as {{ dbt.type_boolean() }}) as is_in_latest_extract,
        extract_date,
        source_file,
        source_row
    from unioned
    -- An annual or point-in-time source states the whole portfolio as of each extract: the
    -- latest period is the latest extract's projects only (staging's is_in_latest_extract). A
    -- project missing from it (closed, or left the GMPP) keeps its last row in the staging
    -- models and in fct_published_earlier_extract_projects, never in this period's totals.
    where is_in_latest_extract

)

select * from final
