with

source as (

    select * from {{ source('raw', 'fx_rates') }}

),

renamed as (

    select

        ---------- ids
        cast(from_currency as {{ dbt.type_string() }}) as from_currency,
        cast(to_currency as {{ dbt.type_string() }}) as to_currency,

        ---------- text
        cast(period as {{ dbt.type_string() }}) as period,

        ---------- numerics
        cast(average_rate as {{ type_double() }}) as average_rate,

        ---------- dates
        -- 'YYYY-MM' -> first day of that month
        cast({{ dbt.concat(["period", "'-01'"]) }} as date) as rate_month,

        ---------- lineage
        cast(source_file as {{ dbt.type_string() }}) as source_file,
        cast(source_file_hash as {{ dbt.type_string() }}) as source_file_hash,
        cast(source_row as {{ dbt.type_bigint() }}) as source_row,
        cast(extract_date as date) as extract_date,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at

    from source

)

select * from renamed
