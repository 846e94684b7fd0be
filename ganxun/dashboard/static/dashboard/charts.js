/* Draws the dashboard's charts with ECharts from the numbers the page carries (a json_script beside each chart);
 * the table behind each chart stays in the page for screen readers and print, shown on request. */
(function () {
  "use strict";
  if (typeof window.echarts === "undefined") { return; }
  var COLOURS = ["#0d6efd", "#20c997", "#fd7e14", "#6f42c1", "#d63384", "#0dcaf0", "#6c757d"];
  var FONT = '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", system-ui, sans-serif';
  var narrow = window.matchMedia("(max-width: 575.98px)");

  function option(spec) {
    var percent = spec.unit === "%";
    var drawn = spec.series.filter(function (s) { return !s.table_only; });
    var categoryAxis = {
      type: "category",
      data: spec.categories,
      axisTick: { alignWithLabel: true },
      axisLabel: { interval: 0, hideOverlap: !spec.horizontal, width: spec.horizontal ? 96 : 72, overflow: "truncate",
        rotate: !spec.horizontal && spec.categories.length > 6 && narrow.matches ? 45 : 0 }
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
      legend: { type: "scroll", top: 0, left: "center", itemWidth: 14, itemHeight: 10, textStyle: { fontSize: 12 } },
      grid: { left: 8, right: 20, top: 44, bottom: 8 },
      xAxis: spec.horizontal ? valueAxis : categoryAxis,
      yAxis: spec.horizontal ? Object.assign({ inverse: true }, categoryAxis) : valueAxis,
      series: series
    };
  }

  function draw(element) {
    var source = document.getElementById(element.dataset.chart);
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    var chart = window.echarts.init(element, null, { renderer: "svg" });
    chart.setOption(option(spec));
    element.dataset.drawn = "1";
    if (spec.links && spec.links.length) {
      chart.on("click", function (params) {
        var link = spec.links[params.dataIndex];
        if (link) { window.location.href = link; }
      });
    }
    if (window.ResizeObserver) {
      new ResizeObserver(function () { chart.resize(); }).observe(element);
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
