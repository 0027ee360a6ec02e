/* A live chat's transcript on the advisor's escalation page, refreshed every few seconds
   so the professional's messages appear without a reload, with whether the professional is
   typing right now. Text goes in with textContent only. */
(function () {
  "use strict";
  var section = document.getElementById("gesprek");
  var url = section && section.getAttribute("data-live");
  if (!url) return;
  var typing = document.getElementById("professional-typing");
  var shown = -1;

  function line(item) {
    var box = document.createElement("div");
    box.className = "line " + item.who;
    var label = document.createElement("p");
    label.className = "muted";
    label.textContent = item.label;
    var text = document.createElement("p");
    text.textContent = item.text;
    box.appendChild(label);
    box.appendChild(text);
    return box;
  }

  function showTyping(on) {
    var text = on ? "De professional typt…" : "";
    if (typing && typing.textContent !== text) typing.textContent = text;  // unchanged: nothing to announce
  }

  function refresh() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (reply) { return reply.ok ? reply.json() : null; })
      .then(function (data) {
        if (!data || !Array.isArray(data.lines)) return;
        showTyping(data.typing === true);
        if (data.lines.length === shown) return;
        shown = data.lines.length;
        var heading = section.querySelector("h2");
        section.replaceChildren(heading);
        data.lines.forEach(function (item) { section.appendChild(line(item)); });
      })
      .catch(function () { /* the next tick tries again */ });
  }

  setInterval(refresh, 3000);
})();
