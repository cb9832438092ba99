// The ticket page's share button: the browser's Web Share API where there is one (phones),
// else the link is copied to the clipboard (or selected in a box for copying by hand).
(function () {
  "use strict";
  document.querySelectorAll("[data-share]").forEach(function (button) {
    var status = document.querySelector("[data-share-status]");
    var url = button.getAttribute("data-share-url");
    var data = {title: button.getAttribute("data-share-title"),
                text: button.getAttribute("data-share-text"), url: url};
    function say(text) { if (status) status.textContent = text; }
    function fallback() {
      var box = document.createElement("input");
      box.value = url;
      box.readOnly = true;
      box.dir = "ltr";
      box.className = "share-box";
      box.setAttribute("aria-label", "پیوند بلیت");
      button.insertAdjacentElement("afterend", box);
      box.select();
      say("پیوند را کپی کنید.");
    }
    function copy() {
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(url).then(function () {
          say(button.getAttribute("data-copied"));
        }, fallback);
      } else {
        fallback();
      }
    }
    button.hidden = false;
    if (!(navigator.share && (!navigator.canShare || navigator.canShare(data)))) {
      button.textContent = "کپی پیوند بلیت";
    }
    button.addEventListener("click", function () {
      if (navigator.share && (!navigator.canShare || navigator.canShare(data))) {
        navigator.share(data).catch(function (error) {
          if (error && error.name !== "AbortError") copy();
        });
      } else {
        copy();
      }
    });
  });
})();
