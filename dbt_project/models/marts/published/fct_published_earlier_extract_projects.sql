-- History of the published exports: projects of an earlier extract that the latest extract of
-- their profile no longer lists (closed, or left the portfolio), with their last figures. They
-- are not in the latest period (fct_published_projects); every extract stays in raw.

with

itdashboard as (

    select * from {{ ref('int_itdashboard_projects_agency_matched') }}

),

gmpp as (

    select * from {{ ref('stg_gmpp__projects') }}

),

unioned as (

    select
        'us_itdashboard' as source_profile,
        project_id,
        project_name,
        portfolio,
        'USD' as currency,
        planned_cost_musd as planned_cost_m,
        projected_cost_musd as forecast_cost_m,
        extract_date,
        max(extract_date) over () as profile_latest_extract_date,
        is_in_latest_extract,
        source_file,
        source_row
    from itdashboard

    union all

    select
        'uk_gmpp' as source_profile,
        gmpp_id as project_id,
        project_name,
        department as portfolio,
        'GBP' as currency,
        fy_baseline_gbp_m as planned_cost_m,
        fy_forecast_gbp_m as forecast_cost_m,
        extract_date,
        max(extract_date) over () as profile_latest_extract_date,
        is_in_latest_extract,
        source_file,
        source_row
    from gmpp

),

final as (

    select
        cast(source_profile as {{ dbt.type_string() }}) as source_profile,
        cast(
            {{ dbt.concat(['source_profile', "':'", 'project_id']) }} as {{ dbt.type_string() }}
        ) as project_key,
        project_id,
        project_name,
        portfolio,
        cast(currency as {{ dbt.type_string() }}) as currency,
        cast(planned_cost_m as {{ type_double() }}) as planned_cost_m,
        cast(forecast_cost_m as {{ type_double() }}) as forecast_cost_m,
        extract_date as last_extract_date,
        profile_latest_extract_date,
        source_file,
        source_row
    from unioned
    -- the one definition of "latest" is staging's
    where not is_in_latest_extract

)

select * from final
