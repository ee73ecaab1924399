/* Large-text mode (适老化): remembered in localStorage, applied before the page paints; the print button. */
(function () {
  "use strict";
  var KEY = "disclosure.largeText";
  var root = document.documentElement;
  function stored() {
    try { return window.localStorage.getItem(KEY) === "1"; } catch (e) { return false; }
  }
  function apply(on) {
    root.classList.toggle("large-text", on);
    var button = document.getElementById("text-size-toggle");
    if (button) {
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.textContent = on ? "标准字号" : "大字模式";
    }
  }
  apply(stored());
  document.addEventListener("DOMContentLoaded", function () {
    apply(stored());
    // 打印本页: shown only when this script runs, so no button is left that does nothing.
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (print) {
      print.hidden = false;
      print.addEventListener("click", function () { window.print(); });
    });
    var button = document.getElementById("text-size-toggle");
    if (!button) { return; }
    button.addEventListener("click", function () {
      var on = !root.classList.contains("large-text");
      try { window.localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* private mode */ }
      apply(on);
    });
  });
})();
