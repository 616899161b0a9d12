// Dashboard charts (ECharts, Chinese locale). Data comes from json_script blocks named by
// data-source; no inline script anywhere (Content-Security-Policy: script-src 'self').
(function () {
  "use strict";

  if (typeof window.echarts === "undefined") {
    return;
  }

  function readData(element) {
    var source = document.getElementById(element.getAttribute("data-source"));
    return source ? JSON.parse(source.textContent) : null;
  }

  var COUNT_AXIS = { type: "value", name: "人数", minInterval: 1 };
  var PERCENT_AXIS = { type: "value", name: "覆盖率（%）", min: 0, max: 100 };
  var narrow = window.matchMedia("(max-width: 576px)").matches;

  function base(categories) {
    return {
      tooltip: { trigger: "axis" },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 8, top: 48, bottom: 8, containLabel: true },
      xAxis: {
        type: "category",
        data: categories,
        axisLabel: { interval: 0, rotate: narrow || categories.length > 8 ? 45 : 0 }
      }
    };
  }

  var builders = {
    // Towns side by side: counts on the left axis, coverage (%) on the right.
    towns: function (data) {
      var option = base(data.towns);
      option.yAxis = [COUNT_AXIS, PERCENT_AXIS];
      option.series = [
        { name: "在册", type: "bar", data: data.active },
        { name: "本周动态更新", type: "bar", data: data.updates },
        { name: "协议覆盖率", type: "bar", yAxisIndex: 1, data: data.agreement },
        { name: "走访覆盖率", type: "bar", yAxisIndex: 1, data: data.visits }
      ];
      return option;
    },
    // County totals over the stored weeks.
    trend: function (data) {
      var option = base(data.weeks);
      option.yAxis = [COUNT_AXIS, PERCENT_AXIS];
      option.series = [
        { name: "在册", type: "line", data: data.active },
        { name: "动态更新", type: "line", data: data.updates },
        { name: "更新为零的地区", type: "line", data: data.zero },
        { name: "协议覆盖率", type: "line", yAxisIndex: 1, data: data.agreement },
        { name: "走访覆盖率", type: "line", yAxisIndex: 1, data: data.visits }
      ];
      return option;
    },
    // One town over the stored weeks.
    "town-trend": function (data) {
      var option = base(data.weeks);
      option.yAxis = [COUNT_AXIS];
      option.series = [
        { name: "在册", type: "line", data: data.active },
        { name: "动态更新", type: "line", data: data.updates }
      ];
      return option;
    }
  };

  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var build = builders[element.getAttribute("data-chart")];
    var data = readData(element);
    if (!build || !data) {
      return;
    }
    var chart = window.echarts.init(element, null, { locale: "ZH" });
    chart.setOption(build(data));
    element.setAttribute("data-chart-ready", "true");
    charts.push(chart);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) {
      chart.resize();
    });
  });
})();
