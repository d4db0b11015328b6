// Suggestions from the catalogue of known cookies, as the names are typed in the entry form.
// Nothing is filled until a suggestion's button is pressed. Without this file, the form's
// "Suggest from known cookies" button lists the same suggestions.
"use strict";

(function () {
  const panel = document.getElementById("catalogue-suggestions");
  const form = panel && panel.closest("form");
  const names = form && form.querySelector("[name=names]");
  const domain = form && form.querySelector("[name=domain]");
  const list = panel && panel.querySelector(".suggestion-list");
  if (!panel || !names || !list) {
    return;
  }
  const words = panel.dataset;
  let timer = null;
  let asked = "";
  let request = null;

  // The name being typed: the line the caret is on, else the first name.
  function currentName() {
    const text = names.value;
    const start = text.lastIndexOf("\n", names.selectionStart - 1) + 1;
    const end = text.indexOf("\n", names.selectionStart);
    const line = text.slice(start, end === -1 ? undefined : end).split(",")[0].trim();
    return line || text.split(/[\n,]/).map((name) => name.trim()).find(Boolean) || "";
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function setField(name, value) {
    const field = form.querySelector('select[name="' + name + '"], input[name="' + name + '"]:not([type=radio]), textarea[name="' + name + '"]');
    if (field && value !== null && value !== undefined) {
      field.value = String(value);
      field.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  function checkRadio(name, value) {
    const radio = form.querySelector('input[type=radio][name="' + name + '"][value="' + value + '"]');
    if (radio) {
      radio.checked = true;
      radio.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  function use(suggestion, item) {
    if (suggestion.provider_id) {
      setField("provider", suggestion.provider_id);
    }
    if (suggestion.category_id) {
      setField("category", suggestion.category_id);
    }
    if (suggestion.description) {
      setField("purpose", suggestion.description);
    }
    if (suggestion.duration) {
      checkRadio("duration_kind", suggestion.duration.kind);
      if (suggestion.duration.kind === "fixed") {
        setField("duration_value", suggestion.duration.value);
        setField("duration_unit", suggestion.duration.unit);
      }
    }
    const status = item.querySelector(".suggestion__status") || item.appendChild(element("p", "suggestion__status small"));
    status.setAttribute("role", "status");
    status.textContent = words.filled;
  }

  function describe(suggestion) {
    const item = element("li", "suggestion");
    item.appendChild(element("strong", "", suggestion.platform || suggestion.provider));
    if (suggestion.provider !== suggestion.platform) {
      item.append(" (" + suggestion.provider + ")");
    }
    if (!suggestion.provider_id) {
      item.append(" ", element("span", "small muted", "(" + words.toCreate + ")"));
    }
    item.append(" ", element("span", "badge", suggestion.quality_text));
    if (suggestion.doubtful) {
      item.append(" ", element("span", "badge badge--warning", words.doubtful));
    }
    item.append(" ", element("span", "names", suggestion.name + (suggestion.wildcard ? "*" : "")));
    const facts = element("p", "small");
    facts.append(suggestion.category);
    if (!suggestion.category_id) {
      facts.append(" (" + words.toCreate + ")");
    }
    facts.append(" · " + (suggestion.duration ? suggestion.duration.text : words.toConfirm.replace("%(text)s", suggestion.retention || "—")));
    if (suggestion.privacy_url) {
      const link = element("a", "", words.privacy);
      link.href = suggestion.privacy_url;
      link.rel = "noopener noreferrer";
      facts.append(" · ", link);
    }
    item.appendChild(facts);
    const description = element("p", "small", suggestion.description);
    description.lang = "en";
    item.appendChild(description);
    item.appendChild(element("p", "small muted", suggestion.source + " · " + suggestion.source_id));
    const button = element("button", "button button--secondary", words.use);
    button.type = "button";
    button.addEventListener("click", function () {
      use(suggestion, item);
    });
    item.appendChild(button);
    return item;
  }

  function show(name, suggestions) {
    list.replaceChildren();
    if (!suggestions.length) {
      return;
    }
    list.appendChild(element("p", "suggestions__title", words.heading.replace("%(name)s", name)));
    const items = element("ul", "suggestions");
    suggestions.forEach(function (suggestion) {
      items.appendChild(describe(suggestion));
    });
    list.appendChild(items);
  }

  function ask() {
    const name = currentName();
    const where = domain ? domain.value.trim() : "";
    if (name + "\n" + where === asked) {
      return;
    }
    asked = name + "\n" + where;
    if (request) {
      request.abort();
    }
    if (!name) {
      show(name, []);
      return;
    }
    request = new AbortController();
    const address = panel.dataset.url + "?" + new URLSearchParams({ name: name, domain: where });
    fetch(address, { signal: request.signal, headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : { suggestions: [] }))
      .then((answer) => show(name, answer.suggestions || []))
      .catch(function (error) {
        if (error.name !== "AbortError") {
          show(name, []);
        }
      });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, 300);
  }

  names.addEventListener("input", later);
  names.addEventListener("click", later);
  names.addEventListener("keyup", later);
  if (domain) {
    domain.addEventListener("input", later);
  }
  // The page shows what the "Suggest" button asked for; an entry opened to edit asks at once.
  if (!list.children.length) {
    ask();
  }
})();
