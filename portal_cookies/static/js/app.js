// Progressive enhancement only: every page works without this file.
"use strict";

document.addEventListener("submit", function (event) {
  const form = event.target;
  const question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// A refused form's summary of errors takes the focus. Its autofocus does so without this file,
// except when the address names a fragment: after following a link of the summary to its field,
// a second refusal comes back to that address, and the browser focuses the field once loaded.
window.addEventListener("load", function () {
  const summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
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

// The top bar's menus (<details class="navmenu">) open and close without this; it closes them
// as menus do: one open at a time, and Escape, a click elsewhere or the focus leaving closes.
function closeMenus(except) {
  document.querySelectorAll("details.navmenu[open]").forEach(function (menu) {
    if (menu !== except) {
      menu.open = false;
    }
  });
}
document.addEventListener("click", function (event) {
  closeMenus(event.target.closest("details.navmenu"));
});
document.addEventListener("focusout", function (event) {
  const menu = event.target.closest("details.navmenu[open]");
  if (menu && !menu.contains(event.relatedTarget)) {
    menu.open = false;
  }
});
document.addEventListener("keydown", function (event) {
  const menu = event.key === "Escape" && event.target.closest("details.navmenu[open]");
  if (menu) {
    menu.open = false;
    menu.querySelector("summary").focus();
  }
});
