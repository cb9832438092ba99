// The Jalali date picker on every field marked data-jdp. People type dates in Persian,
// Arabic-Indic or Latin digits, with or without zero padding; the picker reads only
// "1403/05/07". So the field's digits turn Latin as they are typed (the caret stays put),
// and a finished date is padded when the field changes and when the page loads (a date the
// server sent back as typed). The server accepts every form; without this file, or without
// the picker, typing still works.
(function () {
  "use strict";

  var DIGITS = { "۰": 0, "۱": 1, "۲": 2, "۳": 3, "۴": 4, "۵": 5, "۶": 6, "۷": 7, "۸": 8, "۹": 9,
                 "٠": 0, "١": 1, "٢": 2, "٣": 3, "٤": 4, "٥": 5, "٦": 6, "٧": 7, "٨": 8, "٩": 9 };
  var FOREIGN = /[۰-۹٠-٩]/g, HAS_FOREIGN = /[۰-۹٠-٩]/;

  function latin(value) {
    return value.replace(FOREIGN, function (d) { return String(DIGITS[d]); });
  }

  function padded(value) {
    var m = /^\s*(\d{4})\s*[\/\-.]\s*(\d{1,2})\s*[\/\-.]\s*(\d{1,2})\s*$/.exec(value);
    if (!m) return value;
    var two = function (s) { return s.length < 2 ? "0" + s : s; };
    return m[1] + "/" + two(m[2]) + "/" + two(m[3]);
  }

  function isDateField(el) {
    return el && el.matches && el.matches("input[data-jdp]");
  }

  function tidy(input) {
    var value = padded(latin(input.value));
    if (value !== input.value) input.value = value;
  }

  function start() {
    document.querySelectorAll("input[data-jdp]").forEach(tidy);
    document.addEventListener("input", function (event) {
      var input = event.target;
      if (!isDateField(input) || !HAS_FOREIGN.test(input.value)) return;
      var from = input.selectionStart, to = input.selectionEnd;
      input.value = latin(input.value);  // one character for one: the caret can stay
      if (from !== null) input.setSelectionRange(from, to);
    });
    document.addEventListener("change", function (event) {
      if (isDateField(event.target)) tidy(event.target);
    });
    if (window.jalaliDatepicker) {
      window.jalaliDatepicker.startWatch({
        autoReadOnlyInput: false, persianDigits: false, showTodayBtn: true, showEmptyBtn: true,
        separatorChars: { date: "/" }, zIndex: 2000
      });
    }
  }

  if (document.readyState !== "loading") start();
  else document.addEventListener("DOMContentLoaded", start);
})();
