with

source as (

    select * from {{ source('raw', 'resources') }}

),

renamed as (

    select

        ---------- ids
        cast(employee_id as {{ dbt.type_string() }}) as employee_id,

        ---------- text
        cast(employee_name as {{ dbt.type_string() }}) as employee_name,
        cast(team as {{ dbt.type_string() }}) as team,
        cast(role as {{ dbt.type_string() }}) as role,
        cast(currency as {{ dbt.type_string() }}) as cost_currency,

        ---------- numerics
        cast(fte as {{ type_double() }}) as fte,
        cast(weekly_capacity_hours as {{ type_double() }}) as weekly_capacity_hours,
        cast(cost_rate as {{ type_double() }}) as cost_rate_local,

        ---------- dates
        cast(active_from as date) as active_from_date,
        cast(active_to as date) as active_to_date,

        ---------- lineage
        cast(source_file as {{ dbt.type_string() }}) as source_file,
        cast(source_file_hash as {{ dbt.type_string() }}) as source_file_hash,
        cast(source_row as {{ dbt.type_bigint() }}) as source_row,
        cast(extract_date as date) as extract_date,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at

    from source

)

select * from renamed
