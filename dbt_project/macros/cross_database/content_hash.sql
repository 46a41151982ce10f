{#-
    A 64-bit (DuckDB) or 32-bit (Spark) hash of the given columns' values, nulls included: summed
    over a group's rows it is a checksum that changes when a row is added, removed or altered
    (order-free, so it needs no sort). Both engines name the function `hash`; it is compared only
    with values the same engine computed.
-#}
{% macro content_hash(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}
