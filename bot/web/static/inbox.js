/* On every advisor page: fetches the inbox every few seconds, shows the number waiting in the
   page title, a banner while a professional waits in the live chat, and announces each new
   escalation with a short tone and a browser notification (acute ones with a distinct tone and
   a notification that stays). On the inbox page it also redraws the list.
   Everything from the server goes in with textContent, never as HTML; a notification names the
   ticket, the reason and the way of contact, never what the professional wrote. */
(function () {
  "use strict";
  var list = document.getElementById("inbox-list");
  var banner = document.getElementById("live-banner");
  var toggle = document.getElementById("notify-toggle");
  var status = document.getElementById("inbox-status");
  var online = document.getElementById("inbox-online");
  var updated = document.getElementById("inbox-updated");
  var source = list ? list.getAttribute("data-source") : "/api/escalations";
  var baseTitle = document.title.replace(/^\(\d+\) /, "");
  var EVERY_MS = 5000;
  var PREFERENCE = "jep-meldingen";
  var known = null; // tickets waiting at the first look: not new work
  var audio = null;

  function element(tag, className, text) {
    var node = document.createElement(tag);
    node.className = className;
    node.textContent = text || "";
    return node;
  }

  function row(item) {
    var names = "inbox-item" + (item.acute ? " acute" : "") + (item.service_level === "overdue" ? " overdue" : "");
    var li = element("li", names);
    var link = element("a", "ticket", item.ticket);
    link.href = "/adviseurs/escalaties/" + encodeURIComponent(item.ticket);
    li.appendChild(link);
    li.appendChild(element("span", "reason", item.reason_label));
    li.appendChild(element("span", "mode", item.mode_label + (item.moment_label ? " (" + item.moment_label + ")" : "")));
    li.appendChild(element("span", "status", item.status_label));
    li.appendChild(element("span", "waiting", "Wacht " + item.waiting_label));
    if (item.service_level_label) li.appendChild(element("span", "service-level", item.service_level_label));
    var about = [item.topic_label || "Onderwerp onbekend", item.setting_label, item.region].filter(Boolean);
    li.appendChild(element("span", "case", about.join(" · ")));
    if (item.question) li.appendChild(element("span", "question", item.question));
    return li;
  }

  function drawList(data) {
    var rows = data.items.length ? data.items.map(row) : [element("li", "inbox-empty", "Er staan hier geen escalaties.")];
    list.replaceChildren.apply(list, rows);
    var count = data.counts.waiting + " wachtend, " + data.counts.overdue + " over de servicenorm";
    // Only a changed count is announced, so a screen reader is not interrupted every few seconds.
    if (status.textContent !== count) status.textContent = count;
    online.textContent = "Nu online: " + (data.online.join(", ") || "niemand");
    updated.textContent = "Bijgewerkt om " + new Date().toLocaleTimeString("nl-NL");
  }

  function drawBanner(data) {
    var live = data.waiting.filter(function (item) { return item.mode === "live"; });
    if (!live.length) {
      banner.hidden = true;
      return;
    }
    var text = live.length === 1 ? "Er wacht een professional in de live chat: " : live.length + " professionals wachten in de live chat: ";
    banner.replaceChildren(document.createTextNode(text));
    var link = element("a", "", live[0].ticket);
    link.href = "/adviseurs/escalaties/" + encodeURIComponent(live[0].ticket);
    banner.appendChild(link);
    banner.hidden = false;
  }

  function tone(acute) {
    if (!audio) return;
    // Acute: three high beeps; other work: one soft, lower one.
    var notes = acute ? [[880, 0], [880, 0.25], [1175, 0.5]] : [[523, 0]];
    notes.forEach(function (note) {
      var oscillator = audio.createOscillator();
      var gain = audio.createGain();
      var start = audio.currentTime + note[1];
      oscillator.frequency.value = note[0];
      oscillator.type = acute ? "square" : "sine";
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(acute ? 0.2 : 0.1, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.2);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(start);
      oscillator.stop(start + 0.22);
    });
  }

  function announce(item) {
    if (window.localStorage.getItem(PREFERENCE) !== "aan") return;
    tone(item.acute);
    if (!("Notification" in window) || Notification.permission !== "granted") return;
    var title = item.acute ? "Acute escalatie " + item.ticket : "Nieuwe escalatie " + item.ticket;
    try {
      var note = new Notification(title, {
        body: item.reason_label + ". " + item.mode_label + ".",
        tag: item.ticket,
        requireInteraction: !!item.acute,
      });
      note.onclick = function () {
        window.focus();
        window.location.href = "/adviseurs/escalaties/" + encodeURIComponent(item.ticket);
      };
    } catch (refused) {
      // Some browsers only notify through a service worker; the tone and the banner still tell.
    }
  }

  function noticeNewWork(data) {
    var now = {};
    data.waiting.forEach(function (item) { now[item.ticket] = true; });
    var fresh = known === null ? [] : data.waiting.filter(function (item) { return !known[item.ticket]; });
    known = now;
    fresh.forEach(announce);
  }

  function draw(data) {
    document.title = (data.counts.waiting ? "(" + data.counts.waiting + ") " : "") + baseTitle;
    if (list) drawList(data);
    if (banner) drawBanner(data);
    noticeNewWork(data);
  }

  function signedOut() {
    if (!status) return;
    status.textContent = "Je sessie is verlopen. ";
    var link = element("a", "", "Log opnieuw in");
    link.href = "/adviseurs/login";
    status.appendChild(link);
  }

  function refresh() {
    fetch(source, { credentials: "same-origin", cache: "no-store" })
      .then(function (reply) {
        if (reply.status === 401) {
          signedOut();
          return null;
        }
        if (!reply.ok && reply.status !== 400) throw new Error("HTTP " + reply.status);
        return reply.json().then(function (data) {
          draw(data);
          window.setTimeout(refresh, EVERY_MS);
        });
      })
      .catch(function () {
        if (updated) updated.textContent = "De inbox kon even niet worden bijgewerkt. We proberen het zo opnieuw.";
        window.setTimeout(refresh, EVERY_MS);
      });
  }

  function showPreference() {
    if (!toggle) return;
    var on = window.localStorage.getItem(PREFERENCE) === "aan";
    var denied = "Notification" in window && Notification.permission === "denied";
    toggle.textContent = on ? (denied ? "Geluid staat aan (meldingen geblokkeerd in de browser)" : "Meldingen en geluid staan aan") : "Meldingen en geluid aanzetten";
    toggle.setAttribute("aria-pressed", on ? "true" : "false");
  }

  function startAudio() {
    // A browser only plays sound after the advisor did something on the page.
    if (!audio && window.AudioContext) audio = new window.AudioContext();
    if (audio && audio.state === "suspended") audio.resume();
  }

  if (toggle) {
    toggle.addEventListener("click", function () {
      var on = window.localStorage.getItem(PREFERENCE) === "aan";
      if (on) {
        window.localStorage.removeItem(PREFERENCE);
        audio = null;
        showPreference();
        return;
      }
      window.localStorage.setItem(PREFERENCE, "aan");
      startAudio();
      var asked = "Notification" in window && Notification.permission === "default" ? Notification.requestPermission() : null;
      Promise.resolve(asked).then(showPreference);
      showPreference();
    });
    showPreference();
    if (window.localStorage.getItem(PREFERENCE) === "aan") {
      document.addEventListener("click", startAudio, { once: true });
      document.addEventListener("keydown", startAudio, { once: true });
    }
  }

  refresh();
})();
