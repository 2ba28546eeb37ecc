// Dashboard charts, drawn with the vendored Chart.js from data the page embeds with json_script.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-charts");
  if (!source || typeof window.Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var common = {
    responsive: true,
    maintainAspectRatio: false,
    animation: reduce ? false : undefined,
    plugins: { legend: { display: false } },
    scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
  };
  var verdicts = document.getElementById("chart-verdicts");
  if (verdicts) {
    new window.Chart(verdicts, {
      type: "bar",
      data: {
        labels: data.verdicts.labels,
        datasets: [{ label: "Claims", data: data.verdicts.counts, backgroundColor: data.verdicts.colours }],
      },
      options: common,
    });
  }
  var perDay = document.getElementById("chart-per-day");
  if (perDay) {
    new window.Chart(perDay, {
      type: "bar",
      data: {
        labels: data.per_day.labels,
        datasets: [{ label: "Checks completed", data: data.per_day.counts, backgroundColor: "#0d6efd" }],
      },
      options: common,
    });
  }
})();
