with

source as (

    select * from {{ source('raw', 'resource_plan') }}

),

renamed as (

    select

        ---------- ids
        cast(project_id as {{ dbt.type_string() }}) as project_id,

        ---------- text
        cast(team as {{ dbt.type_string() }}) as team,
        cast(role as {{ dbt.type_string() }}) as role,
        cast(month as {{ dbt.type_string() }}) as plan_period,

        ---------- numerics
        cast(planned_hours as {{ type_double() }}) as planned_hours,

        ---------- dates
        -- 'YYYY-MM' -> first day of that month
        cast({{ dbt.concat(["month", "'-01'"]) }} as date) as month_start_date,

        ---------- lineage
        cast(source_file as {{ dbt.type_string() }}) as source_file,
        cast(source_file_hash as {{ dbt.type_string() }}) as source_file_hash,
        cast(source_row as {{ dbt.type_bigint() }}) as source_row,
        cast(extract_date as date) as extract_date,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at

    from source

)

select * from renamed
