// Follows a large export while a worker builds it: the status is aria-live polite and the
// progress bar moves; when the export has finished, the page reloads to offer the file (or
// say what stopped it). Without JavaScript, "Check again" reloads it by hand.
(function () {
  "use strict";
  var section = document.getElementById("export-progress");
  if (!section || section.dataset.finished === "true") { return; }
  var bar = section.querySelector("progress");
  function update() {
    fetch(section.dataset.progressUrl, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (p) {
        if (!p) { return; }
        section.querySelector("[data-field=status]").textContent = p.label;
        section.querySelector("[data-field=written]").textContent = p.progress.toLocaleString("en-GB");
        bar.value = p.percent;
        bar.textContent = p.percent + "%";
        if (p.finished) {
          window.location.reload();
        } else {
          window.setTimeout(update, 2000);
        }
      });
  }
  window.setTimeout(update, 2000);
})();
