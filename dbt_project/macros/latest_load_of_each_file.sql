{#-
    The rows of `loads` (a CTE or relation of loaded export rows with source_file and loaded_at)
    that come from each file name's latest load: a corrected file re-sent under the same name
    replaces its earlier load (pipelines/ingest/resend.py). Rows without a load time (none from
    the loader; loaded_at is tested not null) are kept.

    One definition of the rule for the four sources that can be re-sent (timesheets, ledger,
    HR, resource plan), where each model carried its own copy. On 1 M and 10 M timesheet rows it
    costs the same as the window `max(loaded_at) over (partition by source_file)` it replaces.
-#}
{% macro latest_load_of_each_file(loads) -%}
    select {{ loads }}.*
    from {{ loads }}
    left join (
        select
            source_file,
            max(loaded_at) as file_latest_loaded_at
        from {{ loads }}
        group by source_file
    ) as file_latest_loads
        on {{ loads }}.source_file = file_latest_loads.source_file
    where
        file_latest_loads.file_latest_loaded_at is null
        or {{ loads }}.loaded_at = file_latest_loads.file_latest_loaded_at
{%- endmacro %}
