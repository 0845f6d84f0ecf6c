// "Copy booking link" buttons: copy the link held in the input the button names, and say so
// in the page's live region. Without the clipboard API the input is shown to copy by hand.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy-link]");
  if (!button) {
    return;
  }
  var input = document.getElementById(button.getAttribute("data-copy-link"));
  var status = document.getElementById("copy-status");
  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(input.value).then(
      function () { say("Booking link copied."); },
      function () { input.classList.remove("d-none"); input.select(); say("Copy the selected link."); }
    );
  } else {
    input.classList.remove("d-none");
    input.select();
    say("Copy the selected link.");
  }
});
