-- Each IT Dashboard project with its agency looked up by agency_code in the seed
-- us_federal_agencies: the seed's name is the portfolio, the row's own text is kept beside it.

with

projects as (

    select * from {{ ref('stg_itdashboard__projects') }}

),

agencies as (

    select
        cast(trim(agency_code) as {{ dbt.type_string() }}) as agency_code,
        cast(trim(agency_name) as {{ dbt.type_string() }}) as agency_name
    from {{ ref('us_federal_agencies') }}

),

matched as (

    select
        projects.project_id,
        projects.unique_investment_identifier,
        projects.business_case_id,
        projects.agency_code,
        projects.agency_name,
        agencies.agency_name as agency_name_expected,
        projects.investment_title,
        projects.agency_project_id,
        projects.unique_project_id,
        projects.project_name,
        projects.project_description,
        projects.start_date,
        projects.completion_date_b1,
        projects.planned_completion_date,
        projects.projected_completion_date,
        projects.updated_date,
        projects.updated_time,
        projects.lifecycle_cost_musd,
        projects.planned_cost_musd,
        projects.projected_cost_musd,
        projects.published_cost_variance_musd,
        projects.published_cost_variance_pct,
        projects.published_schedule_variance_days,
        projects.published_schedule_variance_pct,
        projects.extract_date,
        projects.loaded_at,
        projects.source_file,
        projects.source_file_hash,
        projects.source_row,
        projects.is_in_latest_extract,
        agencies.agency_code is not null as is_known_agency_code
    from projects
    left join agencies
        on projects.agency_code = agencies.agency_code

),

final as (

    select
        matched.*,
        coalesce(matched.agency_name_expected, matched.agency_name) as portfolio,
        case
            when not matched.is_known_agency_code then 'unknown agency code'
            when coalesce(matched.agency_name, '') <> matched.agency_name_expected
                then 'agency name differs'
            else 'matches'
        end as agency_match_status
    from matched

)

select * from final
