with

source as (

    select * from {{ source('raw', 'gl_actuals') }}

),

renamed as (

    select

        ---------- ids
        cast(document_no as {{ dbt.type_string() }}) as document_number,
        cast(line as {{ dbt.type_int() }}) as line_number,
        cast(project_id as {{ dbt.type_string() }}) as project_id,
        cast(cost_centre as {{ dbt.type_string() }}) as cost_centre,
        cast(wbs_element as {{ dbt.type_string() }}) as wbs_element,
        cast(account as {{ dbt.type_string() }}) as account_number,

        ---------- text
        cast(account_name as {{ dbt.type_string() }}) as account_name,
        upper(cast(capex_opex as {{ dbt.type_string() }})) as capex_opex,
        cast(currency as {{ dbt.type_string() }}) as currency,
        cast(period as {{ dbt.type_string() }}) as period,

        ---------- numerics
        cast(amount as {{ type_double() }}) as amount_local,

        ---------- dates
        cast(posting_date as date) as posting_date,
        -- 'YYYY-MM' -> first day of that month
        cast({{ dbt.concat(["period", "'-01'"]) }} as date) as period_month,

        ---------- lineage
        cast(source_file as {{ dbt.type_string() }}) as source_file,
        cast(source_file_hash as {{ dbt.type_string() }}) as source_file_hash,
        cast(source_row as {{ dbt.type_bigint() }}) as source_row,
        cast(extract_date as date) as extract_date,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at

    from source

)

select * from renamed
