// Starts Swagger UI on /api/docs (kept out of the page so no inline script is needed).
(function () {
  var root = document.getElementById("swagger-ui");
  var csrf = root.getAttribute("data-csrf");
  window.ui = SwaggerUIBundle({ url: root.getAttribute("data-spec"), dom_id: "#swagger-ui", deepLinking: true,
                                tryItOutEnabled: true, persistAuthorization: true,
                                // A logged-in browser's writes carry the page's CSRF token, as the API requires.
                                requestInterceptor: function (req) { req.headers["X-CSRFToken"] = csrf; return req; } });
})();
