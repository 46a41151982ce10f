{#-
    A custom incremental strategy (`incremental_strategy='replace_keys'`): the batch the model
    selected on an incremental run holds one row per key it recomputed, and every key it holds
    replaces the target's rows of that key. A batch row with `is_deleted` true only deletes: the
    key's entry no longer exists (its file was re-sent without it, or its row was quarantined),
    which dbt's delete+insert cannot express, since it deletes only keys it then inserts.

    The target keeps `is_deleted` as a column (always false there), so the batch and the table
    have the same columns and dbt's on_schema_change compares them as they are.
-#}
{% macro get_incremental_replace_keys_sql(arg_dict) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set batch = arg_dict['temp_relation'] -%}
    {%- set key = arg_dict['unique_key'] -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ target }}
    where {{ key }} in (select {{ key }} from {{ batch }});

    insert into {{ target }} ({{ columns }})
    select {{ columns }}
    from {{ batch }}
    where not is_deleted
{%- endmacro %}
