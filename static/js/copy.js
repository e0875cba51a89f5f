/* A "Copy" button beside a secret shown once: <button data-copy-target="<input id>" data-copied-label="…">.
   The button stays hidden without script (the read-only field can still be selected and copied by hand);
   no inline script, so a strict Content-Security-Policy can forbid them. */
(function () {
  "use strict";
  function copy(button) {
    var field = document.getElementById(button.getAttribute("data-copy-target"));
    if (!field) { return; }
    var done = function () {
      var label = button.textContent;
      button.textContent = button.getAttribute("data-copied-label") || label;
      var status = document.getElementById(field.id + "-status");
      if (status) { status.textContent = button.textContent; }
      window.setTimeout(function () { button.textContent = label; }, 2000);
    };
    field.focus();
    field.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () { document.execCommand("copy"); done(); });
    } else {
      document.execCommand("copy");
      done();
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-copy-target]").forEach(function (button) {
      button.classList.remove("d-none");
      button.addEventListener("click", function () { copy(button); });
    });
  });
})();
