/* The progress of a retraining on the maintainers' page: asks the server every few seconds and redraws the
   steps and the last output until the run has ended. Text goes in with textContent only, never as HTML. */
(function () {
  "use strict";
  var section = document.getElementById("hertraining");
  var url = section && section.getAttribute("data-source");
  if (!url) return;
  var EVERY_MS = 2000;

  function show(id, text) {
    var node = document.getElementById(id);
    if (node.textContent !== text) node.textContent = text;  // only a change is announced
  }

  function finish(run) {
    var reasons = document.getElementById("retrain-reasons");
    reasons.replaceChildren.apply(reasons, run.reasons.map(function (reason) {
      var item = document.createElement("li");
      item.textContent = reason;
      return item;
    }));
    if (run.report) {
      var link = document.createElement("a");
      link.href = run.report;
      link.textContent = "Rapport bekijken";
      document.getElementById("retrain-report").replaceChildren(link);
    }
    document.getElementById("retrain-outcome").classList.toggle("done", run.activated);
  }

  function refresh() {
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (reply) {
        if (reply.status === 401) {
          show("retrain-elapsed", "Je sessie is verlopen; log opnieuw in om de voortgang te zien.");
          return null;
        }
        return reply.ok ? reply.json() : Promise.reject(new Error("HTTP " + reply.status));
      })
      .then(function (run) {
        if (!run) return;
        show("retrain-elapsed", run.elapsed);
        show("retrain-outcome", run.outcome);
        show("retrain-steps", run.steps.join("\n"));
        show("retrain-tail", run.tail.join("\n"));
        if (run.running) {
          window.setTimeout(refresh, EVERY_MS);
        } else {
          finish(run);
        }
      })
      .catch(function () { window.setTimeout(refresh, EVERY_MS); });
  }

  window.setTimeout(refresh, EVERY_MS);
})();
