{#-
    Round a number to `decimals` decimal places, ties away from zero (ROUND_HALF_UP as in Java's
    RoundingMode, Python's decimal and Excel's ROUND: 0.5 -> 1, -32.5 -> -33), as a double.

    The publishers print percentages rounded this way, but the value to round comes out of
    binary floating point: (8.04 - 8) / 8 * 100 is 0.49999999999998934 as a double, which round()
    (on DuckDB and Spark alike) takes to 0 although the decimal value is exactly 0.5. A slack of
    1e-9 of the last kept unit is added before flooring, so a tie within float noise rounds up;
    no real value lies that close to a tie at the publishers' precision (money in 2 decimals).
    Null stays null; -0.4 gives 0, not the negative zero a unary minus would (0 - 0.0 = +0.0).
    Portable: only floor, arithmetic and case.
-#}
{% macro round_half_up(expression, decimals=0) -%}
    {%- set scale = 10 ** decimals -%}
    cast(
        case
            when ({{ expression }}) < 0
                then (0 - floor(-({{ expression }}) * {{ scale }} + 0.5 + 1e-9)) / {{ scale }}
            else floor(({{ expression }}) * {{ scale }} + 0.5 + 1e-9) / {{ scale }}
        end as {{ type_double() }}
    )
{%- endmacro %}
