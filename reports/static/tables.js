/*
  Find, filter and sort the report's tables. Progressive enhancement: without this file every
  table is complete (all rows, the page's order), and its CSV download under it still works.
  - Sort: every table in <main> with one header row and one body sorts by a click (or Enter/Space)
    on a column header, toggling the order. A dividing row (one cell across the columns: the
    prioritization's waterline) is hidden while the rows are in another order than the page's. Numbers sort by the cell's raw data-v value, or by the
    number the cell shows ("$1,234", "-5.0%"); anything else as text.
  - Find and filter: a table.filterable lists projects, each row carrying the project's facets
    (data-portfolio, data-program, data-sponsor, data-manager, data-reported, data-computed,
    data-status) and data-id / data-name. It gets a search box (name or id) and one drop-down per
    facet that has a value, built from the rows themselves, so a filter never offers a value the
    table does not hold.
  - Narrow screens: a table.stack-narrow gets its column names on its cells (data-label) and
    class "labelled": report.css then shows it as one card per row below 40rem.
  - Scroll cue: a table wider than its box gets a line above it saying that it scrolls sideways
    (at 390 px most do); the box itself scrolls with or without this file.
  - Links: URL parameters set the filters when the page opens, so another page can link to a
    filtered list: projects.html?portfolio=Infrastructure&computed=Red (names as in FACETS, and
    q for the search).
  No network, no inline style or script, no eval: works under the page's CSP.
*/
(function () {
  "use strict";

  // [URL parameter and data attribute suffix, label]
  var FACETS = [
    ["portfolio", "Portfolio"],
    ["program", "Program"],
    ["sponsor", "Sponsor"],
    ["manager", "Project manager"],
    ["reported", "Reported RAG"],
    ["computed", "Computed RAG"],
    ["status", "Status"]
  ];
  var SHOWN_NUMBER = /^(-?)(?:[A-Z]{3}|[^\d.\-]{0,2})(\d+(?:\.\d+)?)(?:%|d|[^\d]{0,2})$/;

  function cellValue(cell) {
    var raw = cell.getAttribute("data-v");
    if (raw !== null && raw !== "") {
      var n = Number(raw);
      if (!isNaN(n)) { return n; }
    }
    var text = cell.textContent.trim();
    var shown = text.replace(/[\s,\u00a0]/g, "").replace(/^\u2212/, "-").match(SHOWN_NUMBER);
    if (shown) { return Number(shown[1] + shown[2]); }
    return text.toLowerCase();
  }

  function compare(x, y, ascending) {
    var both = typeof x === "number" && typeof y === "number";
    var order;
    if (both) {
      order = x - y;
    } else if (typeof x === "number" || typeof y === "number") {
      order = typeof x === "number" ? -1 : 1;  // a value before "no value" (an em dash)
      return order;
    } else {
      order = String(x).localeCompare(String(y));
    }
    return ascending ? order : -order;
  }

  // A row spanning the columns divides the body (the prioritization's waterline): its place is
  // its meaning, so it shows only while the rows are in the page's own order.
  function isDivider(row) {
    return row.cells.length === 1 && row.cells[0].colSpan > 1;
  }

  function sortBy(table, index, header, original) {
    var body = table.tBodies[0];
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var rows = Array.prototype.filter.call(body.rows, function (row) { return !isDivider(row); });
    rows.sort(function (a, b) {
      var x = a.cells[index] ? cellValue(a.cells[index]) : "";
      var y = b.cells[index] ? cellValue(b.cells[index]) : "";
      return compare(x, y, ascending);
    });
    var plain = original.filter(function (row) { return !isDivider(row); });
    var inOrder = rows.every(function (row, i) { return row === plain[i]; });
    (inOrder ? original : rows).forEach(function (row) { body.appendChild(row); });
    original.filter(isDivider).forEach(function (row) {
      row.hidden = !inOrder;
      if (!inOrder) { body.appendChild(row); }
    });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      th.removeAttribute("aria-sort");
    });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  function makeSortable(table) {
    if (!table.tHead || table.tHead.rows.length !== 1 || table.tBodies.length !== 1) { return; }
    if (table.tBodies[0].rows.length < 2) { return; }
    var original = Array.prototype.slice.call(table.tBodies[0].rows);
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      if (th.colSpan > 1) { return; }
      th.tabIndex = 0;
      th.classList.add("sortable-header");
      th.title = "Sort by this column";
      th.addEventListener("click", function () { sortBy(table, index, th, original); });
      th.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          sortBy(table, index, th, original);
        }
      });
    });
  }

  function projectRows(table) {
    return Array.prototype.filter.call(table.tBodies[0].rows, function (row) {
      return row.hasAttribute("data-id");
    });
  }

  function distinct(rows, attribute) {
    var seen = {};
    rows.forEach(function (row) {
      var value = row.getAttribute(attribute);
      if (value) { seen[value] = true; }
    });
    return Object.keys(seen).sort(function (a, b) { return a.localeCompare(b); });
  }

  // Everything this file adds is a control, not content: data-enhancement says so (the browser
  // tests compare a page's text with and without JavaScript without it).
  function element(tag, className, text) {
    var node = document.createElement(tag);
    node.setAttribute("data-enhancement", "");
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function labelled(form, id, label, control) {
    var field = element("div", "filter-field");
    var caption = element("label", null, label);
    caption.htmlFor = id;
    control.id = id;
    field.appendChild(caption);
    field.appendChild(control);
    form.appendChild(field);
  }

  function makeFilterable(table, number, params) {
    if (!table.tBodies.length) { return; }
    var rows = projectRows(table);
    if (!rows.length) { return; }
    var prefix = (table.id || "table-" + number) + "-filter-";
    var form = element("form", "table-filter");
    form.setAttribute("role", "search");
    form.setAttribute("aria-label", "Find and filter the projects in this table");
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    var search = element("input");
    search.type = "search";
    search.name = "q";
    search.placeholder = "name or id";
    search.value = params.get("q") || "";
    labelled(form, prefix + "q", "Search", search);
    var selects = [];
    FACETS.forEach(function (facet) {
      var attribute = "data-" + facet[0];
      var values = distinct(rows, attribute);
      var wanted = params.get(facet[0]);
      if (wanted && values.indexOf(wanted) < 0) { values.push(wanted); }  // shows "0 of N"
      if (!values.length) { return; }
      var select = element("select");
      select.name = facet[0];
      select.appendChild(element("option", null, "All"));
      select.options[0].value = "";
      values.forEach(function (value) {
        var option = element("option", null, value);
        option.value = value;
        select.appendChild(option);
      });
      select.value = wanted || "";
      selects.push({ attribute: attribute, select: select });
      labelled(form, prefix + facet[0], facet[1], select);
    });
    var reset = element("button", "filter-reset", "Show all");
    reset.type = "button";
    form.appendChild(reset);
    var count = element("p", "filter-count");
    count.setAttribute("role", "status");
    count.setAttribute("aria-live", "polite");

    function apply() {
      var needle = search.value.trim().toLowerCase();
      var shown = 0;
      rows.forEach(function (row) {
        var text = (row.getAttribute("data-id") + " " + (row.getAttribute("data-name") || ""));
        var match = !needle || text.toLowerCase().indexOf(needle) >= 0;
        selects.forEach(function (s) {
          if (s.select.value && row.getAttribute(s.attribute) !== s.select.value) { match = false; }
        });
        row.hidden = !match;
        if (match) { shown += 1; }
      });
      count.textContent = "Showing " + shown + " of " + rows.length + " projects";
      table.setAttribute("data-shown", String(shown));
    }

    search.addEventListener("input", apply);
    selects.forEach(function (s) { s.select.addEventListener("change", apply); });
    reset.addEventListener("click", function () {
      search.value = "";
      selects.forEach(function (s) { s.select.value = ""; });
      apply();
    });
    var anchor = table.closest(".table-scroll") || table;
    anchor.parentNode.insertBefore(form, anchor);
    anchor.parentNode.insertBefore(count, anchor);
    apply();
  }

  function labelCells(table) {
    if (!table.tHead || table.tHead.rows.length !== 1 || !table.tBodies.length) { return; }
    var names = Array.prototype.map.call(table.tHead.rows[0].cells, function (th) {
      return th.textContent.trim();
    });
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      Array.prototype.forEach.call(row.cells, function (cell, index) {
        if (names[index] && cell.colSpan === 1) { cell.setAttribute("data-label", names[index]); }
      });
    });
    table.classList.add("labelled");
  }

  function markScrolling() {
    document.querySelectorAll("main .table-scroll").forEach(function (box) {
      var cue = box.previousElementSibling;
      var has = cue && cue.classList.contains("scroll-cue");
      var wide = box.scrollWidth > box.clientWidth + 1;
      if (wide && !has) {
        cue = element("p", "scroll-cue", "Wide table: scroll sideways for more columns \u2192");
        box.parentNode.insertBefore(cue, box);
      } else if (!wide && has) {
        cue.remove();
      }
    });
  }

  function start() {
    var params = new URLSearchParams(window.location.search);
    document.querySelectorAll("main table.filterable").forEach(function (table, number) {
      makeFilterable(table, number, params);
    });
    document.querySelectorAll("main table").forEach(makeSortable);
    document.querySelectorAll("main table.stack-narrow").forEach(labelCells);
    markScrolling();
    window.addEventListener("resize", markScrolling);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
