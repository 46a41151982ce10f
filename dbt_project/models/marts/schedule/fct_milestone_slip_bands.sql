-- Open milestones forecast later than their baseline, counted by how many days late: one row per
-- band (the schedule page's slip chart), every band present, 0 when none falls in it.

with

milestones as (

    select * from {{ ref('fct_milestones') }}

),

bands as (

    {% for band_order, label, low, high in [
        (1, '1–7 days', 1, 7),
        (2, '8–30 days', 8, 30),
        (3, '31–90 days', 31, 90),
        (4, 'over 90 days', 91, none),
    ] %}
        select
            {{ band_order }} as band_order,
            '{{ label }}' as slip_band,
            {{ low }} as min_days_late,
            {{ high if high is not none else 'cast(null as integer)' }} as max_days_late
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

late as (

    select -schedule_variance_days as days_late
    from milestones
    where is_open and schedule_variance_days < 0

),

counted as (

    select
        bands.band_order,
        count(late.days_late) as open_milestone_count
    from bands
    left join late
        on
            bands.min_days_late <= late.days_late
            and (bands.max_days_late is null or bands.max_days_late >= late.days_late)
    group by bands.band_order

),

final as (

    select
        bands.band_order,
        bands.slip_band,
        bands.min_days_late,
        bands.max_days_late,
        counted.open_milestone_count
    from bands
    inner join counted on bands.band_order = counted.band_order

)

select * from final
