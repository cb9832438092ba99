// The event form: add and remove day and official rows, occasion
// suggestions near the first day, and audience fields. The form works without it.
(function () {
  "use strict";

  function renumber(container) {
    var prefix = container.getAttribute("data-rows");
    container.querySelectorAll("[data-row]").forEach(function (row, i) {
      row.querySelectorAll("input, select, textarea, label").forEach(function (el) {
        ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
          var v = el.getAttribute(attr);
          if (v) el.setAttribute(attr, v.replace(new RegExp("^" + prefix + "-\\d+-"), prefix + "-" + i + "-"));
        });
      });
    });
  }

  function addRow(container) {
    var rows = container.querySelectorAll("[data-row]");
    var copy = rows[rows.length - 1].cloneNode(true);
    copy.querySelectorAll("input, textarea").forEach(function (el) { el.value = ""; });
    copy.querySelectorAll("select").forEach(function (el) { el.selectedIndex = 0; });
    copy.querySelectorAll(".error").forEach(function (el) { el.remove(); });
    copy.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
    container.appendChild(copy);
    renumber(container);
    var first = copy.querySelector("input");
    if (first) first.focus();
  }

  function suggestOccasions(form, input) {
    var box = form.querySelector("[data-occasion-hints]");
    var select = form.querySelector("select[name=occasion_id]");
    if (!box) return;
    // Only a whole date (digits already Latin: datepicker.js) is worth asking about.
    if (!/^\s*\d{4}\s*[\/\-.]\s*\d{1,2}\s*[\/\-.]\s*\d{1,2}\s*$/.test(input.value)) {
      box.innerHTML = "";
      return;
    }
    var url = form.getAttribute("data-occasions-url") + "?date=" + encodeURIComponent(input.value);
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
      box.innerHTML = "";
      if (data.message) {  // a date that does not exist: say so now, not only on saving
        var problem = document.createElement("span");
        problem.className = "error";
        problem.textContent = data.message;
        box.appendChild(problem);
        return;
      }
      (data.occasions || []).slice(0, 3).forEach(function (o) {
        var b = document.createElement("button");
        b.type = "button";
        b.className = "chip";
        b.textContent = o.name + " (" + (o.start === o.end ? o.start : o.start + " تا " + o.end) + ")";
        b.addEventListener("click", function () { select.value = String(o.id); });
        box.appendChild(b);
      });
      if (box.children.length) {
        var label = document.createElement("span");
        label.className = "hint";
        label.textContent = "مناسبت‌های نزدیک به این تاریخ:";
        box.insertBefore(label, box.firstChild);
      }
    }).catch(function () {});
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form.event-form");
    if (!form) return;

    form.querySelectorAll("[data-add-row]").forEach(function (button) {
      button.addEventListener("click", function () {
        addRow(form.querySelector('[data-rows="' + button.getAttribute("data-add-row") + '"]'));
      });
    });
    form.addEventListener("click", function (event) {
      var remove = event.target.closest("[data-remove-row]");
      if (!remove) return;
      var container = remove.closest("[data-rows]");
      if (container.querySelectorAll("[data-row]").length > 1) {
        remove.closest("[data-row]").remove();
        renumber(container);
      } else {
        remove.closest("[data-row]").querySelectorAll("input").forEach(function (el) { el.value = ""; });
      }
    });

    var firstDate = form.querySelector("input[name='days-0-date']");
    if (firstDate) {
      ["change", "blur"].forEach(function (type) {
        form.addEventListener(type, function (event) {
          if (event.target.name === "days-0-date") suggestOccasions(form, event.target);
        }, true);
      });
      if (firstDate.value) suggestOccasions(form, firstDate);
    }

    var audience = form.querySelector("[data-audience-select]");
    if (audience) {
      var sync = function () {
        form.querySelectorAll("[data-audience-only]").forEach(function (el) {
          el.hidden = el.getAttribute("data-audience-only").split(" ").indexOf(audience.value) < 0;
        });
      };
      audience.addEventListener("change", sync);
      sync();
    }
  });
})();
