// The search page: on a phone the filters fold away once they are valid, so the results
// come first; the summary says how many are in use and opens them again.
(function () {
  "use strict";
  const panel = document.getElementById("filter-panel");
  if (panel && panel.hasAttribute("data-collapse-on-phone") && window.matchMedia("(max-width: 767.98px)").matches) {
    panel.open = false;
  }
})();
