// Starts Swagger UI on /docs from a file of ours, so the page needs no inline script.
"use strict";
window.addEventListener("load", function () {
  if (typeof window.SwaggerUIBundle !== "function") return;  // offline: the page says so
  window.SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui" });
});
