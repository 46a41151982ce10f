-- Reference-data findings in the published exports that the figure checks do not cover: an IT
-- Dashboard row whose agency code is not one of the known agencies, or whose agency name is not
-- the code's name (a typo in a damaged copy). One row per finding; none on the clean 2011 file.

with

itdashboard as (

    select * from {{ ref('int_itdashboard_projects_agency_matched') }}

),

findings as (

    select
        'us_itdashboard' as source_profile,
        {{ dbt.concat(["'us_itdashboard'", "':'", 'project_id']) }} as project_key,
        project_id,
        project_name,
        case agency_match_status
            when 'unknown agency code' then 'unknown_agency_code'
            else 'agency_name_differs'
        end as finding_type,
        agency_code,
        agency_name as agency_name_as_published,
        agency_name_expected,
        portfolio,
        case agency_match_status
            when 'unknown agency code'
                then {{ dbt.concat([
                    "'Agency code '",
                    "coalesce(agency_code, '(blank)')",
                    "' is not in the seed us_federal_agencies; the portfolio is the published"
                    ~ ' agency name "' ~ "'",
                    "coalesce(agency_name, '(blank)')",
                    "'" ~ '".' ~ "'",
                ]) }}
            else {{ dbt.concat([
                "'Agency code '",
                'agency_code',
                "' is " ~ '"' ~ "'",
                'agency_name_expected',
                "'" ~ '" but the row says "' ~ "'",
                "coalesce(agency_name, '(blank)')",
                "'" ~ '"; the portfolio is the name of the code.' ~ "'",
            ]) }}
        end as evidence,
        extract_date,
        source_file,
        source_row
    from itdashboard
    where agency_match_status <> 'matches'

),

final as (

    select
        cast({{ dbt.concat(['project_key', "'|'", 'finding_type']) }} as {{ dbt.type_string() }})
            as finding_id,
        cast(finding_type as {{ dbt.type_string() }}) as finding_type,
        cast(source_profile as {{ dbt.type_string() }}) as source_profile,
        cast(project_key as {{ dbt.type_string() }}) as project_key,
        project_id,
        project_name,
        agency_code,
        agency_name_as_published,
        agency_name_expected,
        portfolio,
        cast(evidence as {{ dbt.type_string() }}) as evidence,
        extract_date,
        source_file,
        source_row
    from findings

)

select * from final
