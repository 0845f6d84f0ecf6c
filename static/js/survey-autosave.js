// Saves a survey's answers in the background as they are given, so that closing or
// reloading the page loses nothing. The form posts to its data-autosave-url (the same save
// as "Save and finish later", never a submission) with the page's CSRF token, one request at
// a time, and says how it went in the polite live region named by data-autosave-status.
// Without JavaScript the page works as before, through its buttons.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave-url]");
  if (!form || !window.fetch || !window.FormData) { return; }
  var url = form.dataset.autosaveUrl;
  var status = document.getElementById(form.dataset.autosaveStatus);
  var TYPING_PAUSE = 1000; // ms after the last keystroke in a text or number answer
  var CHOICE_PAUSE = 300; // ms after a choice (arrow keys move through radio buttons)
  var FAILED = "Your latest answers could not be saved just now. " +
    "Use \u201cSave and finish later\u201d to save them.";
  var timer = null;
  var sending = false;
  var pending = false; // answers changed since the last save was sent

  document.querySelectorAll("[data-autosave-note]").forEach(function (note) {
    note.hidden = false;
  });

  function say(text) {
    if (status) { status.textContent = text; }
  }

  function answers() {
    var data = new FormData(form);
    data.delete("_action"); // a background save never submits
    return data;
  }

  function save() {
    timer = null;
    if (sending) { return; } // sent again when the current save is answered
    sending = true;
    pending = false;
    fetch(url, {
      method: "POST",
      body: answers(),
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    })
      .then(function (response) {
        return response.json().then(function (body) {
          say(response.ok ? "Saved." : body.message || FAILED);
        }, function () { say(FAILED); });
      })
      .catch(function () { say(FAILED); })
      .then(function () {
        sending = false;
        if (pending && timer === null) { save(); }
      });
  }

  function soon(delay) {
    pending = true;
    if (timer !== null) { window.clearTimeout(timer); }
    timer = window.setTimeout(save, delay);
  }

  form.addEventListener("change", function () { soon(CHOICE_PAUSE); });
  form.addEventListener("input", function (event) {
    if (event.target.matches("textarea, input[type=number], input[type=text]")) {
      soon(TYPING_PAUSE);
    }
  });
  // Pressing a button posts every answer itself: nothing is left to save in the background.
  form.addEventListener("submit", function () {
    if (timer !== null) { window.clearTimeout(timer); }
    timer = null;
    pending = false;
  });
  // Leaving the page before a pause is over: send what is waiting with the page.
  window.addEventListener("pagehide", function () {
    if (pending && navigator.sendBeacon) {
      if (timer !== null) { window.clearTimeout(timer); }
      timer = null;
      pending = false;
      navigator.sendBeacon(url, answers());
    }
  });
})();
