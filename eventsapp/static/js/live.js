// Live check-in counts: refetch every 10 seconds and redraw the tables. Digits in Persian.
(function () {
  "use strict";
  var fa = function (n) { return String(n).replace(/\d/g, function (d) { return "۰۱۲۳۴۵۶۷۸۹"[d]; }); };

  function row(cells) {
    var tr = document.createElement("tr");
    cells.forEach(function (c) { var td = document.createElement("td"); td.textContent = c; tr.appendChild(td); });
    return tr;
  }

  function bars(box) {
    var max = 1;
    box.querySelectorAll(".q-bar").forEach(function (b) { max = Math.max(max, +b.getAttribute("data-w")); });
    box.querySelectorAll(".q-bar").forEach(function (b) { b.style.width = (100 * b.getAttribute("data-w") / max) + "%"; });
  }

  function empty(tbody, columns, text) {
    var tr = document.createElement("tr"), td = document.createElement("td");
    td.colSpan = columns; td.className = "muted"; td.textContent = text;
    tr.appendChild(td); tbody.appendChild(tr);
  }

  var NOBODY = "هنوز کسی وارد نشده است.";

  function draw(data) {
    data.days.forEach(function (d) {
      var el = document.querySelector('[data-day="' + d.date + '"] [data-n]');
      if (el) el.textContent = fa(d.checked_in);
    });
    var ngos = document.querySelector("[data-live-ngos]");
    ngos.innerHTML = "";
    data.ngos.forEach(function (n) { ngos.appendChild(row([n.name, fa(n.registered), fa(n.checked_in)])); });
    if (!data.ngos.length) empty(ngos, 3, "هنوز ثبت‌نام قطعی‌ای نیست.");
    var gates = document.querySelector("[data-live-gates]");
    gates.innerHTML = "";
    data.gates.forEach(function (g) { gates.appendChild(row([g.gate, fa(g.checked_in)])); });
    if (!data.gates.length) empty(gates, 2, NOBODY);
    var quarters = document.querySelector("[data-live-quarters]");
    quarters.innerHTML = "";
    var names = quarters.hasAttribute("data-day-names") ? JSON.parse(quarters.getAttribute("data-day-names")) : null;
    var lastDay = null;
    data.quarters.forEach(function (q) {
      var day = q.at.slice(0, 10);
      if (names && day !== lastDay) {
        var p = document.createElement("p"); p.className = "q-day"; p.textContent = names[day] || day;
        quarters.appendChild(p);
      }
      lastDay = day;
      var div = document.createElement("div");
      div.className = "quarter";
      var at = document.createElement("span"); at.className = "q-at"; at.dir = "ltr"; at.textContent = fa(q.at.slice(11));
      var bar = document.createElement("span"); bar.className = "q-bar"; bar.setAttribute("data-w", q.checked_in);
      var n = document.createElement("span"); n.className = "q-n"; n.textContent = fa(q.checked_in);
      div.appendChild(at); div.appendChild(bar); div.appendChild(n);
      quarters.appendChild(div);
    });
    if (!data.quarters.length) {
      var none = document.createElement("p"); none.className = "muted"; none.textContent = NOBODY;
      quarters.appendChild(none);
    }
    bars(quarters);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var holder = document.querySelector("[data-live-url]");
    if (!holder) return;
    var status = document.querySelector("[data-live-status]");
    bars(document.querySelector("[data-live-quarters]"));
    setInterval(function () {
      fetch(holder.getAttribute("data-live-url"), { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (data) { draw(data); status.textContent = ""; })
        .catch(function () { status.textContent = "(اتصال برقرار نیست؛ دوباره تلاش می‌شود)"; });
    }, 10000);
  });
})();
