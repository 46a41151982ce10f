{#-
    A custom incremental strategy (`incremental_strategy='replace_keys'`): the batch the model
    selected on an incremental run holds the rows of every key it recomputed, and every key it
    holds replaces all of the target's rows of that key. A batch row with `is_deleted` true only
    deletes: the key has no rows any more (a timesheet entry whose file was re-sent without it,
    or whose row was quarantined; a person's week left with no day), which dbt's delete+insert
    cannot express, since it deletes only keys it then inserts.

    `unique_key` is one column (int_timesheet_entries_costed: entry_id) or several
    (int_employee_days_expanded: employee_id and iso_week_start_date, many rows a key).

    The target keeps `is_deleted` as a column (always false there), so the batch and the table
    have the same columns and dbt's on_schema_change compares them as they are.
-#}
{% macro get_incremental_replace_keys_sql(arg_dict) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set batch = arg_dict['temp_relation'] -%}
    {%- set key = arg_dict['unique_key'] -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    {%- if key is string %}
    delete from {{ target }}
    where {{ key }} in (select {{ key }} from {{ batch }});
    {%- else %}
    delete from {{ target }}
    where exists (
        select 1 from {{ batch }} as replacing
        where
            {%- for column in key %}
            replacing.{{ column }} is not distinct from {{ target }}.{{ column }}
            {{- " and" if not loop.last }}
            {%- endfor %}
    );
    {%- endif %}

    insert into {{ target }} ({{ columns }})
    select {{ columns }}
    from {{ batch }}
    where not is_deleted
{%- endmacro %}
