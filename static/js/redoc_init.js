/* Starts ReDoc on the API's documentation page (templates/api/redoc.html) without an inline script, so the strict
   Content-Security-Policy holds. ReDoc's styled components insert <style> elements: they carry the nonce of the
   page's stylesheet link (readable by script only), the one nonce the policy allows on this page's styles. */
(function () {
  "use strict";
  var container = document.getElementById("redoc-container");
  var settingsNode = document.getElementById("redoc-settings");
  var settings = settingsNode ? JSON.parse(settingsNode.textContent) : {};
  var style = document.getElementById("api-docs-style");
  if (style && style.nonce) { settings.nonce = style.nonce; }
  window.Redoc.init(container.getAttribute("data-schema-url"), settings, container);
})();
