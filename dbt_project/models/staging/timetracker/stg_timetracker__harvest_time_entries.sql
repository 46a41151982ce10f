-- Harvest's detailed time report: typed, text trimmed (blank = null), Yes/No flags as booleans,
-- the ISO currency code read from Harvest's "US Dollar - USD". One row per entry per export.

with

source as (

    select * from {{ source('raw_time_trackers', 'harvest_time_entries') }}

),

renamed as (

    select

        ---------- ids
        cast(nullif(trim(project_code), '') as {{ dbt.type_string() }}) as project_code,

        ---------- text
        cast(nullif(trim(client), '') as {{ dbt.type_string() }}) as client_name,
        cast(nullif(trim(project), '') as {{ dbt.type_string() }}) as project_name,
        cast(nullif(trim(task), '') as {{ dbt.type_string() }}) as task_name,
        cast(nullif(trim(notes), '') as {{ dbt.type_string() }}) as entry_notes,
        cast(nullif(trim(first_name), '') as {{ dbt.type_string() }}) as first_name,
        cast(nullif(trim(last_name), '') as {{ dbt.type_string() }}) as last_name,
        cast(nullif(trim(roles), '') as {{ dbt.type_string() }}) as person_roles,
        cast(nullif(trim(currency), '') as {{ dbt.type_string() }}) as currency_name,
        cast(
            case
                when length(trim(currency)) = 3 then upper(trim(currency))
                when trim(currency) like '% - ___' then upper({{ dbt.right('trim(currency)', 3) }})
            end as {{ dbt.type_string() }}
        ) as currency_code,
        cast(nullif(trim(external_reference_url), '') as {{ dbt.type_string() }})
            as external_reference_url,

        ---------- booleans
        cast(
            case lower(trim(billable)) when 'yes' then true when 'no' then false end
            as {{ dbt.type_boolean() }}
        ) as is_billable,
        cast(
            case lower(trim(invoiced)) when 'yes' then true when 'no' then false end
            as {{ dbt.type_boolean() }}
        ) as is_invoiced,
        cast(
            case lower(trim(approved)) when 'yes' then true when 'no' then false end
            as {{ dbt.type_boolean() }}
        ) as is_approved,
        cast(
            case lower(trim(employee)) when 'yes' then true when 'no' then false end
            as {{ dbt.type_boolean() }}
        ) as is_employee,

        ---------- numerics
        cast(hours as {{ type_double() }}) as hours,
        cast(hours_rounded as {{ type_double() }}) as hours_rounded,
        cast(billable_rate as {{ type_double() }}) as billable_rate,
        cast(billable_amount as {{ type_double() }}) as billable_amount,
        cast(cost_rate as {{ type_double() }}) as cost_rate,
        cast(cost_amount as {{ type_double() }}) as cost_amount,

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
