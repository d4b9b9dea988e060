// Starts Swagger UI (/docs) on graphsvc's own copy of its bundle. It is a file, not an inline
// script, so the page keeps the views' Content-Security-Policy (script-src 'self').
"use strict";
(function () {
  var me = document.currentScript;
  window.ui = SwaggerUIBundle({
    url: me.getAttribute("data-openapi-url"),
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    // the default asks validator.swagger.io for a badge: another host
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
  });
})();
