-- Every person's contracted hours, recorded leave and booked time per day of the capacity
-- calendar. A day's contracted hours are FTE x var standard_weekly_hours / 5 on a weekday covered
-- by one of the person's rate periods (HR's effective-dated rows) that is not a company public
-- holiday (seed public_holidays), so a joiner or leaver counts only the weekdays they are
-- employed; leave is deducted on the day it is booked, at most that day's contracted hours.
--
-- A table, not a view like the other intermediate models: three marts and its own tests read it,
-- and each read of a view would redo the day expansion and the timesheet roll-up.
--
-- Incremental on DuckDB (a table on Spark), by person and ISO week: a week's rows depend only on
-- the person's rate periods, the person's timesheet entries of that week and the calendar's days
-- of that week, so each (person, week) carries a checksum of those inputs (inputs_checksum) and
-- a weekly run recomputes only the weeks whose checksum changed: the new week, a re-sent or
-- quarantined file's weeks, every week of a person whose rate history changed, the weeks the
-- timesheet window or the reporting months moved into or out of, a changed public holiday's
-- week; every week when this SQL changed (its checksum is part of each week's). A (person, week)
-- left with no rows is deleted. Its rows equal a full rebuild's (the `replace_keys` strategy,
-- macros/incremental/replace_keys.sql; tests/test_incremental_employee_days.py).

{%- set inputs_sql -%}

calendar_weeks as (

    select * from {{ ref('int_capacity_weeks_generated') }}

),

rate_periods as (

    select * from {{ ref('int_employee_rate_periods_deduplicated') }}

),

timesheet_entries as (

    select * from {{ ref('int_timesheet_entries_costed') }}

),

public_holidays as (

    select * from {{ ref('public_holidays') }}

),

day_offsets as (

    select 0 as day_offset
    union all
    select 1 as day_offset
    union all
    select 2 as day_offset
    union all
    select 3 as day_offset
    union all
    select 4 as day_offset
    union all
    select 5 as day_offset
    union all
    select 6 as day_offset

),

week_days as (

    select
        calendar_weeks.week_start_date as iso_week_start_date,
        calendar_weeks.is_in_timesheet_window,
        calendar_weeks.first_month_start_date,
        calendar_weeks.last_month_end_date,
        day_offsets.day_offset < 5 as is_weekday,
        cast(
            {{ dbt.dateadd('day', 'day_offsets.day_offset', 'calendar_weeks.week_start_date') }}
            as date
        ) as date_day
    from calendar_weeks
    cross join day_offsets

),

calendar_days as (

    select
        week_days.*,
        public_holidays.holiday_date is not null as is_public_holiday,
        (
            week_days.date_day >= week_days.first_month_start_date
            and week_days.date_day <= week_days.last_month_end_date
        ) as is_in_reporting_months
    from week_days
    left join public_holidays
        on week_days.date_day = public_holidays.holiday_date

),

flagged_rate_periods as (

    {{ rate_periods_flagging_overlaps('rate_periods') }}

),

calendar_week_states as (

    -- what a week's rows take from the calendar: each day's weekday, holiday and window flags
    select
        iso_week_start_date,
        sum({{ content_hash([
            'date_day', 'is_weekday', 'is_public_holiday', 'is_in_timesheet_window',
            'is_in_reporting_months'
        ]) }}) as calendar_checksum
    from calendar_days
    group by iso_week_start_date

),

employee_rate_states as (

    select
        employee_id,
        sum({{ content_hash(['team', 'role', 'fte', 'active_from_date', 'active_to_date']) }})
            as rate_periods_checksum
    from rate_periods
    group by employee_id

),

timesheet_week_states as (

    select
        employee_id,
        {{ iso_week_start_date('work_date') }} as iso_week_start_date,
        count(*) as timesheet_entry_count,
        sum({{ content_hash([
            'entry_id', 'work_date', 'hours', 'time_category', 'project_id'
        ]) }}) as timesheet_checksum
    from timesheet_entries
    group by employee_id, {{ iso_week_start_date('work_date') }}

),

