/* Draws the dashboard's charts with ECharts from the numbers the page carries (a json_script beside each chart);
 * the table behind each chart stays in the page for screen readers and print, shown on request. */
(function () {
  "use strict";
  if (typeof window.echarts === "undefined") { return; }
  var COLOURS = ["#0d6efd", "#20c997", "#fd7e14", "#6f42c1", "#d63384", "#0dcaf0", "#6c757d"];
  var FONT = '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", system-ui, sans-serif';
  var narrow = window.matchMedia("(max-width: 575.98px)");

  function option(spec, width) {
    var percent = spec.unit === "%";
    var drawn = spec.series.filter(function (s) { return !s.table_only; });
    var count = Math.max(spec.categories.length, 1);
    // Names wrap within their share of the width (a 科室 or a plan item's long title), never cut to "…".
    var labelWidth = spec.horizontal ? Math.min(140, Math.max(72, width * 0.3)) : Math.max(40, width / count - 10);
    var categoryAxis = {
      type: "category",
      data: spec.categories,
      axisTick: { alignWithLabel: true },
      axisLabel: { interval: narrow.matches && !spec.horizontal && count > 8 ? "auto" : 0, width: labelWidth, overflow: "break", lineHeight: 14, fontSize: narrow.matches ? 11 : 12 }
    };
    var valueAxis = {
      type: "value",
      name: spec.unit,
      max: percent ? 100 : null,
      minInterval: percent ? 0 : 1,
      splitLine: { lineStyle: { type: "dashed" } }
    };
    var series = drawn.map(function (s) {
      var line = s.type === "line";
      return {
        name: s.name,
        type: line ? "line" : "bar",
        data: s.data,
        stack: s.stack || undefined,
        barMaxWidth: 26,
        symbolSize: 6,
        lineStyle: line && !s.stack ? { width: 2, type: spec.unit === "%" ? "dashed" : "solid" } : undefined,
        emphasis: { focus: "series" }
      };
    });
    if (spec.mark && series.length) {
      var at = {};
      at[spec.horizontal ? "xAxis" : "yAxis"] = spec.mark.value;
      series[0].markLine = {
        silent: true, symbol: "none", data: [at],
        lineStyle: { type: "dashed", color: "#dc3545", width: 1.5 },
        label: { formatter: spec.mark.name + " " + spec.mark.value, position: "insideEndTop", color: "#dc3545" }
      };
    }
    return {
      color: COLOURS,
      textStyle: { fontFamily: FONT },
      animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true,
        valueFormatter: function (v) { return percent ? v + "%" : v; } },
      legend: { top: 0, left: "center", itemWidth: 14, itemHeight: 10, itemGap: 8, textStyle: { fontSize: 12 } },
      grid: { left: 8, right: 24, top: legendRows(drawn, width) * 22 + 26, bottom: 8 },
      xAxis: spec.horizontal ? valueAxis : categoryAxis,
      yAxis: spec.horizontal ? Object.assign({ inverse: true }, categoryAxis) : valueAxis,
      series: series
    };
  }

  function legendRows(drawn, width) {
    // About 13 px a character and 30 for the mark: how many lines the legend takes at this width.
    var total = drawn.reduce(function (sum, s) { return sum + s.name.length * 13 + 30; }, 0);
    return Math.max(1, Math.ceil(total / Math.max(width - 16, 100)));
  }

  function draw(element) {
    var source = document.getElementById(element.dataset.chart);
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    var chart = window.echarts.init(element, null, { renderer: "svg" });
    chart.setOption(option(spec, element.clientWidth));
    element.dataset.drawn = "1";
    if (spec.links && spec.links.length) {
      chart.on("click", function (params) {
        var link = spec.links[params.dataIndex];
        if (link) { window.location.href = link; }
      });
    }
    if (window.ResizeObserver) {
      new ResizeObserver(function () {
        chart.setOption(option(spec, element.clientWidth));
        chart.resize();
      }).observe(element);
    }
  }

  function toggles() {
    document.querySelectorAll("[data-dash-toggle]").forEach(function (button) {
      var table = document.getElementById(button.getAttribute("aria-controls"));
      var card = button.closest(".dash-card");
      if (!table || !card || !card.querySelector(".dash-chart")) { return; }
      var label = button.querySelector("span");
      function set(shown) {
        table.classList.toggle("visually-hidden", !shown);
        button.setAttribute("aria-expanded", shown ? "true" : "false");
        label.textContent = shown ? button.dataset.hide : button.dataset.show;
      }
      set(false);  // the chart is drawn: the table is kept for screen readers and print, shown on request
      button.classList.remove("d-none");
      button.addEventListener("click", function () { set(button.getAttribute("aria-expanded") !== "true"); });
    });
  }

  function start() {
    document.querySelectorAll(".dash-chart[data-chart]").forEach(draw);
    toggles();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
