// Draws each chart whose data sits in a <script type="application/json" class="chart-data">
// block, with Chart.js (loaded before this file). No inline script and no eval: the pages
// keep a Content-Security-Policy of script-src 'self'. The table beside each chart says
// the same in words; this only draws.
(function () {
  "use strict";

  var COLOURS = {
    score: "#2f5f8a",
    previous: "#9aa9b8",
    weak: "#c8553d",
    good: "#bdbdbd",
    excellent: "#2a9d8f",
  };
  var BAND = "rgba(47, 95, 138, 0.16)";

  function colour(role) {
    return COLOURS[role] || COLOURS.score;
  }

  var decimalMark = ".";

  function number(value) {
    if (value === null || value === undefined) return "–";
    return Number(value).toFixed(1).replace(".", decimalMark);
  }

  // Whiskers for the 95 % interval of each bar that has one.
  var intervals = {
    id: "kokemusIntervals",
    afterDatasetsDraw: function (chart) {
      var horizontal = chart.options.indexAxis === "y";
      var scale = chart.scales[horizontal ? "x" : "y"];
      var context = chart.ctx;
      chart.data.datasets.forEach(function (dataset, index) {
        var meta = chart.getDatasetMeta(index);
        if (!dataset.ciLow || meta.type !== "bar" || meta.hidden) return;
        context.save();
        context.strokeStyle = "#222";
        context.lineWidth = 1.5;
        meta.data.forEach(function (bar, position) {
          var low = dataset.ciLow[position];
          var high = dataset.ciHigh[position];
          if (low === null || high === null) return;
          var from = scale.getPixelForValue(low);
          var to = scale.getPixelForValue(high);
          var centre = horizontal ? bar.y : bar.x;
          var cap = 5;
          context.beginPath();
          if (horizontal) {
            context.moveTo(from, centre);
            context.lineTo(to, centre);
            context.moveTo(from, centre - cap);
            context.lineTo(from, centre + cap);
            context.moveTo(to, centre - cap);
            context.lineTo(to, centre + cap);
          } else {
            context.moveTo(centre, from);
            context.lineTo(centre, to);
            context.moveTo(centre - cap, from);
            context.lineTo(centre + cap, from);
            context.moveTo(centre - cap, to);
            context.lineTo(centre + cap, to);
          }
          context.stroke();
        });
        context.restore();
      });
    },
  };

  function tooltipLabel(item) {
    var dataset = item.dataset;
    if (dataset.isBand) return null;
    var text = dataset.label + ": " + number(item.raw);
    var at = item.dataIndex;
    if (dataset.ciLow && dataset.ciLow[at] !== null) {
      text += " (95 %: " + number(dataset.ciLow[at]) + " … " + number(dataset.ciHigh[at]) + ")";
    }
    if (dataset.counts && dataset.counts[at] !== null) text += ", n = " + dataset.counts[at];
    return text;
  }

  function datasets(spec) {
    var found = [];
    spec.series.forEach(function (series) {
      if (spec.kind === "line" && series.ci_low) {
        found.push({
          label: spec.interval_label || "95 % interval",
          data: series.ci_high,
          isBand: true,
          fill: "+1",
          backgroundColor: BAND,
          borderWidth: 0,
          pointRadius: 0,
        });
        found.push({
          label: "",
          data: series.ci_low,
          isBand: true,
          fill: false,
          borderWidth: 0,
          pointRadius: 0,
        });
      }
      if (spec.kind === "scatter") {
        found.push({
          label: series.label,
          data: series.values.map(function (y, at) {
            return { x: series.x[at], y: y };
          }),
          backgroundColor: colour(series.role),
          pointRadius: 5,
        });
        return;
      }
      found.push({
        label: series.label,
        data: series.values,
        ciLow: spec.kind === "line" ? null : series.ci_low || null,
        ciHigh: spec.kind === "line" ? null : series.ci_high || null,
        counts: series.n || null,
        backgroundColor: colour(series.role),
        borderColor: colour(series.role),
        borderWidth: spec.kind === "line" ? 2 : 0,
        pointRadius: spec.kind === "line" ? 4 : undefined,
        spanGaps: false,
        stack: spec.kind === "stacked" ? "bands" : undefined,
      });
    });
    return found;
  }

  function scatterLabel(spec) {
    return function (item) {
      var name = spec.labels[item.dataIndex];
      return name + ": " + number(item.raw.x) + ", " + number(item.raw.y);
    };
  }

  function axis(label, range) {
    var found = { title: { display: Boolean(label), text: label } };
    if (range) {
      found.min = range[0];
      found.max = range[1];
    }
    return found;
  }

  function config(spec) {
    if (spec.kind === "scatter") {
      return {
        type: "scatter",
        data: { datasets: datasets(spec) },
        options: {
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          scales: { x: axis(spec.x_label, spec.x_range), y: axis(spec.y_label, spec.y_range) },
          plugins: {
            legend: { display: false },
            tooltip: { callbacks: { label: scatterLabel(spec) } },
          },
        },
      };
    }
    var valueAxis = {
      title: { display: Boolean(spec.y_label), text: spec.y_label },
      stacked: spec.kind === "stacked",
    };
    if (spec.y_range) {
      valueAxis.min = spec.y_range[0];
      valueAxis.max = spec.y_range[1];
    }
    var categoryAxis = { stacked: spec.kind === "stacked" };
    var scales = spec.horizontal ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis };
    return {
      type: spec.kind === "line" ? "line" : "bar",
      data: { labels: spec.labels, datasets: datasets(spec) },
      options: {
        animation: false,
        locale: document.documentElement.lang || "en",
        responsive: true,
        maintainAspectRatio: false,
        indexAxis: spec.horizontal ? "y" : "x",
        scales: scales,
        plugins: {
          legend: {
            display: spec.series.length > 1 || spec.kind === "line",
            labels: {
              filter: function (item) {
                return item.text !== "";
              },
            },
          },
          tooltip: { callbacks: { label: tooltipLabel } },
        },
      },
      plugins: [intervals],
    };
  }

  function drawAll() {
    if (!window.Chart) return;
    var blocks = document.querySelectorAll("script.chart-data");
    Array.prototype.forEach.call(blocks, function (block) {
      var spec = JSON.parse(block.textContent);
      decimalMark = spec.decimal_mark || ".";
      var canvas = document.getElementById(spec.canvas);
      if (!canvas) return;
      if (spec.horizontal) {
        // Room for each label; set through the style object, which the policy allows.
        canvas.parentNode.style.height = Math.max(160, 34 * spec.labels.length + 70) + "px";
      }
      canvas.dataset.drawn = "true";
      new window.Chart(canvas, config(spec));
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
