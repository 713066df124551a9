/* Progressive enhancement only: every page works without this file.
   - marks <html> with "js" so .js-only controls (copy buttons) appear;
   - [data-copy-target]: copies the value of the element with that id to the clipboard;
   - [data-confirm]: asks before submitting a destructive form;
   - focuses the error summary so screen readers announce it. */
(function () {
  "use strict";
  document.documentElement.classList.remove("no-js");
  document.documentElement.classList.add("js");

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) return;
    var field = document.getElementById(button.getAttribute("data-copy-target"));
    if (!field) return;
    var text = field.value || field.textContent;
    var done = function () {
      var status = document.getElementById(button.getAttribute("aria-describedby") || "");
      var original = button.getAttribute("data-label") || button.textContent;
      button.setAttribute("data-label", original);
      button.textContent = "Copied";
      if (status) status.textContent = "Link copied to the clipboard";
      window.setTimeout(function () { button.textContent = original; }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done);
    } else if (field.select) {
      field.select();
      document.execCommand("copy");
      done();
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });

  var summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
})();
