/*
 * Platform JEP chat widget, part "forms": what the professional tells us back. The thumbs under
 * article cards (POST /feedback) and, after a live chat with an advisor, one question about how the
 * chat helped (POST /beoordeling/live, stored with the advisor's escalation). widget.js loads this
 * file and hands it the widget `w` it shares with the other parts.
 */
(function (parts) {
  "use strict";
  var LIVE_ANSWERS = [[3, "Goed geholpen"], [2, "Een beetje geholpen"], [1, "Niet geholpen"]];

  parts.forms = function (w) {
    var el = w.el;
    var APP = w.APP;

    // ---------- under the article cards: was this useful? ----------
    function renderRating(payload, entry) {
      var box = el("div", "jep-rating");
      if (entry.rated) {
        box.appendChild(el("p", null, "Bedankt voor je reactie."));
        return box;
      }
      box.appendChild(el("span", null, "Was dit nuttig?"));
      [["up", "Ja, dit was nuttig"], ["down", "Nee, dit was niet nuttig"]].forEach(function (r) {
        var b = el("button", "jep-secondary jep-thumb");
        b.type = "button";
        b.appendChild(w.icon("thumb-" + r[0]));
        b.appendChild(el("span", "jep-visually-hidden", r[1]));
        b.title = r[1];
        b.addEventListener("click", function () {
          rate(r[0], payload).then(function (ok) {
            if (!ok) { box.replaceChildren(el("p", null, "Je reactie kon niet worden opgeslagen. Probeer het later opnieuw.")); return; }
            entry.rated = r[0];
            w.save();
            box.replaceChildren(el("p", null, "Bedankt voor je reactie."));
            w.input.focus();
          });
        });
        box.appendChild(b);
      });
      return box;
    }

    function rate(rating, payload) {
      return fetch(APP + "/feedback", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          session_id: w.state.session, resume_token: w.state.token, rating: rating, query: payload.query || "",
          articles: (payload.items || []).map(function (i) { return i.id; }),
        }),
      }).then(function (r) { return r.ok; }, function () { return false; });
    }

    // ---------- after a live chat: one question, stored with the advisor's escalation ----------
    var questions = 0;

    function renderLiveRating(entry) {
      var box = el("div", "jep-live-rating");
      if (entry.rated) {
        box.appendChild(el("p", null, "Bedankt voor je beoordeling."));
        return box;
      }
      var question = el("p", "jep-question", "Hoe heeft het gesprek met de adviseur je geholpen?");
      question.id = "jep-live-question-" + (++questions);
      var answers = el("div", "jep-buttons");
      answers.setAttribute("role", "group");
      answers.setAttribute("aria-labelledby", question.id);
      var problem = el("p", "jep-muted");
      problem.setAttribute("role", "status");
      LIVE_ANSWERS.forEach(function (answer) {
        var b = el("button", "jep-secondary", answer[1]);
        b.type = "button";
        b.addEventListener("click", function () {
          var buttons = answers.querySelectorAll("button");
          buttons.forEach(function (other) { other.disabled = true; });
          rateLive(answer[0]).then(function (result) {
            if (result.ok) {
              entry.rated = answer[0];
              w.save();
              box.replaceChildren(el("p", null, "Bedankt voor je beoordeling."));
              w.input.focus();
              return;
            }
            problem.textContent = result.error;
            // Already rated or no live chat: trying again cannot help; anything else may.
            if (!result.final) buttons.forEach(function (other) { other.disabled = false; });
          });
        });
        answers.appendChild(b);
      });
      box.appendChild(question);
      box.appendChild(answers);
      box.appendChild(problem);
      return box;
    }

    function rateLive(rating) {
      var failed = { ok: false, final: false, error: "Je beoordeling kon niet worden opgeslagen. Probeer het later opnieuw." };
      return fetch(APP + "/beoordeling/live", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ session_id: w.state.session, resume_token: w.state.token, rating: rating }),
      }).then(function (r) {
        if (r.ok) return { ok: true };
        return r.json().then(function (body) {
          var said = body && typeof body.error === "string" ? body.error : failed.error;
          return { ok: false, final: r.status === 409, error: said };
        }, function () { return failed; });
      }, function () { return failed; });
    }

    w.renderRating = renderRating;
    w.renderLiveRating = renderLiveRating;
  };
})(window.JEPWidget || (window.JEPWidget = {}));
