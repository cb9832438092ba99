// Awards pages: the print button, "tick all" for the NGO lists.
// Everything works without it (the browser's own Print, ticking one by one).
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  onReady(function () {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });

    document.querySelectorAll("[data-check-all]").forEach(function (button) {
      var boxes = document.querySelectorAll("input[type=checkbox][name='" + button.getAttribute("data-check-all") + "']");
      if (!boxes.length) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        var all = Array.prototype.every.call(boxes, function (b) { return b.checked; });
        boxes.forEach(function (b) { b.checked = !all; });
      });
    });
  });
})();
