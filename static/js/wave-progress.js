// Refreshes a wave's progress figures while it is sending; the summary is aria-live polite.
(function () {
  "use strict";
  var section = document.getElementById("wave-progress");
  if (!section || !section.dataset.refresh) { return; }
  var every = parseInt(section.dataset.refresh, 10);
  function update() {
    fetch(section.dataset.progressUrl, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (p) {
        if (!p) { return; }
        var bar = section.querySelector("[data-field=bar]");
        bar.value = p.percent;
        bar.textContent = p.percent + "%";
        section.querySelector("[data-field=summary]").textContent =
          p.percent + "% invited: " + p.invited + " of " + p.targets + " (" + p.recorded +
          " by phone, on paper or in person). Emails: " + p.sent + " sent, " + p.pending +
          " on their way, " + p.failed + " failed, " + p.cancelled + " cancelled.";
        document.getElementById("wave-status").textContent = p.status;
        if (p.pending > 0 || p.status === "Scheduled" || p.status === "Sending") {
          window.setTimeout(update, every);
        }
      });
  }
  window.setTimeout(update, every);
})();
