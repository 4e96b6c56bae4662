// Charts of the paperless report, drawn with Chart.js from the data table beside each chart (the table
// stays: it is what a screen reader, a printout and a reader who cannot tell colours apart read).
(function () {
  "use strict";
  if (typeof window.Chart !== "function") { return; }
  document.querySelectorAll("canvas[data-chart-for]").forEach(function (canvas) {
    var table = document.getElementById(canvas.getAttribute("data-chart-for"));
    if (!table) { return; }
    var labels = [];
    var values = [];
    table.querySelectorAll("tbody tr").forEach(function (row) {
      var cell = row.querySelector("td[data-value]");
      labels.push(row.querySelector("th").textContent.trim());
      values.push(cell && cell.getAttribute("data-value") !== "" ? Number(cell.getAttribute("data-value")) : null);
    });
    canvas.hidden = false;
    // One series per chart, each bar named on its axis and its value written by it: nothing is told by colour.
    new window.Chart(canvas, {
      type: "bar",
      data: { labels: labels, datasets: [{ label: table.getAttribute("data-chart-label"), data: values,
        backgroundColor: "#0b5cad", borderColor: "#1d2433", borderWidth: 1 }] },
      options: {
        indexAxis: "y", animation: false, responsive: true, maintainAspectRatio: false,
        plugins: { legend: { display: false }, tooltip: { enabled: true } },
        scales: { x: { beginAtZero: true } },
      },
      plugins: [{
        id: "values",
        afterDatasetsDraw: function (chart) {
          var ctx = chart.ctx;
          ctx.save();
          ctx.fillStyle = "#1d2433";
          ctx.textBaseline = "middle";
          chart.getDatasetMeta(0).data.forEach(function (bar, i) {
            var value = chart.data.datasets[0].data[i];
            if (value !== null) { ctx.fillText(String(value), bar.x + 4, bar.y); }
          });
          ctx.restore();
        },
      }],
    });
    canvas.parentElement.style.height = Math.max(120, labels.length * 28 + 40) + "px";  // the .chart-canvas box
  });
})();
