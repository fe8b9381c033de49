// The review queue: "select all on this page" and a count of the ticked items for the bulk form.
(function () {
  var all = document.getElementById("select-all");
  if (!all) { return; }
  var boxes = function () { return document.querySelectorAll("input[name=item][form=bulk]"); };
  var count = document.getElementById("selected-count");
  var update = function () {
    var ticked = 0, list = boxes();
    for (var i = 0; i < list.length; i++) { if (list[i].checked) { ticked++; } }
    count.textContent = ticked ? "已选 " + ticked + " 条" : "";
    all.checked = ticked > 0 && ticked === list.length;
    all.indeterminate = ticked > 0 && ticked < list.length;
  };
  all.addEventListener("change", function () {
    var list = boxes();
    for (var i = 0; i < list.length; i++) { list[i].checked = all.checked; }
    update();
  });
  document.addEventListener("change", function (event) {
    if (event.target && event.target.name === "item") { update(); }
  });
  update();
})();
