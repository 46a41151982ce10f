-- Harvest and Clockify entries in the shape of the timesheet contract: an entry id made from the
-- file and line (the exports have none), the person's HR employee_id found by name (else a stable
-- tracker id), the project id from the export, 'Project' time when a project is set, else 'BAU'.

with

harvest_entries as (

    select * from {{ ref('stg_timetracker__harvest_time_entries') }}

),

clockify_entries as (

    select * from {{ ref('stg_timetracker__clockify_time_entries') }}

),

resources as (

    select * from {{ ref('stg_hr__resources') }}

),

hr_names as (

    -- a name resolves only when exactly one employee has it, in any HR extract
    select
        lower(trim(employee_name)) as person_name_key,
        min(employee_id) as employee_id
    from resources
    where nullif(trim(employee_name), '') is not null
    group by lower(trim(employee_name))
    having count(distinct employee_id) = 1

),

harvest_named as (

    select
        harvest_entries.*,
        case
            when harvest_entries.first_name is null then harvest_entries.last_name
            when harvest_entries.last_name is null then harvest_entries.first_name
            else {{ dbt.concat([
                'harvest_entries.first_name', "' '", 'harvest_entries.last_name'
            ]) }}
        end as person_name
    from harvest_entries

),

harvest_mapped as (

    select
        {{ dbt.concat([
            "'harvest:'",
            'substring(source_file_hash, 1, 12)',
            "':'",
            'cast(source_row as ' ~ dbt.type_string() ~ ')'
        ]) }} as entry_id,
        'harvest' as time_tracker,
        person_name,
        {{ dbt.concat(["'harvest:'", 'person_name']) }} as tracker_person_id,
        coalesce(project_code, project_name) as project_id,
        entry_notes as entry_comment,
        hours,
        work_date,
        source_file,
        source_file_hash,
        source_row,
        extract_date,
        loaded_at
    from harvest_named

),

clockify_mapped as (

    select
        {{ dbt.concat([
            "'clockify:'",
            'substring(source_file_hash, 1, 12)',
            "':'",
            'cast(source_row as ' ~ dbt.type_string() ~ ')'
        ]) }} as entry_id,
        'clockify' as time_tracker,
        user_name as person_name,
        {{ dbt.concat(["'clockify:'", 'coalesce(user_email, user_name)']) }} as tracker_person_id,
        project_name as project_id,
        entry_description as entry_comment,
        hours,
        start_date as work_date,
        source_file,
        source_file_hash,
        source_row,
        extract_date,
        loaded_at
    from clockify_entries

),

tracker_entries as (

    select * from harvest_mapped
    union all
    select * from clockify_mapped

),

resolved as (

    select
        tracker_entries.entry_id,
        tracker_entries.project_id,
        tracker_entries.entry_comment,
        tracker_entries.hours,
        tracker_entries.work_date,
        tracker_entries.time_tracker,
        tracker_entries.person_name,
        tracker_entries.tracker_person_id,
        tracker_entries.source_file,
        tracker_entries.source_file_hash,
        tracker_entries.source_row,
        tracker_entries.extract_date,
        tracker_entries.loaded_at,
        coalesce(hr_names.employee_id, tracker_entries.tracker_person_id) as employee_id,
        case
            when tracker_entries.project_id is not null then 'Project' else 'BAU'
        end as time_category,
        hr_names.employee_id is not null as is_matched_to_hr
    from tracker_entries
    left join hr_names
        on lower(tracker_entries.person_name) = hr_names.person_name_key

),

final as (

    select
        entry_id,
        employee_id,
        project_id,
        time_category,
        entry_comment,
        hours,
        work_date,
        time_tracker,
        person_name,
        tracker_person_id,
        is_matched_to_hr,
        source_file,
        source_file_hash,
        source_row,
        extract_date,
        loaded_at
    from resolved

)

select * from final
