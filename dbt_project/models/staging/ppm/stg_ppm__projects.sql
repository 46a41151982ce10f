with

source as (

    select * from {{ source('raw', 'projects') }}

),

renamed as (

    select

        ---------- ids
        cast(project_id as {{ dbt.type_string() }}) as project_id,

        ---------- text
        cast(project_name as {{ dbt.type_string() }}) as project_name,
        cast(portfolio as {{ dbt.type_string() }}) as portfolio,
        cast(program as {{ dbt.type_string() }}) as program,
        cast(sponsor as {{ dbt.type_string() }}) as sponsor,
        cast(project_manager as {{ dbt.type_string() }}) as project_manager,
        cast(business_unit as {{ dbt.type_string() }}) as business_unit,
        cast(category as {{ dbt.type_string() }}) as category,
        cast(strategic_theme as {{ dbt.type_string() }}) as strategic_theme,
        cast(phase as {{ dbt.type_string() }}) as phase,
        cast(status as {{ dbt.type_string() }}) as status,
        cast(reported_rag as {{ dbt.type_string() }}) as reported_rag,
        cast(currency as {{ dbt.type_string() }}) as project_currency,
        cast(depends_on as {{ dbt.type_string() }}) as depends_on_project_ids,
        cast(nullif(trim(exclusive_group), '') as {{ dbt.type_string() }}) as exclusive_group,

        ---------- numerics
        cast(percent_complete as {{ type_double() }}) as percent_complete,
        cast(budget_at_completion as {{ type_double() }}) as budget_at_completion_local,
        cast(capex_budget as {{ type_double() }}) as capex_budget_local,
        cast(opex_budget as {{ type_double() }}) as opex_budget_local,
        cast(forecast_at_completion as {{ type_double() }}) as forecast_at_completion_local,
        cast(strategic_alignment as {{ dbt.type_int() }}) as strategic_alignment_score,
        cast(business_value as {{ dbt.type_int() }}) as business_value_score,
        cast(risk_score as {{ dbt.type_int() }}) as risk_score,
        cast(urgency_score as {{ dbt.type_int() }}) as urgency_score,

        ---------- booleans
        coalesce(is_mandatory = 'Y', false) as is_mandatory,

        ---------- dates
        cast(baseline_start as date) as baseline_start_date,
        cast(baseline_finish as date) as baseline_finish_date,
        cast(forecast_start as date) as forecast_start_date,
        cast(forecast_finish as date) as forecast_finish_date,

        ---------- lineage
        cast(source_file as {{ dbt.type_string() }}) as source_file,
        cast(source_file_hash as {{ dbt.type_string() }}) as source_file_hash,
        cast(source_row as {{ dbt.type_bigint() }}) as source_row,
        cast(extract_date as date) as extract_date,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at

    from source

)

select * from renamed