employee_weeks as (

    -- every (person, week) that holds rows: a calendar week one of the person's rate periods
    -- covers a weekday of, or a calendar week they booked time in (a person's NULL id included)
    select
        flagged_rate_periods.employee_id,
        calendar_weeks.week_start_date as iso_week_start_date
    from calendar_weeks
    inner join flagged_rate_periods
        on
            cast({{ dbt.dateadd('day', '4', 'calendar_weeks.week_start_date') }} as date)
            >= flagged_rate_periods.active_from_date
            and (
                flagged_rate_periods.active_to_date is null
                or calendar_weeks.week_start_date <= flagged_rate_periods.active_to_date
            )

    union

    select
        timesheet_week_states.employee_id,
        timesheet_week_states.iso_week_start_date
    from timesheet_week_states
    inner join calendar_weeks
        on timesheet_week_states.iso_week_start_date = calendar_weeks.week_start_date

),

employee_week_states as (

    select
        employee_weeks.employee_id,
        employee_weeks.iso_week_start_date,
        {{ content_hash([
            'employee_rate_states.rate_periods_checksum',
            'timesheet_week_states.timesheet_entry_count',
            'timesheet_week_states.timesheet_checksum',
            'calendar_week_states.calendar_checksum',
            "'{logic_checksum}'"
        ]) }} as inputs_checksum
    from employee_weeks
    left join employee_rate_states
        on employee_weeks.employee_id = employee_rate_states.employee_id
    left join timesheet_week_states
        on
            employee_weeks.employee_id is not distinct from timesheet_week_states.employee_id
            and employee_weeks.iso_week_start_date = timesheet_week_states.iso_week_start_date
    left join calendar_week_states
        on employee_weeks.iso_week_start_date = calendar_week_states.iso_week_start_date

),

{%- endset -%}

{%- set days_sql -%}

period_days as (

    -- a day and the start of the period covering it (the period's key with the person); the
    -- period's team, role and FTE are joined back in `joined`, after the full join below
    select
        flagged_rate_periods.employee_id,
        calendar_days.date_day,
        flagged_rate_periods.active_from_date,
        flagged_rate_periods.overlaps_another_period
    from {days_in_scope} as calendar_days
    inner join {periods_in_scope} as flagged_rate_periods
        on
            calendar_days.date_day >= flagged_rate_periods.active_from_date
            and (
                flagged_rate_periods.active_to_date is null
                or calendar_days.date_day <= flagged_rate_periods.active_to_date
            )
    {scope_periods}

),

employee_periods as (

    -- overlapping periods (a change entered with the old period's end on the same day): the most
    -- recently started period wins, as for the cost rate
    {{ latest_period_match('period_days', ['employee_id', 'date_day'], 'active_from_date') }}

),

timesheet_days as (

    select
        timesheet_entries.employee_id,
        timesheet_entries.work_date as date_day,
        -- each entry fixed to decimal hours before summing, so totals are exact and repeatable
        {{ sum_hours('hours') }} as logged_hours,
        {{ sum_hours("case when time_category = 'Leave' then hours else 0 end") }}
            as leave_hours_recorded,
        {{ sum_hours('case when project_id is not null then hours else 0 end') }} as project_hours,
        {{ sum_hours(
            "case when project_id is null and time_category != 'Leave' then hours else 0 end"
        ) }} as non_project_hours
    from timesheet_entries
    {scope_timesheets}
    group by timesheet_entries.employee_id, timesheet_entries.work_date

),

employee_days as (

    -- every day under one of the person's rate periods beside every day with booked time, in one
    -- full join on (person, day); `joined` then drops the covered weekends nobody booked. A union
    -- of the keys joined back to both sides took twice as long (10 M entries: docs/benchmarks.md).
    -- The period side carries only its period's start: DuckDB builds the join's hash table on the
    -- 8 M period days (it estimates a range join's rows far too low), and with the team, role and
    -- FTE in each row that table overflowed the memory limit to disk (at 10 M entries, built
    -- alone: 6.5-7.0 s against 4.9-5.7 s)
    select
        employee_periods.active_from_date as period_start,
        timesheet_days.leave_hours_recorded,
        timesheet_days.logged_hours,
        timesheet_days.project_hours,
        timesheet_days.non_project_hours,
        coalesce(employee_periods.employee_id, timesheet_days.employee_id) as employee_id,
        coalesce(employee_periods.date_day, timesheet_days.date_day) as date_day,
        employee_periods.employee_id is not null as is_active,
        timesheet_days.employee_id is not null as has_booked_time
    from employee_periods
    full outer join timesheet_days
        on
            employee_periods.employee_id = timesheet_days.employee_id
            and employee_periods.date_day = timesheet_days.date_day

),

joined as (

    select
        employee_days.employee_id,
        employee_days.date_day,
        calendar_days.iso_week_start_date,
        cast(
            {{ dbt.date_trunc('month', 'employee_days.date_day') }} as date
        ) as month_start_date,
        calendar_days.is_weekday,
        calendar_days.is_public_holiday,
        calendar_days.is_in_timesheet_window,
        calendar_days.is_in_reporting_months,
        employee_days.is_active,
        covering_period.team,
        covering_period.role,
        covering_period.fte,
        case
            when
                employee_days.is_active and calendar_days.is_weekday
                and not calendar_days.is_public_holiday
                then {{ to_hours('covering_period.fte * ' ~ standard_weekly_hours() ~ ' / 5') }}
            else {{ to_hours('0') }}
        end as contracted_hours,
        -- the hours the holiday took off the person's day (shown, never deducted twice)
        case
            when
                employee_days.is_active and calendar_days.is_weekday
                and calendar_days.is_public_holiday
                then {{ to_hours('covering_period.fte * ' ~ standard_weekly_hours() ~ ' / 5') }}
            else {{ to_hours('0') }}
        end as public_holiday_hours,
        coalesce(employee_days.leave_hours_recorded, {{ to_hours('0') }}) as leave_hours_recorded,
        coalesce(employee_days.logged_hours, {{ to_hours('0') }}) as logged_hours,
        coalesce(employee_days.project_hours, {{ to_hours('0') }}) as project_hours,
        coalesce(employee_days.non_project_hours, {{ to_hours('0') }}) as non_project_hours
    from employee_days
    left join flagged_rate_periods as covering_period
        on
            employee_days.employee_id is not distinct from covering_period.employee_id
            and employee_days.period_start = covering_period.active_from_date
    inner join calendar_days
        on employee_days.date_day = calendar_days.date_day
    -- a covered weekend day is kept only when time was booked on it
    where calendar_days.is_weekday or employee_days.has_booked_time

),

deducted as (

    select
        joined.*,
        -- leave beyond the day's contracted hours (e.g. booked on a weekend) removes nothing more
        least(joined.leave_hours_recorded, joined.contracted_hours) as leave_hours
    from joined

),

day_rows as (

    select
        employee_id,
        date_day,
        iso_week_start_date,
        month_start_date,
        is_weekday,
        is_public_holiday,
        is_in_timesheet_window,
        is_in_reporting_months,
        is_active,
        team,
        role,
        fte,
        public_holiday_hours,
        contracted_hours,
        leave_hours_recorded,
        leave_hours,
        logged_hours,
        project_hours,
        non_project_hours,
        contracted_hours - leave_hours as capacity_hours
    from deducted

),

final as (

    {% if config.get('materialized') == 'incremental' %}
    select
        day_rows.*,
        employee_week_states.inputs_checksum,
        false as is_deleted
    from day_rows
    left join employee_week_states
        on
            day_rows.employee_id is not distinct from employee_week_states.employee_id
            and day_rows.iso_week_start_date = employee_week_states.iso_week_start_date
    {% else %}
    -- a table rebuilt each run (Spark) reads no checksum, so none is computed
    select
        day_rows.*,
        cast(null as {{ dbt.type_bigint() }}) as inputs_checksum,
        false as is_deleted
    from day_rows
    {% endif %}

)

{%- endset -%}

{#- the SQL as rendered (macros and all) except which weeks it reads; the relations' names without
    the database's, which follows the warehouse file's name (a moved file recomputes nothing) -#}
{%- set logic_sql = (inputs_sql ~ days_sql) | replace(adapter.quote(this.database) ~ '.', '') %}
{%- set logic_checksum = local_md5(logic_sql) %}
{#- the days of the weeks in scope and the periods of the people in scope are picked before a
    period is spread over its days (not after: that spread every period over every day first,
    1.5 s at 10 M for a run with nothing to recompute) -#}
{%- set days_in_scope -%}
    (
        select * from calendar_days
        where iso_week_start_date in (select iso_week_start_date from weeks_in_scope)
    )
{%- endset %}
{%- set periods_in_scope -%}
    (
        select * from flagged_rate_periods
        where exists (
            select 1 from weeks_in_scope
            where weeks_in_scope.employee_id is not distinct from flagged_rate_periods.employee_id
        )
    )
{%- endset %}
{%- set scope_periods -%}
    inner join weeks_in_scope
        on
            flagged_rate_periods.employee_id is not distinct from weeks_in_scope.employee_id
            and calendar_days.iso_week_start_date = weeks_in_scope.iso_week_start_date
{%- endset %}
{%- set scope_timesheets -%}
    inner join weeks_in_scope
        on
            timesheet_entries.employee_id is not distinct from weeks_in_scope.employee_id
            and {{ iso_week_start_date('timesheet_entries.work_date') }}
            = weeks_in_scope.iso_week_start_date
{%- endset %}

with

{{ inputs_sql | replace('{logic_checksum}', logic_checksum) }}

{% if is_incremental() %}

{#- a table built before inputs_checksum existed (an upgrade) reads it as null: every week anew -#}
{%- set columns_before = adapter.get_columns_in_relation(this) | map(attribute='name') | list %}

stored_states as (

    select
        employee_id,
        iso_week_start_date,
        min(inputs_checksum) as min_checksum,
        max(inputs_checksum) as max_checksum
    from (
        select
            employee_id,
            iso_week_start_date,
            {{ 'inputs_checksum' if 'inputs_checksum' in columns_before
                else 'null as inputs_checksum' }}
        from {{ this }}
    ) as stored
    group by employee_id, iso_week_start_date

),

weeks_in_scope as (

    -- new, gone, or built from other inputs than the ones there now
    select
        coalesce(current_states.employee_id, stored_states.employee_id) as employee_id,
        coalesce(current_states.iso_week_start_date, stored_states.iso_week_start_date)
            as iso_week_start_date
    from employee_week_states as current_states
    full outer join stored_states
        on
            current_states.employee_id is not distinct from stored_states.employee_id
            and current_states.iso_week_start_date = stored_states.iso_week_start_date
    where
        -- one side missing (a week is never null; a person's id may be)
        current_states.iso_week_start_date is null
        or stored_states.iso_week_start_date is null
        or stored_states.min_checksum is distinct from current_states.inputs_checksum
        or stored_states.max_checksum is distinct from current_states.inputs_checksum

),

{% endif %}

{#- a full build reads every week -#}
{{ days_sql
    | replace('{days_in_scope}', days_in_scope if is_incremental() else 'calendar_days')
    | replace('{periods_in_scope}', periods_in_scope if is_incremental() else 'flagged_rate_periods')
    | replace('{scope_periods}', scope_periods if is_incremental() else '')
    | replace('{scope_timesheets}', scope_timesheets if is_incremental() else '') }}

select * from final

{% if is_incremental() %}

-- a week in scope left with no rows: its rows are deleted, nothing inserted (by name: the
-- columns it does not name are null; the branch renders only on DuckDB)
union all by name

select
    weeks_in_scope.employee_id,
    weeks_in_scope.iso_week_start_date,
    true as is_deleted
from weeks_in_scope
where not exists (
    select 1 from final
    where
        final.employee_id is not distinct from weeks_in_scope.employee_id
        and final.iso_week_start_date = weeks_in_scope.iso_week_start_date
)

{% endif %}
