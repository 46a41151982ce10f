{#-
    dbt-spark's seed loader (1.11.0), with the text values escaped: its session and thrift
    connections paste each value between single quotes without escaping it, so a seed value
    holding a quote ("New Year's Day" in seeds/public_holidays.csv) breaks the insert. Backslash
    and quote get a backslash, as Spark's string literals read them. ODBC binds values itself
    (`?`): left as they are. Otherwise the same as dbt-spark's spark__load_csv_rows, which this
    project's macro of the same name takes precedence over.
-#}
{% macro spark__load_csv_rows(model, agate_table) %}

  {% set batch_size = get_batch_size() %}
  {% set column_override = model['config'].get('column_types', {}) %}
  {% set escape = target.method != 'odbc' %}

  {% set statements = [] %}

  {% for chunk in agate_table.rows | batch(batch_size) %}
      {% set bindings = [] %}

      {% for row in chunk %}
          {% for value in row %}
              {% if escape and value is string %}
                  {% do bindings.append(value.replace('\\', '\\\\').replace("'", "\\'")) %}
              {% else %}
                  {% do bindings.append(value) %}
              {% endif %}
          {% endfor %}
      {% endfor %}

      {% set sql %}
          insert into {{ this.render() }} values
          {% for row in chunk -%}
              ({%- for col_name in agate_table.column_names -%}
                  {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
                  {%- set type = column_override.get(col_name, inferred_type) -%}
                    cast({{ get_binding_char() }} as {{type}})
                  {%- if not loop.last%},{%- endif %}
              {%- endfor -%})
              {%- if not loop.last%},{%- endif %}
          {%- endfor %}
      {% endset %}

      {% do adapter.add_query(sql, bindings=bindings, abridge_sql_log=True) %}

      {% if loop.index0 == 0 %}
          {% do statements.append(sql) %}
      {% endif %}
  {% endfor %}

  {# Return SQL so we can render it out into the compiled files #}
  {{ return(statements[0]) }}
{% endmacro %}
