// The article reader: keyboard triage, highlight <-> candidate focus, add-from-selection,
// fetch()-enhanced triage forms and extraction-status polling. Every form also works
// without this script (plain POST, then a redirect back to the reader).
(function () {
  "use strict";
  var reader = document.getElementById("reader");
  if (!reader) return;
  var panels = document.getElementById("reader-panels");
  var live = document.getElementById("reader-live");
  var alertBox = document.getElementById("reader-alert");
  var dialog = document.getElementById("shortcuts-dialog");
  var lastSelection = null; // {start, end, text}: offsets into Article.body (code points)
  var lastCaret = null;

  // --- Helpers -----------------------------------------------------------------------------

  // Python counts code points, JavaScript counts UTF-16 units: count like Python.
  function cpLength(text) {
    return Array.from(text).length;
  }

  // "1 claim", "1,204 claims", as the page itself words them (humanize's intcomma).
  function counted(number, noun) {
    return number.toLocaleString("en-GB") + " " + noun + (number === 1 ? "" : "s");
  }

  function announce(message) {
    live.textContent = "";
    window.setTimeout(function () { live.textContent = message; }, 30);
  }

  function showError(message) {
    if (!message) {
      alertBox.hidden = true;
      alertBox.textContent = "";
      return;
    }
    alertBox.textContent = message;
    alertBox.hidden = false;
  }

  function body() {
    return document.getElementById("article-body");
  }

  // Inside a closed <details> an element can still have an offsetParent (Chromium hides
  // the content with content-visibility), so look for the closed ancestor itself.
  function isShown(el) {
    return !!el && !el.closest("details:not([open])") && el.getClientRects().length > 0;
  }

  function items() {
    // Visible candidates only (the rejected list is skipped while it is closed).
    return Array.prototype.filter.call(panels.querySelectorAll("li.cand"), isShown);
  }

  function current() {
    var active = document.activeElement;
    var item = active && active.closest ? active.closest("li.cand") : null;
    return item || panels.querySelector("li.cand.is-current");
  }

  function markCurrent(item) {
    panels.querySelectorAll("li.cand.is-current").forEach(function (el) {
      el.classList.remove("is-current");
      el.setAttribute("tabindex", "-1");
    });
    panels.querySelectorAll("mark.hl.is-current").forEach(function (el) { el.classList.remove("is-current"); });
    if (!item) return;
    item.classList.add("is-current");
    item.setAttribute("tabindex", "0");
    var marks = panels.querySelectorAll('mark.hl[data-cand="' + item.dataset.cand + '"]');
    marks.forEach(function (el) { el.classList.add("is-current"); });
    if (marks.length) marks[0].scrollIntoView({ block: "nearest" });
  }

  function focusItem(item) {
    if (!item) return;
    markCurrent(item);
    item.focus();
    item.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    var list = items();
    if (!list.length) return;
    var index = list.indexOf(current());
    var next = index === -1 ? (step > 0 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, index + step));
    focusItem(list[next]);
  }

  function isTyping(target) {
    if (!target || !target.closest) return false;
    return !!target.closest("input, textarea, select, [contenteditable=''], [contenteditable='true']");
  }

  // --- Selection in the body -> offsets into Article.body ----------------------------------

  function offsetIn(container, node, offset) {
    var range = document.createRange();
    range.setStart(container, 0);
    range.setEnd(node, offset);
    return cpLength(range.toString());
  }

  function readSelection() {
    var container = body();
    var selection = window.getSelection();
    if (!container || !selection || selection.rangeCount === 0) return;
    var range = selection.getRangeAt(0);
    if (!container.contains(range.startContainer) || !container.contains(range.endContainer)) return;
    var start = offsetIn(container, range.startContainer, range.startOffset);
    lastCaret = start;
    if (range.collapsed) {
      updateSelectionInfo(null);
      return;
    }
    var end = offsetIn(container, range.endContainer, range.endOffset);
    lastSelection = { start: start, end: end, text: range.toString() };
    var startField = document.getElementById("id_start");
    var endField = document.getElementById("id_end");
    if (startField && endField) {
      startField.value = start;
      endField.value = end;
    }
    // Span editing by selection: an open edit form takes the selected text as its new span.
    var item = panels.querySelector("li.cand.is-current");
    var open = item && item.querySelector("details.cand-edit[open] form");
    if (open) useSelection(open);
    updateSelectionInfo(lastSelection);
  }

  function useSelection(form) {
    if (!lastSelection) return;
    form.querySelector('input[name$="-start"]').value = lastSelection.start;
    form.querySelector('input[name$="-end"]').value = lastSelection.end;
    var note = form.querySelector(".js-span-preview");
    if (note) {
      var text = lastSelection.text.length > 120 ? lastSelection.text.slice(0, 120) + "…" : lastSelection.text;
      note.textContent = "New span: “" + text + "”";
    }
  }

  function updateSelectionInfo(sel) {
    var info = document.getElementById("selection-info");
    if (!info || !sel) return;
    var preview = sel.text.length > 80 ? sel.text.slice(0, 80) + "…" : sel.text;
    info.textContent = "Selected characters " + sel.start + "–" + sel.end + ": “" + preview + "”";
  }

  var selectionTimer = null;
  document.addEventListener("selectionchange", function () {
    window.clearTimeout(selectionTimer);
    selectionTimer = window.setTimeout(readSelection, 120);
  });

  // --- The edit and split forms ----------------------------------------------------------------

  // The page carries one empty form of each kind (<template id="form-template-...">), not one
  // per candidate: it is copied into a candidate's "Edit" or "Split" when that is opened, and
  // filled from the candidate's data attributes. Without this script the disclosure holds a
  // link that has the server draw that one form instead.
  function ensureForm(details) {
    if (!details || details.querySelector("form")) return;
    var item = details.closest("li.cand");
    if (!item) return;
    var prefix = details.dataset.form;
    var kind = details.classList.contains("cand-split") ? "claim-split" : item.dataset.kind + "-edit";
    var template = document.getElementById("form-template-" + kind);
    if (!template) return;
    var fragment = template.content.cloneNode(true);
    var form = fragment.querySelector("form");
    form.setAttribute("action", details.dataset.action);
    form.querySelectorAll("[name], [id], [for], [aria-describedby]").forEach(function (el) {
      ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value && value.indexOf("__prefix__") !== -1) el.setAttribute(attr, value.split("__prefix__").join(prefix));
      });
    });
    function fill(name, value) {
      var field = form.querySelector('[name="' + prefix + "-" + name + '"]');
      if (field && value !== undefined) field.value = value;
    }
    fill("version", item.dataset.version);
    fill("start", item.dataset.start);
    fill("end", item.dataset.end);
    fill("speaker_name", details.dataset.speaker);
    var low = form.querySelector(".js-split-min");
    var high = form.querySelector(".js-split-max");
    if (low) low.textContent = Number(item.dataset.start) + 1;
    if (high) high.textContent = Number(item.dataset.end) - 1;
    form.querySelectorAll(".js-use-selection, .js-use-caret").forEach(function (el) { el.hidden = false; });
    var fallback = details.querySelector(".js-form-fallback");
    if (fallback) fallback.remove();
    details.appendChild(fragment);
  }

  // "toggle" does not bubble: listen in the capture phase, for the panels drawn again too.
  panels.addEventListener(
    "toggle",
    function (event) {
      var details = event.target;
      if (details.open && details.matches && details.matches("details.cand-edit, details.cand-split")) {
        ensureForm(details);
      }
    },
    true
  );
  panels.querySelectorAll("details.cand-edit[open], details.cand-split[open]").forEach(ensureForm);

  // --- Fetch-enhanced forms -----------------------------------------------------------------

  function clearFormErrors(form) {
    form.querySelectorAll(".is-invalid").forEach(function (el) {
      el.classList.remove("is-invalid");
      el.removeAttribute("aria-invalid");
    });
    form.querySelectorAll(".js-field-error").forEach(function (el) { el.remove(); });
    var box = form.querySelector(".js-errors");
    if (box) box.textContent = "";
  }

  function showFormErrors(form, errors, message) {
    clearFormErrors(form);
    var box = form.querySelector(".js-errors");
    var general = [];
    Object.keys(errors || {}).forEach(function (name) {
      var field = name === "__all__" ? null : form.querySelector('[name="' + name + '"]');
      if (!field || field.type === "hidden") {
        general = general.concat(errors[name]);
        return;
      }
      var id = field.id + "-js-error";
      var note = document.createElement("div");
      note.className = "invalid-feedback js-field-error";
      note.id = id;
      note.textContent = errors[name].join(" ");
      field.classList.add("is-invalid");
      field.setAttribute("aria-invalid", "true");
      field.setAttribute("aria-describedby", id);
      field.insertAdjacentElement("afterend", note);
    });
    if (box) box.textContent = general.length ? general.join(" ") : message || "";
    var first = form.querySelector(".is-invalid");
    if (first) first.focus();
  }

  // After a change the panels are drawn again and the focus goes to `focusKey`'s candidate, or,
  // with `after`, to the one that follows it (accept, merge: the next item to look at); when
  // that is gone from the list (rejected), to the item now at `fallbackIndex`.
  function reloadPanels(focusKey, fallbackIndex, after) {
    var openDetails = Array.prototype.map.call(panels.querySelectorAll("details[open][id]"), function (d) {
      return d.id;
    });
    return fetch(reader.dataset.panelsUrl, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        panels.innerHTML = html;
        openDetails.forEach(function (id) {
          var d = document.getElementById(id);
          if (d) d.open = true;
        });
        if (fallbackIndex < 0) return; // a background refresh: leave the focus where it is
        var target = focusKey && document.getElementById("cand-" + focusKey);
        if (after && isShown(target)) {
          var shown = items();
          target = shown[Math.min(shown.indexOf(target) + 1, shown.length - 1)];
        }
        if (!isShown(target)) {
          var list = items();
          target = list[Math.min(fallbackIndex || 0, list.length - 1)];
        }
        if (target) focusItem(target);
      });
  }

  function submitForm(form, submitter) {
    var kind = form.dataset.kind;
    // Accept and Reject are buttons of the one #decide-form: their candidate is the button's.
    var item = (submitter || form).closest("li.cand") || form.closest("li.cand");
    var key = item ? item.dataset.cand : null;
    var index = item ? Math.max(0, items().indexOf(item)) : 0;
    var action = (submitter && submitter.getAttribute("formaction")) || form.action;
    var data = new FormData(form);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    var token = form.querySelector('input[name="csrfmiddlewaretoken"]');
    var buttons = Array.prototype.slice.call(form.querySelectorAll("button"));
    if (submitter && buttons.indexOf(submitter) === -1) buttons.push(submitter);
    buttons.forEach(function (b) { b.disabled = true; });
    showError("");
    fetch(action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": token ? token.value : "" },
    })
      .then(function (response) {
        return response.json().then(function (json) { return { status: response.status, json: json }; },
          function () { return { status: response.status, json: { ok: false, message: "The server answered " + response.status + "; nothing was saved." } }; });
      })
      .then(function (result) {
        var json = result.json;
        if (json.ok) {
          announce(json.message);
          return reloadPanels(json.key || key, index, kind === "decide" || kind === "merge");
        }
        if (result.status === 409 && (kind === "edit" || kind === "split") && json.version) {
          // Someone else saved first: keep what this editor typed, show what changed, and
          // base a new save on the current version (saving again is a deliberate choice).
          var version = form.querySelector('input[name$="version"]');
          if (version) version.value = json.version;
          showFormErrors(form, {}, json.message);
          showError(json.message);
          buttons.forEach(function (b) { b.disabled = false; });
          return null;
        }
        buttons.forEach(function (b) { b.disabled = false; });
        if (json.errors) {
          showFormErrors(form, json.errors, json.message);
          if (kind !== "add" && kind !== "edit" && kind !== "split") showError(json.message);
          return null;
        }
        showError(json.message || "Nothing was saved.");
        if (result.status === 409) return reloadPanels(key, index);
        return null;
      })
      .catch(function () {
        buttons.forEach(function (b) { b.disabled = false; });
        showError("Could not reach the server: nothing was saved. Check the connection and try again.");
      });
  }

  panels.addEventListener("submit", function (event) {
    var form = event.target.closest("form.js-triage");
    if (!form || !window.fetch) return;
    event.preventDefault();
    submitForm(form, event.submitter);
  });

  panels.addEventListener("click", function (event) {
    var mark = event.target.closest("mark.hl[data-cand]");
    if (mark) {
      var selection = window.getSelection();
      if (selection && !selection.isCollapsed) return; // the editor is selecting text, not picking
      var item = document.getElementById("cand-" + mark.dataset.cand);
      if (item && !isShown(item)) {
        var rejected = document.getElementById("rejected-candidates");
        if (rejected) rejected.open = true;
      }
      focusItem(item);
      return;
    }
    var use = event.target.closest(".js-use-selection");
    if (use && lastSelection) {
      useSelection(use.closest("form"));
      return;
    }
    var caret = event.target.closest(".js-use-caret");
    if (caret && lastCaret !== null) {
      caret.closest("form").querySelector('input[name$="-at"]').value = lastCaret;
    }
    var clicked = event.target.closest("li.cand");
    if (clicked) markCurrent(clicked);
  });

  // The "use selection" helpers need this script: reveal them only when it runs.
  function revealHelpers() {
    panels.querySelectorAll(".js-use-selection, .js-use-caret").forEach(function (el) { el.hidden = false; });
  }
  revealHelpers();
  new MutationObserver(revealHelpers).observe(panels, { childList: true });

  // --- Keyboard -------------------------------------------------------------------------------

  // a / r: decide and move on. A candidate already decided that way is passed over the same.
  function press(item, selector, already) {
    if (!item) return;
    var button = item.querySelector(selector);
    if (button && !button.disabled) {
      button.form.requestSubmit(button);
    } else if (button) {
      announce(already);
      move(1);
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    if (dialog && dialog.open) return; // the dialog handles Esc itself
    if (isTyping(event.target)) return;
    var item = current();
    switch (event.key) {
      case "j":
        move(1);
        break;
      case "k":
        move(-1);
        break;
      case "a":
        press(item, "button.cand-accept", "Already accepted");
        break;
      case "r":
        press(item, "button.cand-reject", "Already rejected");
        break;
      case "e":
        if (!item) return;
        var details = item.querySelector("details.cand-edit");
        if (!details) return;
        details.open = true;
        ensureForm(details);
        // A quote's speaker is what is most often wrong. A claim has only its span: selecting
        // the new text in the article sets it; from the keyboard, the offsets are the way.
        var field = details.querySelector("input[name$='-speaker_name']");
        if (!field) {
          var offsets = details.querySelector("details.cand-offsets");
          if (offsets) offsets.open = true;
          field = details.querySelector("input:not([type=hidden])");
        }
        if (field) field.focus();
        break;
      case "m":
        var box = item && item.querySelector("input.merge-check");
        if (!box) return;
        box.checked = !box.checked;
        announce((box.checked ? "Selected " : "Unselected ") + "claim " + item.dataset.pk + " for merging");
        break;
      case "Enter":
        // Only on the candidate itself: Enter on a button or link does what it always does.
        if (!item || document.activeElement !== item) return;
        window.location.href = item.dataset.openUrl;
        break;
      case "?":
        if (dialog && dialog.showModal) dialog.showModal();
        break;
      default:
        return;
    }
    event.preventDefault();
  });

  var shortcutsButton = document.getElementById("shortcuts-button");
  if (shortcutsButton && dialog && dialog.showModal) {
    shortcutsButton.addEventListener("click", function () { dialog.showModal(); });
  }

  // Arriving with #cand-claim-12 (from a list or after a no-JS action): focus that candidate.
  if (window.location.hash.indexOf("#cand-") === 0) {
    var target = document.getElementById(window.location.hash.slice(1));
    if (target) {
      var closedParent = target.closest("details:not([open])");
      if (closedParent) closedParent.open = true;
      focusItem(target);
    }
  }

  // --- Extraction status ------------------------------------------------------------------------

  var stateEl = document.getElementById("extraction-state");
  var errorEl = document.getElementById("extraction-error");
  function poll() {
    fetch(reader.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (status) {
        stateEl.className = "state state-" + status.state;
        reader.dataset.state = status.state;
        if (status.finished) {
          window.clearInterval(timer);
          stateEl.textContent =
            status.state === "done" ? status.label + " — " + counted(status.claims, "claim") + ", " + counted(status.quotes, "quote") : status.label;
          var wait = document.getElementById("extraction-wait");
          if (wait) wait.hidden = true;
          if (errorEl) errorEl.textContent = status.state === "failed" ? status.error : "";
          reloadPanels(null, -1);
        } else {
          stateEl.textContent = status.label;
        }
      })
      .catch(function () { /* try again on the next tick */ });
  }
  var timer = null;
  if (reader.dataset.state === "pending" || reader.dataset.state === "running") {
    timer = window.setInterval(poll, 2000);
  }
})();
