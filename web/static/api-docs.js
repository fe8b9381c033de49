// Starts Swagger UI on /api/docs (kept out of the page so no inline script is needed).
(function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({ url: root.getAttribute("data-spec"), dom_id: "#swagger-ui", deepLinking: true,
                                tryItOutEnabled: true, persistAuthorization: true });
})();
