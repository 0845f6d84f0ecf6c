// Follows a large set-up file while a worker checks or saves it; the status is aria-live
// polite. When it has finished, a link to its report takes the place of "Check again".
(function () {
  "use strict";
  var section = document.getElementById("import-progress");
  if (!section || section.dataset.finished === "true") { return; }
  function update() {
    fetch(section.dataset.progressUrl, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (p) {
        if (!p) { return; }
        section.querySelector("[data-field=status]").textContent = p.label;
        if (p.finished) {
          section.querySelector("[data-field=again]").textContent = "Show the report";
        } else {
          window.setTimeout(update, 2000);
        }
      });
  }
  window.setTimeout(update, 2000);
})();
