// Keyboard shortcuts of the translation editor. Every action is also a plain button or link.
"use strict";

(function () {
  const form = document.getElementById("translation-form");
  const textarea = document.getElementById("text");
  // The hidden fields have no id: a page may hold several forms.
  const memoryField = form && form.querySelector("[name=memory_version_id]");
  if (!form || !textarea) {
    return;
  }

  function submitWith(buttonId) {
    const button = document.getElementById(buttonId);
    if (button) {
      form.requestSubmit(button);
    }
  }

  function follow(linkId) {
    const link = document.getElementById(linkId);
    if (link) {
      window.location.href = link.href;
    }
  }

  function insert(text, memoryId) {
    textarea.value = text;
    if (memoryField) {
      memoryField.value = memoryId || "";
    }
    textarea.focus();
  }

  // Typing after inserting a suggestion makes the text the person's own.
  textarea.addEventListener("input", function () {
    if (memoryField) {
      memoryField.value = "";
    }
  });

  document.querySelectorAll("a.use-suggestion").forEach(function (link) {
    link.addEventListener("click", function (event) {
      const item = link.closest(".suggestion");
      const text = item.querySelector("[data-suggestion]");
      event.preventDefault();
      insert(text.textContent, text.getAttribute("data-suggestion"));
    });
  });

  const copySource = document.getElementById("copy-source");
  if (copySource) {
    copySource.addEventListener("click", function (event) {
      event.preventDefault();
      insert(document.getElementById("source-text").textContent, "");
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      submitWith(event.shiftKey ? "save" : "save-next");
    } else if (event.altKey && event.key === "ArrowUp") {
      event.preventDefault();
      follow("previous-text");
    } else if (event.altKey && event.key === "ArrowDown") {
      event.preventDefault();
      follow("next-text");
    } else if (event.altKey && (event.code === "KeyC")) {
      event.preventDefault();
      if (copySource) {
        copySource.click();
      }
    } else if (event.altKey && /^Digit[1-5]$/.test(event.code)) {
      const link = document.querySelector('a.use-suggestion[data-key="' + event.code.slice(5) + '"]');
      if (link) {
        event.preventDefault();
        link.click();
      }
    }
  });
}());
