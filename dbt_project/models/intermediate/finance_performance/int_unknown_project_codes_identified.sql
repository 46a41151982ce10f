-- GL lines and timesheet entries booked to a project code that no projects extract has ever
-- contained. The quality gate already rejects such codes; this is the second line of defence.

with

gl_lines as (

    select * from {{ ref('int_gl_lines_converted') }}

),

timesheet_entries as (

    select * from {{ ref('int_timesheet_entries_costed') }}

),

projects as (

    select * from {{ ref('int_projects_deduplicated') }}

),

coded_lines as (

    select
        'gl_actuals' as source_system,
        project_id,
        period_month as month_start_date,
        amount,
        cast(null as {{ type_double() }}) as hours
    from gl_lines
    where project_id is not null

    union all

    select
        'timesheets' as source_system,
        project_id,
        month_start_date,
        labour_cost as amount,
        hours
    from timesheet_entries
    where project_id is not null

),

unknown_lines as (

    select coded_lines.*
    from coded_lines
    left join projects
        on coded_lines.project_id = projects.project_id
    where projects.project_id is null

),

monthly as (

    select
        source_system,
        project_id,
        month_start_date,
        count(*) as line_count,
        {{ strict_sum('amount') }} as amount,
        sum(hours) as hours
    from unknown_lines
    group by source_system, project_id, month_start_date

),

per_code as (

    select
        source_system,
        project_id,
        min(month_start_date) as first_month_start_date,
        max(month_start_date) as last_month_start_date,
        count(*) as month_count,
        sum(line_count) as line_count,
        {{ strict_sum('amount') }} as amount,
        sum(hours) as hours,
        {{ sorted_string_agg(month_label('month_start_date'), ', ') }} as months,
        {{ sorted_string_agg(
            dbt.concat([
                month_label('month_start_date'), "': '",
                "coalesce(" ~ money_text('amount') ~ ", 'not converted (no FX rate)')",
            ]),
            '; ',
        ) }} as monthly_amounts
    from monthly
    group by source_system, project_id

),

final as (

    select
        'unknown_project_code' as finding_type,
        project_id,
        source_system,
        cast(null as {{ dbt.type_int() }}) as fiscal_year,
        first_month_start_date,
        last_month_start_date,
        cast(month_count as {{ dbt.type_int() }}) as month_count,
        months,
        monthly_amounts,
        amount,
        hours,
        {{ dbt.concat([
            "'Project code not in any projects extract: '",
            'cast(line_count as ' ~ dbt.type_string() ~ ')',
            "case when source_system = 'gl_actuals' then ' GL lines' else ' timesheet entries'"
            ~ " end",
            "' in '", 'months',
            "coalesce("
            ~ dbt.concat(["' totalling '", money_text('amount'), "' " ~ reporting_currency() ~ "'"])
            ~ ", '')",
            "case when hours is null then '' else "
            ~ dbt.concat(["' ('", 'cast(hours as ' ~ dbt.type_string() ~ ')', "' hours)'"])
            ~ " end",
            "'; left out of the finance marts.'",
        ]) }} as evidence
    from per_code

)

select * from final
