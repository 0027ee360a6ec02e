/* The advisors' inbox: fetches the open escalations every few seconds and redraws the list.
   Everything from the server goes in with textContent, never as HTML. */
(function () {
  "use strict";
  var list = document.getElementById("inbox-list");
  if (!list) {
    return;
  }
  var status = document.getElementById("inbox-status");
  var online = document.getElementById("inbox-online");
  var updated = document.getElementById("inbox-updated");
  var EVERY_MS = 5000;

  function element(tag, className, text) {
    var node = document.createElement(tag);
    node.className = className;
    node.textContent = text || "";
    return node;
  }

  function row(item) {
    var li = element("li", item.acute ? "inbox-item acute" : "inbox-item");
    var link = element("a", "ticket", item.ticket);
    link.href = "/adviseurs/escalaties/" + encodeURIComponent(item.ticket);
    li.appendChild(link);
    li.appendChild(element("span", "reason", item.reason_label));
    li.appendChild(element("span", "mode", item.mode_label));
    li.appendChild(element("span", "status", item.status_label));
    li.appendChild(element("span", "created", item.created_label));
    return li;
  }

  function draw(data) {
    var rows = data.items.length ? data.items.map(row) : [element("li", "inbox-empty", "Er staan geen open escalaties.")];
    list.replaceChildren.apply(list, rows);
    var count = data.items.length + " open " + (data.items.length === 1 ? "escalatie" : "escalaties");
    // Only a changed count is announced, so a screen reader is not interrupted every few seconds.
    if (status.textContent !== count) {
      status.textContent = count;
    }
    online.textContent = "Nu online: " + (data.online.join(", ") || "niemand");
    updated.textContent = "Bijgewerkt om " + new Date().toLocaleTimeString("nl-NL");
  }

  function signedOut() {
    status.textContent = "Je sessie is verlopen. ";
    var link = element("a", "", "Log opnieuw in");
    link.href = "/adviseurs/login";
    status.appendChild(link);
  }

  function refresh() {
    fetch(list.getAttribute("data-source"), { credentials: "same-origin", cache: "no-store" })
      .then(function (reply) {
        if (reply.status === 401) {
          signedOut();
          return null;
        }
        if (!reply.ok) {
          throw new Error("HTTP " + reply.status);
        }
        return reply.json().then(function (data) {
          draw(data);
          window.setTimeout(refresh, EVERY_MS);
        });
      })
      .catch(function () {
        updated.textContent = "De inbox kon even niet worden bijgewerkt. We proberen het zo opnieuw.";
        window.setTimeout(refresh, EVERY_MS);
      });
  }

  window.setTimeout(refresh, EVERY_MS);
})();
