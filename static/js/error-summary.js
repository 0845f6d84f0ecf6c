// Moves focus to a form's error summary when the page shows one, so that screen readers
// announce the problems and keyboard users start from the list of links to the fields.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
});
