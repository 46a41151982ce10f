-- Each timesheet entry costed at the employee's rate valid on the work date, then converted to
-- the reporting currency at the average rate of the work date's month.
--
-- Incremental on DuckDB (a table on Spark): a weekly run recomputes only the entries whose inputs
-- changed since the last build, and its rows equal a full rebuild's. An entry is recomputed when
--   * its file changed: a new file, a re-sent one, or rows quarantined out of it (the file's row
--     count and content checksum, stored on each of its entries, differ from the staging rows);
--   * its employee's rate history changed (the checksum of their rate periods differs);
--   * the FX rate of its currency and month changed (the stored fx_rate differs);
--   * this SQL changed, macros included (every entry then: the rendered logic's checksum differs).
-- Every load of an affected entry id is ranked again, and an entry left with no load is deleted
-- (the `replace_keys` strategy, macros/incremental/replace_keys.sql).

{#- A full build reads its 10 M-row CTEs where they are used instead of writing each out once
    (macros/cross_database/not_materialized.sql): each is a scan and a filter of the staged rows.
    An incremental build keeps them materialized: it reads the staged rows in more places, and
    writing them once measured cheaper there. The hint is left out of the logic checksum below,
    so full and incremental builds agree on it. -#}
{%- set inline = '' if is_incremental() else not_materialized() -%}

{%- set inputs_sql -%}

-- The dbt templater of sqlfluff asks to indent a first CTE whose name a hint follows
timesheet_loads as {{ inline }} (  -- noqa: LT02

    select * from {{ ref('stg_timetracker__timesheets') }}

),

rate_periods as (

    select * from {{ ref('int_employee_rate_periods_deduplicated') }}

),

flagged_rate_periods as (

    {{ rate_periods_flagging_overlaps('rate_periods') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_filtered') }}

),

file_loads as {{ inline }} (

    -- a corrected week file re-sent under the same name replaces the earlier load
    {{ latest_load_of_each_file('timesheet_loads') }}

),

file_states as (

    -- what each file holds now: a new load or a quarantined row changes its count or checksum
    select
        source_file,
        count(*) as source_file_rows,
        sum({{ content_hash([
            'entry_id', 'employee_id', 'project_id', 'time_category', 'hours', 'work_date',
            'source_row', 'extract_date', 'loaded_at'
        ]) }}) as source_file_checksum
    from timesheet_loads
    group by source_file

),

employee_rate_states as (

    select
        employee_id,
        sum({{ content_hash([
            'cost_rate_local', 'cost_currency', 'active_from_date', 'active_to_date'
        ]) }}) as rate_periods_checksum
    from rate_periods
    group by employee_id

),

{%- endset -%}

{%- set costing_sql -%}

repeated_entries as (

    -- an entry in several files: the latest extract wins. Ranked only for the entries that are
    -- in more than one file, on their key columns: ranking all 10 M rows with every column took
    -- most of the model's time
    select
        entry_id,
        true as is_repeated
    from entries_in_scope
    group by entry_id
    having count(*) > 1

),

latest_files_of_repeated_entries as (

    select
        entry_id,
        source_file
    from (
        select
            entries_in_scope.entry_id,
            entries_in_scope.source_file,
            row_number() over (
                partition by entries_in_scope.entry_id
                order by entries_in_scope.extract_date desc, entries_in_scope.source_file desc
            ) as entry_recency_rank
        from entries_in_scope
        inner join repeated_entries
            on entries_in_scope.entry_id is not distinct from repeated_entries.entry_id
    ) as ranked_loads
    where entry_recency_rank = 1

),

timesheets as (

    -- (entry_id, source_file) is unique here: file_loads keeps one load of each file, and the
    -- staged rows are tested unique on (entry_id, source_file, source_file_hash)
    select entries_in_scope.*
    from entries_in_scope
    left join repeated_entries
        on entries_in_scope.entry_id is not distinct from repeated_entries.entry_id
    left join latest_files_of_repeated_entries
        on
            entries_in_scope.entry_id is not distinct from latest_files_of_repeated_entries.entry_id
            and entries_in_scope.source_file = latest_files_of_repeated_entries.source_file
    where
        repeated_entries.is_repeated is null
        or latest_files_of_repeated_entries.source_file is not null

),

matched_rates as (

    select
        timesheets.entry_id,
        timesheets.employee_id,
        timesheets.work_date,
        timesheets.project_id,
        timesheets.time_category,
        timesheets.hours,
        timesheets.source_file,
        timesheets.source_row,
        flagged_rate_periods.cost_rate_local,
        flagged_rate_periods.cost_currency,
        flagged_rate_periods.active_from_date as rate_active_from_date,
        flagged_rate_periods.overlaps_another_period
    from timesheets
    left join flagged_rate_periods
        on
            timesheets.employee_id = flagged_rate_periods.employee_id
            and timesheets.work_date >= flagged_rate_periods.active_from_date
            and (
                flagged_rate_periods.active_to_date is null
                or timesheets.work_date <= flagged_rate_periods.active_to_date
            )

),

rated as (

    -- overlapping periods (a change entered with the old period's end on the same day): the most
    -- recently started period wins; an entry with no covering period keeps its one row, with a
    -- null rate
    {{ latest_period_match('matched_rates', ['entry_id'], 'rate_active_from_date') }}

),

costed as (

    select
        entry_id,
        employee_id,
        work_date,
        project_id,
        time_category,
        hours,
        cost_rate_local,
        cost_currency,
        rate_active_from_date,
        source_file,
        source_row,
        hours * cost_rate_local as labour_cost_local,
        cast({{ dbt.date_trunc('month', 'work_date') }} as date) as month_start_date
    from rated

),

converted as (

    select
        costed.entry_id,
        costed.employee_id,
        costed.work_date,
        costed.project_id,
        costed.time_category,
        costed.hours,
        costed.cost_rate_local,
        costed.cost_currency,
        costed.rate_active_from_date,
        costed.labour_cost_local,
        costed.month_start_date,
        costed.source_file,
        costed.source_row,
        fx_rates.average_rate as fx_rate,
        -- stays null when the month's rate is missing: never assumed to be 1.0
        {{ to_money('costed.labour_cost_local * fx_rates.average_rate') }} as labour_cost
    from costed
    left join fx_rates
        on
            costed.cost_currency = fx_rates.from_currency
            and costed.month_start_date = fx_rates.rate_month

),

{%- endset -%}

{%- set final_sql -%}

final as (

    select
        converted.*,
        file_states.source_file_rows,
        file_states.source_file_checksum,
        employee_rate_states.rate_periods_checksum,
        '{{ "{costing_logic_checksum}" }}' as costing_logic_checksum,
        false as is_deleted
    from converted
    left join file_states
        on converted.source_file = file_states.source_file
    left join employee_rate_states
        on converted.employee_id = employee_rate_states.employee_id

)

{%- endset -%}

{#- the costing as rendered (macros and all) except which entries it reads; the relations' names
    without the database's, which follows the warehouse file's name (a moved file recosts nothing);
    without the full build's read-where-used hint -#}
{%- set logic_sql = (inputs_sql ~ costing_sql ~ final_sql)
    | replace(adapter.quote(this.database) ~ '.', '')
    | replace(' as ' ~ inline ~ ' (', ' as  (') %}
{%- set logic_checksum = local_md5(logic_sql) %}

with

{{ inputs_sql }}

{% if is_incremental() %}

{#- a table built before a state column existed (an upgrade) reads it as null: every entry recosts -#}
{%- set columns_before = adapter.get_columns_in_relation(this) | map(attribute='name') | list %}

costed_before as (

    select
        {%- for column in [
            'entry_id', 'employee_id', 'source_file', 'source_file_rows', 'source_file_checksum',
            'rate_periods_checksum', 'cost_currency', 'month_start_date', 'fx_rate',
            'costing_logic_checksum'
        ] %}
        {{ column if column in columns_before else 'null as ' ~ column }}
        {{- "," if not loop.last }}
        {%- endfor %}
    from {{ this }}

),

files_before as (

    select
        source_file,
        min(source_file_rows) as min_rows,
        max(source_file_rows) as max_rows,
        min(source_file_checksum) as min_checksum,
        max(source_file_checksum) as max_checksum
    from costed_before
    group by source_file

),

changed_files as (

    -- new, gone, or holding other rows than when its entries were costed (a file whose every
    -- entry lost to a later extract has no entry here and is re-read each run: a few rows)
    select coalesce(file_states.source_file, files_before.source_file) as source_file
    from file_states
    full outer join files_before
        on file_states.source_file = files_before.source_file
    where
        file_states.source_file is null
        or files_before.source_file is null
        or files_before.min_rows is distinct from file_states.source_file_rows
        or files_before.max_rows is distinct from file_states.source_file_rows
        or files_before.min_checksum is distinct from file_states.source_file_checksum
        or files_before.max_checksum is distinct from file_states.source_file_checksum

),

affected_entries as (

    select timesheet_loads.entry_id
    from timesheet_loads
    inner join changed_files
        on timesheet_loads.source_file = changed_files.source_file

    union

    select costed_before.entry_id
    from costed_before
    left join changed_files
        on costed_before.source_file = changed_files.source_file
    left join employee_rate_states
        on costed_before.employee_id = employee_rate_states.employee_id
    left join fx_rates
        on
            costed_before.cost_currency = fx_rates.from_currency
            and costed_before.month_start_date = fx_rates.rate_month
    where
        changed_files.source_file is not null
        or costed_before.costing_logic_checksum is distinct from '{{ logic_checksum }}'
        or costed_before.rate_periods_checksum
        is distinct from employee_rate_states.rate_periods_checksum
        or (
            costed_before.cost_currency is not null
            and costed_before.fx_rate is distinct from fx_rates.average_rate
        )

),

{% endif %}

entries_in_scope as {{ inline }} (

    select file_loads.*
    from file_loads
    {% if is_incremental() %}
        inner join affected_entries
            on file_loads.entry_id = affected_entries.entry_id
    {% endif %}

),

{{ costing_sql }}

{{ final_sql | replace('{costing_logic_checksum}', logic_checksum) }}

select * from final

{% if is_incremental() %}

-- an affected entry left with no load: its row is deleted, nothing inserted (by name: the
-- columns it does not name are null; the branch renders only on DuckDB)
union all by name

select
    affected_entries.entry_id,
    true as is_deleted
from affected_entries
where not exists (
    select 1 from final
    where final.entry_id = affected_entries.entry_id
)

{% endif %}
