// The import page: the template link follows the chosen pool.
(function () {
  var select = document.getElementById("import-pool");
  var link = document.getElementById("template-link");
  if (!select || !link) { return; }
  select.addEventListener("change", function () {
    var option = select.options[select.selectedIndex];
    link.href = link.getAttribute("data-base") + "?pool=" + encodeURIComponent(option.value);
    document.getElementById("template-pool").textContent = option.getAttribute("data-label");
  });
})();
