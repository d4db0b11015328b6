// Progressive enhancement only: every page works without this file.
"use strict";

document.addEventListener("submit", function (event) {
  const form = event.target;
  const question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// Show the fields that apply to the current choice (duration value and unit, exemption ground).
function syncDependentFields() {
  document.querySelectorAll("[data-show-when]").forEach(function (block) {
    const [name, value] = block.getAttribute("data-show-when").split("=");
    const control = document.querySelector('[name="' + name + '"]:checked, select[name="' + name + '"]');
    if (control) {
      block.hidden = control.value !== value;
    }
  });
}
document.addEventListener("change", syncDependentFields);
document.addEventListener("DOMContentLoaded", syncDependentFields);
