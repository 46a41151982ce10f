with

source as (

    select * from {{ source('raw', 'timesheets') }}

),

renamed as (

    select

        ---------- ids
        cast(entry_id as {{ dbt.type_string() }}) as entry_id,
        cast(employee_id as {{ dbt.type_string() }}) as employee_id,
        cast(project_id as {{ dbt.type_string() }}) as project_id,

        ---------- text
        cast(time_category as {{ dbt.type_string() }}) as time_category,
        cast(comment as {{ dbt.type_string() }}) as entry_comment,

        ---------- numerics
        cast(hours as {{ type_double() }}) as hours,

        ---------- dates
        cast(work_date as date) as work_date,

        ---------- lineage
        cast(source_file as {{ dbt.type_string() }}) as source_file,
        cast(source_file_hash as {{ dbt.type_string() }}) as source_file_hash,
        cast(source_row as {{ dbt.type_bigint() }}) as source_row,
        cast(extract_date as date) as extract_date,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at

    from source

)

select * from renamed
