// The pasted-link page while the desk fetches the article: ask the server every two seconds
// (JSON, no page load) and load the page again only when the fetch is over (the server then
// redirects to the new article, or shows why the fetch failed). A timed full-page refresh
// (<meta http-equiv="refresh">) would move a screen reader back to the top every two seconds
// (axe-core: meta-refresh, WCAG 2.2.1). Without this script the "Check again" link does it.
(function () {
  "use strict";
  var wait = document.getElementById("link-wait");
  if (!wait) return;
  var poll = function () {
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (status) {
        if (status.pending) window.setTimeout(poll, 2000);
        else window.location.reload();
      })
      .catch(function () { window.setTimeout(poll, 4000); });
  };
  window.setTimeout(poll, 2000);
})();
