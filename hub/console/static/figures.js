// Draws the figures page's charts with the vendored Chart.js; the same numbers are in the tables.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var rows = data[canvas.getAttribute("data-chart")] || [];
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: rows.map(function (r) { return r[0]; }),
        datasets: [{ label: canvas.getAttribute("data-label"), data: rows.map(function (r) { return r[1]; }),
                     backgroundColor: "#2f6f9f" }],
      },
      options: { animation: false, responsive: true, plugins: { legend: { display: false } },
                 // counts are whole numbers: no 0.1 ... 0.9 ticks (the waits are hours, fractions fine)
                 scales: { y: { beginAtZero: true,
                                ticks: canvas.hasAttribute("data-counts") ? { precision: 0 } : {} } } },
    });
  });
})();
