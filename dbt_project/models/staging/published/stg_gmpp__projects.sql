-- The UK GMPP annual report data: typed, delivery confidence ratings parsed, a null reason beside
-- every value the publisher may withhold, one row per project from the latest extract with it.

with

source as (

    select * from {{ source('raw_published', 'gmpp_projects') }}

),

renamed as (

    select

        ---------- ids
        cast(trim(gmpp_id) as {{ dbt.type_string() }}) as gmpp_id,

        ---------- text
        cast(nullif(trim(project_name), '') as {{ dbt.type_string() }}) as project_name,
        cast(nullif(trim(department), '') as {{ dbt.type_string() }}) as department,
        cast(nullif(trim(category), '') as {{ dbt.type_string() }}) as category,
        cast(nullif(trim(description), '') as {{ dbt.type_string() }}) as description,
        cast(nullif(trim(ipa_commentary), '') as {{ dbt.type_string() }}) as ipa_commentary,
        cast(nullif(trim(schedule_narrative), '') as {{ dbt.type_string() }})
            as schedule_narrative,
        cast(nullif(trim(budget_variance_narrative), '') as {{ dbt.type_string() }})
            as budget_variance_narrative,
        cast(nullif(trim(whole_life_cost_narrative), '') as {{ dbt.type_string() }})
            as whole_life_cost_narrative,

        ---------- delivery confidence assessments
        {{ normalise_dca_rating('ipa_dca') }} as ipa_rating,
        {{ dca_rating_null_reason('ipa_dca') }} as ipa_rating_null_reason,
        {{ normalise_dca_rating('sro_dca') }} as sro_rating,
        {{ dca_rating_null_reason('sro_dca') }} as sro_rating_null_reason,

        ---------- dates
        cast(start_date as date) as start_date,
        {{ published_null_reason('start_date', 'start_date_null_reason') }}
            as start_date_null_reason,
        cast(end_date as date) as end_date,
        {{ published_null_reason('end_date', 'end_date_null_reason') }} as end_date_null_reason,

        ---------- money, millions of GBP
        cast(fy_baseline_gbp_m as {{ type_double() }}) as fy_baseline_gbp_m,
        {{ published_null_reason('fy_baseline_gbp_m', 'fy_baseline_gbp_m_null_reason') }}
            as fy_baseline_gbp_m_null_reason,
        cast(fy_forecast_gbp_m as {{ type_double() }}) as fy_forecast_gbp_m,
        {{ published_null_reason('fy_forecast_gbp_m', 'fy_forecast_gbp_m_null_reason') }}
            as fy_forecast_gbp_m_null_reason,
        cast(whole_life_cost_gbp_m as {{ type_double() }}) as whole_life_cost_gbp_m,
        {{ published_null_reason(
            'whole_life_cost_gbp_m', 'whole_life_cost_gbp_m_null_reason'
        ) }} as whole_life_cost_gbp_m_null_reason,
        cast(benefits_gbp_m as {{ type_double() }}) as benefits_gbp_m,
        {{ published_null_reason('benefits_gbp_m', 'benefits_gbp_m_null_reason') }}
            as benefits_gbp_m_null_reason,

        ---------- published figures
        cast(published_fy_variance_pct as {{ type_double() }}) as published_fy_variance_pct,
        {{ published_null_reason(
            'published_fy_variance_pct', 'published_fy_variance_pct_null_reason'
        ) }} as published_fy_variance_pct_null_reason,

        ---------- lineage
        cast(source_file as {{ dbt.type_string() }}) as source_file,
        cast(source_file_hash as {{ dbt.type_string() }}) as source_file_hash,
        cast(source_row as {{ dbt.type_bigint() }}) as source_row,
        cast(extract_date as date) as extract_date,
        cast(loaded_at as {{ dbt.type_timestamp() }}) as loaded_at

    from source

),

ranked as (

    select
        renamed.*,
        row_number() over (
            partition by renamed.gmpp_id
            order by
                renamed.extract_date desc,
                renamed.loaded_at desc,
                renamed.source_file desc,
                renamed.source_row desc
        ) as extract_recency_rank,
        max(renamed.extract_date) over () as latest_extract_date
    from renamed

),

final as (

    select
        gmpp_id,
        project_name,
        department,
        category,
        description,
        ipa_rating,
        ipa_rating_null_reason,
        sro_rating,
        sro_rating_null_reason,
        ipa_commentary,
        start_date,
        start_date_null_reason,
        end_date,
        end_date_null_reason,
        schedule_narrative,
        fy_baseline_gbp_m,
        fy_baseline_gbp_m_null_reason,
        fy_forecast_gbp_m,
        fy_forecast_gbp_m_null_reason,
        published_fy_variance_pct,
        published_fy_variance_pct_null_reason,
        budget_variance_narrative,
        whole_life_cost_gbp_m,
        whole_life_cost_gbp_m_null_reason,
        whole_life_cost_narrative,
        benefits_gbp_m,
        benefits_gbp_m_null_reason,
        extract_date,
        loaded_at,
        source_file,
        source_file_hash,
        source_row,
        extract_date = latest_extract_date as is_in_latest_extract
    from ranked
    where extract_recency_rank = 1

)

select * from final
