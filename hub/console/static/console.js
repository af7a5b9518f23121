// The console's only live parts: a region with data-refresh-url is fetched again every
// data-refresh-ms and replaced when it changed; a new case on the worklist is announced.
(function () {
  "use strict";
  var announce = document.getElementById("announce");
  document.querySelectorAll("[data-refresh-url]").forEach(function (region) {
    var every = parseInt(region.getAttribute("data-refresh-ms"), 10) || 5000;
    function refresh() {
      fetch(region.getAttribute("data-refresh-url") + window.location.search, {
        credentials: "same-origin",
        headers: { Accept: "text/html" },
      })
        .then(function (answer) {
          if (answer.redirected || !answer.ok) { return null; }
          var latest = answer.headers.get("X-Latest-Seq");
          return answer.text().then(function (html) { return { html: html, latest: latest }; });
        })
        .then(function (got) {
          if (!got) { return; }
          if (region.innerHTML.trim() !== got.html.trim()) { region.innerHTML = got.html; }
          var before = region.getAttribute("data-latest-seq");
          if (got.latest && before && got.latest !== before) {
            region.setAttribute("data-latest-seq", got.latest);
            if (announce) { announce.textContent = region.getAttribute("data-new-text") || ""; }
          }
        })
        .catch(function () { /* the hub is restarting: try again at the next tick */ })
        .finally(function () { window.setTimeout(refresh, every); });
    }
    window.setTimeout(refresh, every);
  });
})();
