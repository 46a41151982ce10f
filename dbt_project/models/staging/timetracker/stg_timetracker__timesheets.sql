with

source as (

    select * from {{ source('raw', 'timesheets') }}

),

tracker_entries as (

    -- Harvest and Clockify exports, already in this model's shape (empty when none is delivered)
    select * from {{ ref('stg_timetracker__tracker_timesheets') }}

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

),

unioned as (

    select * from renamed
    union all
    select
        entry_id,
        employee_id,
        project_id,
        time_category,
        entry_comment,
        hours,
        work_date,
        source_file,
        source_file_hash,
        source_row,
        extract_date,
        loaded_at
    from tracker_entries

)

select * from unioned
