// NGO import preview: applies the checked rows in chunks and shows a progress bar.
// Without this script the confirm form posts once and everything is applied in one request.
(function () {
  "use strict";

  function fa(n) {
    return Number(n).toLocaleString("fa-IR");
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-import]");
    if (!form || !window.fetch || !window.FormData) return;
    var box = document.querySelector("[data-import-progress]");
    var bar = box.querySelector("progress");
    var status = box.querySelector("[data-import-status]");
    var button = form.querySelector("button[type=submit]");
    var total = parseInt(form.getAttribute("data-total"), 10) || 0;
    var url = form.getAttribute("data-chunk-url");
    var running = false;

    function fail(message) {
      running = false;
      button.disabled = false;
      button.textContent = "تلاش دوباره";
      status.textContent = message || "ارتباط با سامانه قطع شد؛ دوباره امتحان کنید. ردیف‌هایی که وارد شده‌اند دوباره وارد نمی‌شوند.";
      box.classList.add("failed");
    }

    function step(start) {
      fetch(url + "?start=" + start, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        return response.json().then(function (data) {
          return { ok: response.ok, status: response.status, data: data };
        }, function () {
          return { ok: false, status: response.status, data: {} };
        });
      }).then(function (result) {
        var data = result.data;
        if (!result.ok && !(result.status === 409 && data.error === "out_of_order")) {
          fail(data.message);
          return;
        }
        bar.value = data.next;
        status.textContent = fa(data.next) + " از " + fa(data.total) + " ردیف · " +
          fa(data.added) + " افزوده، " + fa(data.updated) + " به‌روز، " + fa(data.unchanged) + " بی‌تغییر";
        if (data.done) {
          window.location.assign(data.report_url);
        } else {
          step(data.next);
        }
      }).catch(function () { fail(); });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (running) return;
      running = true;
      button.disabled = true;
      button.textContent = "در حال وارد کردن…";
      box.hidden = false;
      box.classList.remove("failed");
      bar.max = total;
      step(parseInt(bar.value, 10) || 0);
    });
  });
})();
