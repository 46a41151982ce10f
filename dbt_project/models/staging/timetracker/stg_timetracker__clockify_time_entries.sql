-- Clockify's detailed report: typed, text trimmed (blank = null), e-mail lower-cased, Billable as
-- a boolean. One row per entry per export.

with

source as (

    select * from {{ source('raw_time_trackers', 'clockify_time_entries') }}

),

renamed as (

    select

        ---------- ids
        cast(lower(nullif(trim(email), '')) as {{ dbt.type_string() }}) as user_email,

        ---------- text
        cast(nullif(trim(project), '') as {{ dbt.type_string() }}) as project_name,
        cast(nullif(trim(client), '') as {{ dbt.type_string() }}) as client_name,
        cast(nullif(trim(task), '') as {{ dbt.type_string() }}) as task_name,
        cast(nullif(trim(description), '') as {{ dbt.type_string() }}) as entry_description,
        cast(nullif(trim(user_name), '') as {{ dbt.type_string() }}) as user_name,
        cast(nullif(trim(user_group), '') as {{ dbt.type_string() }}) as user_groups,
        cast(nullif(trim(tags), '') as {{ dbt.type_string() }}) as entry_tags,
        cast(nullif(trim(start_time), '') as {{ dbt.type_string() }}) as start_time_text,
        cast(nullif(trim(end_time), '') as {{ dbt.type_string() }}) as end_time_text,
        cast(nullif(trim(duration_hms), '') as {{ dbt.type_string() }}) as duration_hms,

        ---------- booleans
        cast(
            case lower(trim(billable)) when 'yes' then true when 'no' then false end
            as {{ dbt.type_boolean() }}
        ) as is_billable,

        ---------- numerics
        cast(duration_hours as {{ type_double() }}) as hours,
        cast(billable_rate as {{ type_double() }}) as billable_rate,
        cast(billable_amount as {{ type_double() }}) as billable_amount,
        cast(cost_rate as {{ type_double() }}) as cost_rate,
        cast(cost_amount as {{ type_double() }}) as cost_amount,

        ---------- dates
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date,

        ---------- lineage
        cast(source_file as {{ dbt.type_string() }}) as source_file,
        cast(source_file_hash as {{ dbt.type_string() }}) as source_file_hash,
        cast(source_row as {{ dbt.type_bigint() }}) as source_row,
        cast(extract_date as date) as extract_date,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at

    from source

)

select * from renamed
