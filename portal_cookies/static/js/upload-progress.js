// Progressive enhancement only: without this file the form is a plain upload.
// A form marked data-upload-progress is sent by XMLHttpRequest, so that a <progress> can show
// how much of a large file has gone; the page the server answers then replaces this one.
"use strict";

document.addEventListener("submit", function (event) {
  const form = event.target;
  if (!form.hasAttribute("data-upload-progress") || !window.FormData) {
    return;
  }
  event.preventDefault();
  const box = form.querySelector(".upload-progress");
  const bar = box.querySelector("progress");
  const status = box.querySelector("[aria-live]");
  const button = form.querySelector("[type=submit]");
  box.hidden = false;
  bar.value = 0;
  status.textContent = "";
  button.disabled = true;

  const request = new XMLHttpRequest();
  request.open(form.method, form.action);
  request.upload.addEventListener("progress", function (progress) {
    if (progress.lengthComputable) {
      bar.value = Math.round((progress.loaded / progress.total) * 100);
    }
  });
  request.upload.addEventListener("load", function () {
    bar.removeAttribute("value"); // indeterminate while the server reads the file
    status.textContent = status.getAttribute("data-reading");
  });
  request.addEventListener("load", function () {
    // The answer is the report (after its redirect) or the form with its errors.
    window.history.replaceState(null, "", request.responseURL || form.action);
    document.open();
    document.write(request.responseText);
    document.close();
  });
  request.addEventListener("error", function () {
    bar.value = 0;
    status.textContent = status.getAttribute("data-failed");
    button.disabled = false;
  });
  request.send(new FormData(form));
});
