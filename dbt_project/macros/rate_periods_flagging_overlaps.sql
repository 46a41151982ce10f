{#-
    Every row of `rate_periods` (a CTE or relation with employee_id, active_from_date and a
    nullable active_to_date, unique on employee_id x active_from_date), with
    `overlaps_another_period`: whether it shares a day with another period of the same person.

    HR's effective-dated rows seldom overlap (a change entered with the old period's end on the
    same day), and where they do the most recently started period wins. A day, or an entry's work
    date, that falls in a period flagged false is in no other period, so only the matches of
    flagged periods need ranking; every period covering such a day is flagged too, so the ranking
    still sees them all. Ranking every match instead (a window over all 10 M timesheet entries and
    all expanded person-days) was half the time of the two models that use this.
-#}
{% macro rate_periods_flagging_overlaps(rate_periods) -%}
    select
        {{ rate_periods }}.*,
        overlapping_periods.employee_id is not null as overlaps_another_period
    from {{ rate_periods }}
    left join (
        select distinct
            this_period.employee_id,
            this_period.active_from_date
        from {{ rate_periods }} as this_period
        inner join {{ rate_periods }} as other_period
            on
                this_period.employee_id = other_period.employee_id
                and this_period.active_from_date != other_period.active_from_date
                and (
                    other_period.active_to_date is null
                    or this_period.active_from_date <= other_period.active_to_date
                )
                and (
                    this_period.active_to_date is null
                    or this_period.active_to_date >= other_period.active_from_date
                )
    ) as overlapping_periods
        on
            {{ rate_periods }}.employee_id = overlapping_periods.employee_id
            and {{ rate_periods }}.active_from_date = overlapping_periods.active_from_date
{%- endmacro %}


{#-
    One row per key of `matches` (rows of a CTE joined to `rate_periods_flagging_overlaps`'s
    periods, carrying `overlaps_another_period` and the period's start as `period_start`): the
    match of the most recently started period. Only the matches of flagged periods are ranked,
    partitioned by `key_columns` (a list); the others are the key's only match already, and a
    key that matched no period (a left join's null flag) keeps its one row. Adds
    `period_match_rank` (1 on every row returned).
-#}
{% macro latest_period_match(matches, key_columns, period_start) -%}
    select
        {{ matches }}.*,
        1 as period_match_rank
    from {{ matches }}
    where not coalesce({{ matches }}.overlaps_another_period, false)

    union all

    select * from (
        select
            {{ matches }}.*,
            row_number() over (
                partition by
                {%- for column in key_columns %} {{ matches }}.{{ column }}
                    {{- "," if not loop.last }}{% endfor %}
                order by {{ matches }}.{{ period_start }} desc
            ) as period_match_rank
        from {{ matches }}
        where {{ matches }}.overlaps_another_period
    ) as ranked_overlapping_matches
    where period_match_rank = 1
{%- endmacro %}
