-- The S-curve passes through the figures every other page shows at the cut-off: in the cut-off's
-- month its PV, EV and AC equal fct_project_earned_value's. A cancelled project's PV is measured
-- on its cancellation date, not at the month end the curve is read on, so only its EV and AC must
-- match.

with

curve as (

    select * from {{ ref('fct_project_earned_value_curve') }}

),

at_cutoff as (

    select * from {{ ref('fct_project_earned_value') }}

),

compared as (

    select
        at_cutoff.project_id,
        at_cutoff.is_cancelled,
        at_cutoff.pv,
        at_cutoff.ev,
        at_cutoff.ac,
        curve.pv as curve_pv,
        curve.ev as curve_ev,
        curve.ac as curve_ac,
        curve.project_id is null as at_cutoff_missing
    from at_cutoff
    left join curve
        on
            at_cutoff.project_id = curve.project_id
            and {{ dbt.date_trunc('month', 'at_cutoff.as_of_date') }}
            = curve.month_start_date

)

select * from compared
where
    at_cutoff_missing
    or (ev is null) <> (curve_ev is null)
    or round(ev, 6) <> round(curve_ev, 6)
    or (ac is null) <> (curve_ac is null)
    or round(ac, 6) <> round(curve_ac, 6)
    or (
        not is_cancelled
        and ((pv is null) <> (curve_pv is null) or round(pv, 6) <> round(curve_pv, 6))
    )
