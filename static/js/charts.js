// Draws a bar chart into each <canvas data-chart="ID"> from the JSON in <script id="ID">.
// Every chart has a table with the same figures beside it, so the canvas is decorative for
// assistive technology (aria-hidden) and the page works without JavaScript.
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var NARROW = 576; // px: a phone. Long labels then run down the side, wrapped, not slanted.
  var palette = ["#1f3a5f", "#2e7d32", "#b35c00", "#6a1b9a"];

  // A label as lines of at most ``width`` characters, broken between words.
  function wrap(label, width) {
    var lines = [], line = "";
    String(label).split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > width) { lines.push(line); line = word; }
      else { line = line ? line + " " + word : word; }
    });
    if (line) { lines.push(line); }
    return lines;
  }

  // Bars across (labels down the side) for a horizontal chart, and on a phone for long
  // labels; the box then grows to show every label. Run again whenever the chart resizes.
  function fit(chart, spec, width) {
    var longLabels = spec.labels.some(function (label) { return String(label).length > 12; });
    var narrow = width < NARROW;
    var horizontal = spec.horizontal || (narrow && longLabels);
    var box = chart.canvas.parentElement;
    var height = horizontal && narrow ? Math.max(320, spec.labels.length * 56 + 90) + "px" : "";
    if (chart.options.indexAxis === (horizontal ? "y" : "x") && box.style.height === height) {
      return false;
    }
    chart.options.indexAxis = horizontal ? "y" : "x";
    // Every label shown: Chart.js would otherwise skip those that do not fit.
    chart.options.scales = horizontal ? { y: { ticks: { autoSkip: false } } } : {};
    if (spec.integer) { // counts: whole numbers on the value axis
      chart.options.scales[horizontal ? "x" : "y"] = { ticks: { precision: 0 } };
    }
    chart.data.labels = horizontal ? spec.labels.map(function (label) { return wrap(label, 18); }) : spec.labels;
    box.style.height = height;
    return true;
  }

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    var chart = new Chart(canvas, {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: spec.series.map(function (series, i) {
          return { label: series.label, data: series.values, backgroundColor: palette[i % palette.length] };
        })
      },
      options: {
        indexAxis: "x",
        scales: spec.integer ? { y: { ticks: { precision: 0 } } } : {},
        responsive: true,
        maintainAspectRatio: false, // the chart fills its .chart-box (link.css), phone or not
        animation: false,
        plugins: { legend: { display: spec.series.length > 1 } },
        onResize: function (resized, size) { if (fit(resized, spec, size.width)) { resized.update(); } }
      }
    });
    if (fit(chart, spec, canvas.parentElement.clientWidth)) { chart.update(); }
  });
})();
