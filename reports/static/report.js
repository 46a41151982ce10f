/*
  Progressive enhancements for the static report; every page is complete without this file.
  (Sorting and filtering every table is static/tables.js's job, loaded on every page.)
  - Charts on the project one-pagers: figure.vl-chart[data-chart][data-table] is drawn with the
    local Vega bundle (static/vega-bundle-*.js, loaded before this file) from the table named by
    data-table, so the chart and its table always show the same numbers. The figure gets
    role="img" and its data-alt as the accessible name. No network, no eval (Vega's expression
    interpreter, ast: true), no inline style or script: works under the page's CSP.
  - The S-curve, figure.s-curve[data-s-curve][data-table]: the compiled Vega spec vl-convert
    renders for the printed one-pagers (static/s-curve-spec-*.js, window.portfolioSCurve) with
    its data sets filled in here: "curve" from the table's rows (data-x: the month's first day),
    "refs" and "cut" from data-s-curve (pipelines/report/s_curve_browser.py).
*/
(function () {
  "use strict";

  // isoMonth: x is the row's data-x (an ISO date for a time axis), not the month as shown
  function tableRecords(table, isoMonth) {
    var headers = table.tHead.rows[0].cells;
    var series = [];
    Array.prototype.forEach.call(headers, function (th, index) {
      var name = th.getAttribute("data-series");
      if (name) { series.push({ name: name, index: index }); }
    });
    var records = [];
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      var x = row.cells[0] && row.cells[0].getAttribute("data-x");
      if (!x) { return; }
      if (!isoMonth) {
        x = row.cells[0].textContent.trim();  // the month as the page shows it: no time zones
      }
      series.forEach(function (s) {
        var raw = row.cells[s.index] && row.cells[s.index].getAttribute("data-v");
        if (raw !== null && raw !== "") {
          records.push({ month: x, series: s.name, amount: Number(raw) });
        }
      });
    });
    return { records: records, series: series.map(function (s) { return s.name; }) };
  }

  function chartSpec(kind, data, currency, alt) {
    var colours = ["#9ecae1", "#e6550d", "#08519c"];
    var base = {
      description: alt,  // Vega labels the chart with it (its default: "Vega visualization")
      data: { values: data.records },
      width: 640,
      height: 220,
      config: { view: { stroke: null }, legend: { orient: "top" } }
    };
    var x = { field: "month", type: "ordinal", sort: null, title: null, axis: { labelAngle: -40 } };
    var y = {
      field: "amount", type: "quantitative", title: "Amount (" + currency + ")",
      axis: { format: ",.3~s" }
    };
    var colour = {
      field: "series", type: "nominal", title: null,
      scale: { domain: data.series, range: colours.slice(3 - data.series.length) }
    };
    if (kind === "stacked") {
      base.mark = { type: "bar" };
      base.encoding = { x: x, y: y, color: colour };
    } else {
      base.mark = { type: "line", point: true };
      base.encoding = {
        x: x, y: y, color: colour,
        strokeDash: { field: "series", type: "nominal", legend: null }
      };
    }
    return base;
  }

  function chartTarget(fig) {
    var target = document.createElement("div");
    target.className = "vl-target";
    target.setAttribute("role", "img");
    target.setAttribute("aria-label", fig.getAttribute("data-alt") || "Chart");
    fig.insertBefore(target, fig.firstChild);
    return target;
  }

  function sCurveSpec(fig, table) {
    var specs = window.portfolioSCurve;
    var extra = JSON.parse(fig.getAttribute("data-s-curve"));
    var curve = tableRecords(table, true).records;
    if (!specs || !curve.length) { return null; }
    var spec = JSON.parse(JSON.stringify(extra.long ? specs.long : specs.short));
    spec.description = fig.getAttribute("data-alt") || "S-curve";  // Vega's aria-label
    var values = { curve: curve, refs: extra.refs, cut: extra.cut };
    spec.data.forEach(function (entry) {
      if (values[entry.name]) { entry.values = values[entry.name]; }
    });
    return spec;
  }

  function drawSCurves() {
    document.querySelectorAll("figure.s-curve[data-s-curve][data-table]").forEach(function (fig) {
      var table = document.getElementById(fig.getAttribute("data-table"));
      if (!table || !table.tHead || !table.tBodies.length) { return; }
      var spec = sCurveSpec(fig, table);
      if (!spec) { return; }
      var target = chartTarget(fig);
      window.vegaEmbed(target, spec, {
        mode: "vega", renderer: "svg", actions: false, ast: true, defaultStyle: false,
        tooltip: false, formatLocale: window.portfolioSCurve.locale
      }).catch(function () { target.remove(); });
    });
  }

  function drawCharts() {
    if (typeof window.vegaEmbed !== "function") { return; }
    drawSCurves();
    document.querySelectorAll("figure.vl-chart[data-chart][data-table]").forEach(function (fig) {
      var table = document.getElementById(fig.getAttribute("data-table"));
      if (!table || !table.tHead || !table.tBodies.length) { return; }
      var data = tableRecords(table);
      if (!data.records.length) { return; }
      var target = chartTarget(fig);
      var alt = fig.getAttribute("data-alt") || "Chart";
      var currency = fig.getAttribute("data-currency") || "";
      window.vegaEmbed(target, chartSpec(fig.getAttribute("data-chart"), data, currency, alt), {
        renderer: "svg", actions: false, ast: true, defaultStyle: false, tooltip: false
      }).catch(function () { target.remove(); });
    });
  }

  function start() {
    drawCharts();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
