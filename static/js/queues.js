// The queue pages: "select all on this page" for bulk actions, and the suggested-links
// queue's keyboard (j/k to move, c to confirm, d to dismiss) with decisions made in place.
// Without this script the pages still work: checkboxes post as a plain form, and each
// link's buttons post and come back to the queue.
(function () {
  "use strict";

  // --- Bulk selection -------------------------------------------------------------------
  var bulk = document.getElementById("bulk-form");
  if (bulk) {
    var all = document.getElementById("select-all");
    var boxes = Array.prototype.slice.call(bulk.querySelectorAll("input.queue-select"));
    var counter = document.getElementById("selected-count");
    var buttons = Array.prototype.slice.call(bulk.querySelectorAll("button.bulk-action"));
    var update = function () {
      var n = boxes.filter(function (b) { return b.checked; }).length;
      if (counter) counter.textContent = n + " selected";
      buttons.forEach(function (b) { b.disabled = n === 0; });
      if (all) {
        all.checked = n > 0 && n === boxes.length;
        all.indeterminate = n > 0 && n < boxes.length;
      }
    };
    if (all) {
      all.addEventListener("change", function () {
        boxes.forEach(function (b) { b.checked = all.checked; });
        update();
      });
    }
    boxes.forEach(function (b) { b.addEventListener("change", update); });
    update();
  }

  // --- Suggested links ------------------------------------------------------------------
  var queue = document.getElementById("link-queue");
  if (!queue) return;
  var status = document.getElementById("links-status");
  var rows = function () { return Array.prototype.slice.call(queue.querySelectorAll("li.link-row")); };
  var undecided = function () { return rows().filter(function (r) { return !r.classList.contains("is-decided"); }); };

  var current = function () {
    var active = document.activeElement;
    return active && active.closest ? active.closest("li.link-row") : null;
  };

  var focusRow = function (row) {
    if (!row) return;
    row.focus();
    row.scrollIntoView({ block: "nearest" });
  };

  var move = function (step) {
    var list = rows();
    var here = list.indexOf(current());
    var next = here < 0 ? (step > 0 ? 0 : list.length - 1) : here + step;
    if (next >= 0 && next < list.length) focusRow(list[next]);
  };

  var say = function (text) {
    if (status) status.textContent = text;
  };

  var decide = function (form) {
    var row = form.closest("li.link-row");
    if (!row || row.classList.contains("is-decided") || row.classList.contains("is-busy")) return;
    row.classList.add("is-busy");
    var message = row.querySelector(".link-message");
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok && data.ok, data: data }; });
      })
      .then(function (answer) {
        row.classList.remove("is-busy");
        if (!answer.ok) {
          if (message) {
            message.hidden = false;
            message.textContent = answer.data.message || "Not saved.";
          }
          say(answer.data.message || "Not saved.");
          return;
        }
        var state = answer.data.state || form.dataset.decision;
        row.classList.add("is-decided", "is-" + state);
        var label = row.querySelector(".link-state");
        if (label) label.textContent = state.charAt(0).toUpperCase() + state.slice(1);
        row.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
        if (message) message.hidden = true;
        say(answer.data.message);
        // On to the next link still waiting, after this one.
        var list = rows();
        var after = list.slice(list.indexOf(row) + 1).filter(function (r) { return !r.classList.contains("is-decided"); });
        focusRow(after[0] || undecided()[0] || row);
      })
      .catch(function () {
        row.classList.remove("is-busy");
        say("Not saved: the desk could not be reached. Try again.");
      });
  };

  queue.addEventListener("submit", function (event) {
    var form = event.target.closest("form.link-decide");
    if (!form) return;
    event.preventDefault();
    decide(form);
  });

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    var key = event.key;
    if (key === "j" || key === "k") {
      event.preventDefault();
      move(key === "j" ? 1 : -1);
      return;
    }
    if (key === "c" || key === "d") {
      var row = current();
      if (!row) return;
      var form = row.querySelector('form.link-decide[data-decision="' + (key === "c" ? "confirm" : "dismiss") + '"]');
      if (!form) return;
      event.preventDefault();
      decide(form);
    }
  });
})();
