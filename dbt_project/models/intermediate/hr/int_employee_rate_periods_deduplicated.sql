-- Each resources extract repeats every person's full rate history, so the latest extract holding
-- a person is the truth for that person (corrections to old periods included).

with

resource_loads as (

    select * from {{ ref('stg_hr__resources') }}

),

resources as (

    -- a corrected file re-sent under the same name replaces the earlier load
    {{ latest_load_of_each_file('resource_loads') }}

),

latest_extract as (

    select max(extract_date) as latest_extract_date
    from resources

),

with_employee_extract as (

    select
        resources.*,
        max(resources.extract_date) over (
            partition by resources.employee_id
        ) as employee_latest_extract_date
    from resources

),

latest_rows as (

    select *
    from with_employee_extract
    where extract_date = employee_latest_extract_date

),

ranked as (

    select
        latest_rows.*,
        -- current = the latest period already started by the extract date; future-dated rate
        -- changes only become current once they start
        row_number() over (
            partition by latest_rows.employee_id
            order by
                case
                    when latest_rows.active_from_date <= latest_extract.latest_extract_date
                        then 0
                    else 1
                end,
                latest_rows.active_from_date desc
        ) as currency_rank
    from latest_rows
    cross join latest_extract

),

final as (

    select
        employee_id,
        employee_name,
        team,
        role,
        fte,
        weekly_capacity_hours,
        cost_rate_local,
        cost_currency,
        active_from_date,
        active_to_date,
        extract_date,
        source_file,
        source_row,
        currency_rank = 1 as is_current_rate_period
    from ranked

)

select * from final
