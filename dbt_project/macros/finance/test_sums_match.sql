{#-
    Reconciliation test: the sum of `column_name` in the model equals the sum of `to_column` in
    the relation `to`, per group (group_by on the model, to_group_by on `to`, same order; none =
    grand totals). Optional SQL filters: model_filter, to_filter. A group present on one side only
    is compared with 0. Returns one row per group whose sums differ by more than `tolerance`.

    Used to prove that the finance marts tie to the cost-performance marts and that roll-up rows
    equal the sum of their parts.
-#}
{% test sums_match(
    model,
    column_name,
    to,
    to_column,
    group_by=none,
    to_group_by=none,
    model_filter=none,
    to_filter=none,
    tolerance=0.005
) %}

{%- set keys = group_by or [] -%}
{%- set to_keys = to_group_by or keys -%}

with

model_sums as (

    select
        {%- for key in keys %}
        {{ key }} as group_key_{{ loop.index }},
        {%- endfor %}
        sum({{ column_name }}) as model_total
    from {{ model }}
    {%- if model_filter %}
    where {{ model_filter }}
    {%- endif %}
    {%- if keys %}
    group by {{ keys | join(', ') }}
    {%- endif %}

),

to_sums as (

    select
        {%- for key in to_keys %}
        {{ key }} as group_key_{{ loop.index }},
        {%- endfor %}
        sum({{ to_column }}) as to_total
    from {{ to }}
    {%- if to_filter %}
    where {{ to_filter }}
    {%- endif %}
    {%- if to_keys %}
    group by {{ to_keys | join(', ') }}
    {%- endif %}

),

compared as (

    select
        {%- for key in keys %}
        coalesce(model_sums.group_key_{{ loop.index }}, to_sums.group_key_{{ loop.index }})
            as group_key_{{ loop.index }},
        {%- endfor %}
        model_sums.model_total,
        to_sums.to_total
    from model_sums
    full outer join to_sums
        on
        {%- for key in keys %}
            {{ 'and ' if not loop.first }}model_sums.group_key_{{ loop.index }}
            = to_sums.group_key_{{ loop.index }}
        {%- else %}
            1 = 1
        {%- endfor %}

)

select * from compared
where abs(coalesce(model_total, 0) - coalesce(to_total, 0)) > {{ tolerance }}

{% endtest %}
