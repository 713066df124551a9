/* Progressive enhancement only: every page works without this file.
   - marks <html> with "js" so .js-only controls appear;
   - [data-confirm]: asks before submitting a destructive form;
   - focuses the error summary so screen readers announce it. */
(function () {
  "use strict";
  document.documentElement.classList.remove("no-js");
  document.documentElement.classList.add("js");

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });

  var summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
})();
