-- Findings in the published exports that the figure checks do not cover, in the latest extract
-- of each profile: an IT Dashboard row whose agency code is not one of the known agencies, or
-- whose agency name is not the code's name (a typo in a damaged copy); and a row whose
-- lifecycle / whole-life cost is out of proportion to its own planned cost (at least
-- var('published_out_of_proportion_ratio') times it: a unit slip, millions typed as thousands).
-- All are warnings: they are shown, never block. One row per finding.

with

itdashboard as (

    select * from {{ ref('int_itdashboard_projects_agency_matched') }}

),

projects as (

    select * from {{ ref('fct_published_projects') }}

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
        cast(null as {{ dbt.type_string() }}) as figure,
        cast(null as {{ type_double() }}) as figure_value,
        cast(null as {{ dbt.type_string() }}) as compared_figure,
        cast(null as {{ type_double() }}) as compared_value,
        cast(null as {{ type_double() }}) as ratio,
        extract_date,
        source_file,
        source_row
    from itdashboard
    where agency_match_status <> 'matches' and is_in_latest_extract

),

out_of_proportion as (

    select
        source_profile,
        project_key,
        project_id,
        project_name,
        'out_of_proportion' as finding_type,
        cast(null as {{ dbt.type_string() }}) as agency_code,
        cast(null as {{ dbt.type_string() }}) as agency_name_as_published,
        cast(null as {{ dbt.type_string() }}) as agency_name_expected,
        portfolio,
        {{ dbt.concat([
            "'The lifecycle / whole-life cost is '",
            dbt.cast("round(lifecycle_cost_m / planned_cost_m, 0)", dbt.type_bigint()),
            "' times the planned cost in the same row ('",
            'currency',
            "' millions; both values are in figure_value and compared_value): check the units.'",
        ]) }} as evidence,
        'lifecycle / whole-life cost' as figure,
        lifecycle_cost_m as figure_value,
        'planned cost' as compared_figure,
        planned_cost_m as compared_value,
        lifecycle_cost_m / planned_cost_m as ratio,
        extract_date,
        source_file,
        source_row
    from projects
    where
        planned_cost_m > 0
        and lifecycle_cost_m >= planned_cost_m * {{ var('published_out_of_proportion_ratio') }}

),

all_findings as (

    select * from findings
    union all
    select * from out_of_proportion

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
        cast('warn' as {{ dbt.type_string() }}) as finding_action,
        cast(evidence as {{ dbt.type_string() }}) as evidence,
        cast(figure as {{ dbt.type_string() }}) as figure,
        cast(figure_value as {{ type_double() }}) as figure_value,
        cast(compared_figure as {{ dbt.type_string() }}) as compared_figure,
        cast(compared_value as {{ type_double() }}) as compared_value,
        cast(ratio as {{ type_double() }}) as ratio,
        extract_date,
        source_file,
        source_row
    from all_findings

)

select * from final
