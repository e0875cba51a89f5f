/* The competence matrix's filter (templates/competence/matrix.html): empty filters stay out of the address and of
   the request (/people/matrix/?role=lead_auditor). A static file, no inline script: the strict
   Content-Security-Policy forbids them. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("matrix-filter");
    if (!form) { return; }
    form.addEventListener("htmx:configRequest", function (event) {
      Array.from(event.detail.formData.entries()).forEach(function (entry) {
        if (entry[1] === "") { event.detail.formData.delete(entry[0]); }
      });
    });
  });
})();
