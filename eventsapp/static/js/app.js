// Small progressive enhancements; every page works without them.
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  onReady(function () {
    // Phone menu
    var toggle = document.querySelector("[data-menu-toggle]");
    if (toggle) {
      toggle.addEventListener("click", function () {
        var nav = document.getElementById(toggle.getAttribute("aria-controls"));
        var open = nav.classList.toggle("open");
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }

    // Confirm before destructive buttons
    document.querySelectorAll("[data-confirm]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        if (!window.confirm(button.getAttribute("data-confirm"))) event.preventDefault();
      });
    });

    // Show only the fields that belong to the chosen role
    var roleSelect = document.querySelector("[data-role-select]");
    if (roleSelect) {
      var sync = function () {
        document.querySelectorAll("[data-role-only]").forEach(function (el) {
          el.hidden = el.getAttribute("data-role-only") !== roleSelect.value;
        });
      };
      roleSelect.addEventListener("change", sync);
      sync();
    }

    // Province → county selects: data-county-select names the province select's id.
    document.querySelectorAll("[data-county-select]").forEach(function (countySelect) {
      var provinceSelect = document.getElementById(countySelect.getAttribute("data-county-select"));
      if (!provinceSelect) return;
      var counties = JSON.parse(countySelect.getAttribute("data-counties") || "{}");
      var blankLabel = countySelect.getAttribute("data-blank") || "—";
      provinceSelect.addEventListener("change", function () {
        countySelect.innerHTML = "";
        var blank = document.createElement("option");
        blank.value = "";
        blank.textContent = blankLabel;
        countySelect.appendChild(blank);
        (counties[provinceSelect.value] || []).forEach(function (c) {
          var option = document.createElement("option");
          option.value = c.id;
          option.textContent = c.name;
          countySelect.appendChild(option);
        });
      });
    });
  });
})();
