// Report charts: each <canvas data-chart> carries its numbers (the table beside it has the
// same ones). Drawn by Chart.js (served by the app), right to left, in Vazirmatn, with Persian
// digits on axes and tooltips.
(function () {
  "use strict";
  var DIGITS = "۰۱۲۳۴۵۶۷۸۹";
  var COLORS = ["#0f766e", "#d97706", "#7c3aed", "#64748b", "#dc2626"];

  function fa(value) {
    if (value === null || value === undefined) { return ""; }
    var text = typeof value === "number" ? value.toLocaleString("en-US", { maximumFractionDigits: 1 }) : String(value);
    return text.replace(/[0-9]/g, function (d) { return DIGITS[+d]; }).replace(/,/g, "٬").replace(/\./g, "٫");
  }

  function draw(canvas) {
    var data = JSON.parse(canvas.getAttribute("data-values"));
    var rates = canvas.hasAttribute("data-rates");
    var horizontal = canvas.hasAttribute("data-horizontal");
    var stacked = canvas.hasAttribute("data-stacked");
    var datasets = rates
      ? [{ label: "نرخ حضور (٪)", data: data.rates, borderColor: COLORS[0], backgroundColor: COLORS[0], spanGaps: true }]
      : data.series.map(function (s, i) { return { label: s.label, data: s.data, backgroundColor: COLORS[i % COLORS.length] }; });
    if (horizontal) {
      canvas.parentNode.style.height = Math.max(220, data.labels.length * 26 + 80) + "px";
    }
    var valueAxis = { stacked: stacked, beginAtZero: true, ticks: { precision: rates ? 1 : 0, callback: function (v) { return fa(v); } } };
    var labelAxis = { stacked: stacked, ticks: { autoSkip: !horizontal } };
    if (rates) { valueAxis.max = 100; }
    new window.Chart(canvas, {
      type: canvas.getAttribute("data-chart"),
      data: { labels: data.labels, datasets: datasets },
      options: {
        indexAxis: horizontal ? "y" : "x",
        maintainAspectRatio: false,
        animation: false,
        locale: "fa-IR",
        scales: horizontal
          ? { x: Object.assign(valueAxis, { reverse: true }), y: Object.assign(labelAxis, { position: "right" }) }
          : { x: Object.assign(labelAxis, { reverse: true }), y: Object.assign(valueAxis, { position: "right" }) },
        plugins: {
          legend: { rtl: true, position: "bottom", labels: { font: { family: "Vazirmatn" } } },
          tooltip: {
            rtl: true, textDirection: "rtl",
            callbacks: { label: function (item) { return item.dataset.label + ": " + fa(item.parsed[horizontal ? "x" : "y"]); } }
          }
        }
      }
    });
  }

  function start() {
    if (!window.Chart) { return; }
    window.Chart.defaults.font.family = "Vazirmatn, Tahoma, sans-serif";
    window.Chart.defaults.color = "#334155";
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
