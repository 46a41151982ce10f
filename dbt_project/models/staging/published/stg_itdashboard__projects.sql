-- The US Federal IT Dashboard projects export: typed, text trimmed (blank = null), one row per
-- project from the latest extract that contains it.

with

source as (

    select * from {{ source('raw_published', 'itdashboard_projects') }}

),

renamed as (

    select

        ---------- ids
        cast(trim(project_id) as {{ dbt.type_string() }}) as project_id,
        cast(nullif(trim(unique_investment_identifier), '') as {{ dbt.type_string() }})
            as unique_investment_identifier,
        cast(nullif(trim(business_case_id), '') as {{ dbt.type_string() }}) as business_case_id,
        cast(nullif(trim(agency_code), '') as {{ dbt.type_string() }}) as agency_code,
        cast(nullif(trim(agency_project_id), '') as {{ dbt.type_string() }}) as agency_project_id,
        cast(nullif(trim(unique_project_id), '') as {{ dbt.type_string() }}) as unique_project_id,

        ---------- text
        cast(nullif(trim(agency_name), '') as {{ dbt.type_string() }}) as agency_name,
        cast(nullif(trim(investment_title), '') as {{ dbt.type_string() }}) as investment_title,
        cast(nullif(trim(project_name), '') as {{ dbt.type_string() }}) as project_name,
        cast(nullif(trim(project_description), '') as {{ dbt.type_string() }})
            as project_description,
        cast(nullif(trim(updated_time), '') as {{ dbt.type_string() }}) as updated_time,

        ---------- dates
        cast(start_date as date) as start_date,
        cast(completion_date_b1 as date) as completion_date_b1,
        cast(planned_completion_date as date) as planned_completion_date,
        cast(projected_completion_date as date) as projected_completion_date,
        cast(updated_date as date) as updated_date,

        ---------- money, millions of USD
        cast(lifecycle_cost_musd as {{ type_double() }}) as lifecycle_cost_musd,
        cast(planned_cost_musd as {{ type_double() }}) as planned_cost_musd,
        cast(projected_cost_musd as {{ type_double() }}) as projected_cost_musd,

        ---------- published figures
        cast(published_cost_variance_musd as {{ type_double() }}) as published_cost_variance_musd,
        cast(published_cost_variance_pct as {{ type_double() }}) as published_cost_variance_pct,
        cast(published_schedule_variance_days as {{ type_double() }})
            as published_schedule_variance_days,
        cast(published_schedule_variance_pct as {{ type_double() }})
            as published_schedule_variance_pct,

        ---------- lineage
        cast(source_file as {{ dbt.type_string() }}) as source_file,
        cast(source_file_hash as {{ dbt.type_string() }}) as source_file_hash,
        cast(source_row as {{ dbt.type_bigint() }}) as source_row,
        cast(extract_date as date) as extract_date,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at

    from source

),

ranked as (

    select
        renamed.*,
        row_number() over (
            partition by renamed.project_id
            order by
                renamed.extract_date desc,
                renamed.loaded_at desc,
                renamed.source_file desc,
                renamed.source_row desc
        ) as extract_recency_rank,
        max(renamed.extract_date) over () as latest_extract_date
    from renamed

),

final as (

    select
        project_id,
        unique_investment_identifier,
        business_case_id,
        agency_code,
        agency_name,
        investment_title,
        agency_project_id,
        unique_project_id,
        project_name,
        project_description,
        start_date,
        completion_date_b1,
        planned_completion_date,
        projected_completion_date,
        updated_date,
        updated_time,
        lifecycle_cost_musd,
        planned_cost_musd,
        projected_cost_musd,
        published_cost_variance_musd,
        published_cost_variance_pct,
        published_schedule_variance_days,
        published_schedule_variance_pct,
        extract_date,
        loaded_at,
        source_file,
        source_file_hash,
        source_row,
        extract_date = latest_extract_date as is_in_latest_extract
    from ranked
    where extract_recency_rank = 1

)

select * from final
