// Draws a bar chart into each <canvas data-chart="ID"> from the JSON in <script id="ID">.
// Every chart has a table with the same figures beside it, so the canvas is decorative for
// assistive technology (aria-hidden) and the page works without JavaScript.
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    var palette = ["#1f3a5f", "#2e7d32", "#b35c00", "#6a1b9a"];
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: spec.series.map(function (series, i) {
          return { label: series.label, data: series.values, backgroundColor: palette[i % palette.length] };
        })
      },
      options: {
        indexAxis: spec.horizontal ? "y" : "x",
        responsive: true,
        animation: false,
        plugins: { legend: { display: spec.series.length > 1 } }
      }
    });
  });
})();
