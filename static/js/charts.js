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
    var range = valueAxis(spec);
    chart.options.scales = horizontal
      ? { y: { ticks: { autoSkip: false } }, x: range }
      : { y: range };
    chart.data.labels = horizontal ? spec.labels.map(function (label) { return wrap(label, 18); }) : spec.labels;
    box.style.height = height;
    return true;
  }

  // Confidence intervals: a series may carry ``intervals``, one [low, high] (or null) per
  // bar, drawn as a line with end caps through the bar, across or down as the bars run.
  var intervalsPlugin = {
    id: "linkIntervals",
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx;
      var horizontal = chart.options.indexAxis === "y";
      var valueScale = horizontal ? chart.scales.x : chart.scales.y;
      chart.data.datasets.forEach(function (dataset, d) {
        if (!dataset.intervals || !chart.isDatasetVisible(d)) { return; }
        chart.getDatasetMeta(d).data.forEach(function (bar, i) {
          var interval = dataset.intervals[i];
          if (!interval || interval[0] === null || interval[1] === null) { return; }
          var low = valueScale.getPixelForValue(interval[0]);
          var high = valueScale.getPixelForValue(interval[1]);
          var centre = horizontal ? bar.y : bar.x;
          var cap = 6;
          ctx.save();
          ctx.strokeStyle = "#212529";
          ctx.lineWidth = 2;
          ctx.beginPath();
          if (horizontal) {
            ctx.moveTo(low, centre); ctx.lineTo(high, centre);
            ctx.moveTo(low, centre - cap); ctx.lineTo(low, centre + cap);
            ctx.moveTo(high, centre - cap); ctx.lineTo(high, centre + cap);
          } else {
            ctx.moveTo(centre, low); ctx.lineTo(centre, high);
            ctx.moveTo(centre - cap, low); ctx.lineTo(centre + cap, low);
            ctx.moveTo(centre - cap, high); ctx.lineTo(centre + cap, high);
          }
          ctx.stroke();
          ctx.restore();
        });
      });
    }
  };

  // The value axis reaches the ends of every interval, not only the bars.
  // The value axis: its range, and whole numbers only when the figures are counts.
  function valueAxis(spec) {
    var axis = valueRange(spec);
    if (spec.integer) { axis.ticks = { precision: 0 }; }
    return axis;
  }

  function valueRange(spec) {
    var values = [];
    spec.series.forEach(function (series) {
      series.values.forEach(function (v) { if (v !== null) { values.push(v); } });
      (series.intervals || []).forEach(function (iv) {
        if (iv && iv[0] !== null && iv[1] !== null) { values.push(iv[0], iv[1]); }
      });
    });
    if (!values.length) { return {}; }
    return {
      suggestedMin: Math.min(0, Math.min.apply(null, values)),
      suggestedMax: Math.max(0, Math.max.apply(null, values))
    };
  }

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    var chart = new Chart(canvas, {
      type: "bar",
      plugins: [intervalsPlugin],
      data: {
        labels: spec.labels,
        datasets: spec.series.map(function (series, i) {
          return {
            label: series.label,
            data: series.values,
            intervals: series.intervals,
            backgroundColor: palette[i % palette.length],
            maxBarThickness: 120
          };
        })
      },
      options: {
        indexAxis: "x",
        responsive: true,
        maintainAspectRatio: false, // the chart fills its .chart-box (link.css), phone or not
        animation: false,
        plugins: { legend: { display: spec.series.length > 1 } },
        scales: { y: valueAxis(spec) },
        onResize: function (resized, size) { if (fit(resized, spec, size.width)) { resized.update(); } }
      }
    });
    if (fit(chart, spec, canvas.parentElement.clientWidth)) { chart.update(); }
  });
})();
