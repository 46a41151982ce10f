with

dates as (

    select * from {{ ref('int_dates_generated') }}

),

with_day_of_week as (

    select
        date_day,
        {{ iso_day_of_week('date_day') }} as day_of_week
    from dates

),

final as (

    select
        date_day,
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start_date,
        cast(extract(year from date_day) as {{ dbt.type_int() }}) as calendar_year,
        cast(extract(month from date_day) as {{ dbt.type_int() }}) as calendar_month,
        cast(
            {{ dbt.dateadd('day', '1 - day_of_week', 'date_day') }} as date
        ) as iso_week_start_date,
        day_of_week,
        day_of_week <= 5 as is_weekday,
        {{ fiscal_year('date_day') }} as fiscal_year,
        {{ fiscal_quarter('date_day') }} as fiscal_quarter,
        {{ fiscal_period('date_day') }} as fiscal_period,
        {{ dbt.concat([
            "'FY'",
            "cast(" ~ fiscal_year('date_day') ~ " as " ~ dbt.type_string() ~ ")",
        ]) }} as fiscal_year_label
    from with_day_of_week

)

select * from final
