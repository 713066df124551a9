// Copy buttons for calendar addresses. Progressive enhancement: without JavaScript the
// buttons stay hidden and the read-only fields can be selected and copied by hand.
(function () {
  "use strict";
  function copy(button) {
    var field = document.getElementById(button.getAttribute("data-copy-target"));
    if (!field) { return; }
    var done = function () {
      button.textContent = "Copied";
      window.setTimeout(function () { button.textContent = "Copy"; }, 2000);
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(field.value).then(done, function () {
        field.select();
      });
    } else {
      field.select();
      try { if (document.execCommand("copy")) { done(); } } catch (e) { /* select only */ }
    }
  }
  document.querySelectorAll(".copy-button").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { copy(button); });
  });
  document.querySelectorAll("[data-copy-source]").forEach(function (field) {
    field.addEventListener("focus", function () { field.select(); });
  });
})();
