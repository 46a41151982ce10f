with

source as (

    select * from {{ source('raw', 'finance_plan') }}

),

renamed as (

    select

        ---------- ids
        cast(project_id as {{ dbt.type_string() }}) as project_id,

        ---------- text
        cast(project_name as {{ dbt.type_string() }}) as project_name,
        upper(cast(capex_opex as {{ dbt.type_string() }})) as capex_opex,
        cast(currency as {{ dbt.type_string() }}) as currency,
        cast(plan_version as {{ dbt.type_string() }}) as plan_version,
        cast(source_sheet as {{ dbt.type_string() }}) as source_sheet,

        ---------- numerics
        cast(fiscal_year as {{ dbt.type_int() }}) as plan_fiscal_year,
        cast(amount as {{ type_double() }}) as amount_local,

        ---------- dates
        cast(period_month as date) as month_start_date,

        ---------- lineage
        cast(source_file as {{ dbt.type_string() }}) as source_file,
        cast(source_file_hash as {{ dbt.type_string() }}) as source_file_hash,
        cast(source_row as {{ dbt.type_bigint() }}) as source_row,
        cast(extract_date as date) as extract_date,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at

    from source

)

select * from renamed
