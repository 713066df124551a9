// Progress for large uploads: a form marked data-upload-progress is sent with XMLHttpRequest
// so the bar can follow the bytes sent. Without JavaScript the form posts as usual.
(function () {
  "use strict";
  document.querySelectorAll("form[data-upload-progress]").forEach(function (form) {
    var box = form.querySelector(".upload-progress");
    var bar = box && box.querySelector("progress");
    var status = box && box.querySelector("[role=status]");
    if (!box || !bar || !window.FormData) {
      return;
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var request = new XMLHttpRequest();
      var button = form.querySelector("button[type=submit]");
      request.open("POST", form.action);
      request.upload.addEventListener("progress", function (progress) {
        if (progress.lengthComputable) {
          var percent = Math.round((progress.loaded / progress.total) * 100);
          bar.value = percent;
          status.textContent = percent + " %";
        }
      });
      request.addEventListener("load", function () {
        // Show the page the server answered: after a success the page redirected to (its
        // flash message is in it, and would be gone if loaded again), or the refusal.
        if (request.status < 400 && request.responseURL) {
          window.history.replaceState(null, "", request.responseURL);
        }
        document.open();
        document.write(request.responseText);
        document.close();
      });
      request.addEventListener("error", function () {
        box.hidden = true;
        if (button) {
          button.disabled = false;
        }
        window.alert(form.getAttribute("data-upload-failed") || "The upload failed.");
      });
      box.hidden = false;
      if (button) {
        button.disabled = true;
      }
      request.send(new FormData(form));
    });
  });
})();
