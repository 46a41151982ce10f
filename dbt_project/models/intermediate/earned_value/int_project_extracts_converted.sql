-- Every weekly extract of every project, with what earned value is measured against: the budget
-- at completion in the reporting currency, the percent complete EV uses and the lifecycle state.

with

-- one row per project and extract date, a re-sent extract's latest load already chosen
snapshots as (

    select * from {{ ref('int_project_snapshots_deduplicated') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_filtered') }}

),

extracts as (

    select
        project_id,
        extract_date,
        extract_month,
        status,
        phase,
        percent_complete as reported_percent_complete,
        baseline_start_date,
        baseline_finish_date,
        project_currency,
        budget_at_completion_local,
        forecast_at_completion_local,
        case
            when status = 'Cancelled' then 'cancelled'
            when status = 'Completed' or phase = 'Closed' then 'completed'
            else 'open'
        end as lifecycle_state
    from snapshots

),

numbered as (

    select
        extracts.*,
        first_value(extracts.budget_at_completion_local) over (
            partition by extracts.project_id
            order by extracts.extract_date
            rows between unbounded preceding and unbounded following
        ) as original_bac_local,
        first_value(extracts.baseline_start_date) over (
            partition by extracts.project_id
            order by extracts.extract_date
            rows between unbounded preceding and unbounded following
        ) as original_baseline_start_date,
        first_value(extracts.baseline_finish_date) over (
            partition by extracts.project_id
            order by extracts.extract_date
            rows between unbounded preceding and unbounded following
        ) as original_baseline_finish_date,
        min(extracts.extract_date) over (
            partition by extracts.project_id
        ) as first_extract_date,
        row_number() over (
            partition by extracts.project_id
            order by extracts.extract_date
        ) as extract_number,
        row_number() over (
            partition by extracts.project_id, extracts.lifecycle_state
            order by extracts.extract_date
        ) as state_extract_number
    from extracts

),

with_state_since as (

    select
        numbered.*,
        -- gaps and islands: the difference of the two numbers is constant within one
        -- uninterrupted run of a lifecycle state; the run starts at its first extract
        min(numbered.extract_date) over (
            partition by
                numbered.project_id,
                numbered.lifecycle_state,
                numbered.extract_number - numbered.state_extract_number
        ) as state_since_date
    from numbered

),

final as (

    select
        with_state_since.project_id,
        with_state_since.extract_date,
        with_state_since.extract_month,
        with_state_since.first_extract_date,
        with_state_since.status,
        with_state_since.phase,
        with_state_since.lifecycle_state,
        with_state_since.state_since_date,
        with_state_since.reported_percent_complete,
        cast(
            case
                when with_state_since.lifecycle_state = 'completed' then 100
                when with_state_since.reported_percent_complete > 100 then 100
                when with_state_since.reported_percent_complete < 0 then 0
                else with_state_since.reported_percent_complete
            end as {{ type_double() }}
        ) as percent_complete,
        coalesce(
            with_state_since.reported_percent_complete > 100
            or with_state_since.reported_percent_complete < 0,
            false
        ) as is_percent_complete_capped,
        with_state_since.baseline_start_date,
        with_state_since.baseline_finish_date,
        with_state_since.project_currency,
        with_state_since.budget_at_completion_local,
        with_state_since.original_bac_local,
        with_state_since.original_baseline_start_date,
        with_state_since.original_baseline_finish_date,
        -- the first extract's budget and finish still in force (a re-baseline changes either,
        -- as in fct_project_rebaselines): finance's phasing describes this baseline; after a
        -- re-baseline it describes one that no longer exists
        not {{ is_value_changed(
            'with_state_since.budget_at_completion_local', 'with_state_since.original_bac_local'
        ) }}
        and not {{ is_value_changed(
            'with_state_since.baseline_finish_date',
            'with_state_since.original_baseline_finish_date'
        ) }} as is_on_original_baseline,
        fx_rates.average_rate as fx_rate,
        -- both at the rate of the extract's month: bac - original_bac is re-baselining, not FX
        {{ to_money('with_state_since.budget_at_completion_local * fx_rates.average_rate') }}
            as bac,
        {{ to_money('with_state_since.original_bac_local * fx_rates.average_rate') }}
            as original_bac,
        -- the project manager's forecast at completion in the same extract, at the same rate
        {{ to_money('with_state_since.forecast_at_completion_local * fx_rates.average_rate') }}
            as fac
    from with_state_since
    left join fx_rates
        on
            with_state_since.project_currency = fx_rates.from_currency
            and with_state_since.extract_month = fx_rates.rate_month

)

select * from final
