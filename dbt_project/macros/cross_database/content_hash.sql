{#-
    A 64-bit (DuckDB) or 32-bit (Spark) hash of the given columns' values in order: summed over a
    group's rows it is a checksum that changes when a row is added, removed or altered (order-free,
    so it needs no sort). DuckDB hashes a null as a value of its own; Spark's `hash` skips nulls,
    so there a null in one column and another can collide. Both engines name the function `hash`;
    a checksum is compared only with one the same engine computed, and only DuckDB builds
    incrementally.
-#}
{% macro content_hash(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}
