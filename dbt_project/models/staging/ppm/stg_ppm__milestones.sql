with

source as (

    select * from {{ source('raw', 'milestones') }}

),

renamed as (

    select

        ---------- ids
        cast(milestone_id as {{ dbt.type_string() }}) as milestone_id,
        cast(project_id as {{ dbt.type_string() }}) as project_id,

        ---------- text
        cast(milestone_name as {{ dbt.type_string() }}) as milestone_name,

        ---------- dates
        cast(baseline_date as date) as baseline_date,
        cast(forecast_date as date) as forecast_date,
        cast(actual_date as date) as actual_date,

        ---------- lineage
        cast(source_file as {{ dbt.type_string() }}) as source_file,
        cast(source_file_hash as {{ dbt.type_string() }}) as source_file_hash,
        cast(source_row as {{ dbt.type_bigint() }}) as source_row,
        cast(extract_date as date) as extract_date,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at

    from source

)

select * from renamed
