/*
 * Platform JEP chat widget. Embed with one tag:
 *   <script src="https://<app>/static/widget.js" data-server="https://<rasa>" defer></script>
 * Optional: data-target="<element id>" renders inline instead of as a floating panel.
 *
 * It speaks socket.io to the Rasa server and renders the reply contract
 * (shared/contract/payloads.md). Every piece of text goes in with textContent
 * and every link is checked, so nothing from a message or an article can run.
 *
 * A live chat with an advisor starts with a reply marked `live: "started"` (or
 * the first advisor message) and ends with `live: "ended"`. In between the
 * widget tells the advisor when the professional is typing; at the end it asks
 * one question about how the chat helped.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var APP = new URL(script.src).origin;
  var SERVER = script.getAttribute("data-server") || APP.replace(/:\d+$/, ":5005");
  var TARGET = script.getAttribute("data-target");
  var STORE = "jep-chat";

  // ---------- state: kept for this browser tab, so a reload keeps the conversation ----------
  // The resume token proves to the server that this tab owns the conversation; it stays in the tab.
  function loadState() {
    try { return JSON.parse(sessionStorage.getItem(STORE)) || null; } catch (e) { return null; }
  }
  var state = loadState() || { session: null, token: null, log: [], live: false };
  function save() { sessionStorage.setItem(STORE, JSON.stringify(state)); }

  // ---------- small DOM helpers ----------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function safeHref(url) {
    if (typeof url !== "string") return null;
    if (url.charAt(0) === "/" && url.charAt(1) !== "/") return APP + url;
    return /^https:\/\/[^\s]+$/i.test(url) ? url : null;
  }
  function telHref(phone) {
    var digits = String(phone || "").replace(/[^\d+]/g, "");
    return digits ? "tel:" + digits : null;
  }
  function link(text, href, label) {
    var a = el("a", "jep-link", text);
    a.href = href;
    if (label) a.setAttribute("aria-label", label);
    if (/^https:/i.test(href)) { a.target = "_blank"; a.rel = "noopener noreferrer"; }
    return a;
  }

  // ---------- the widget's frame ----------
  var root = el("section", "jep-widget");
  root.setAttribute("aria-label", "Chat met de assistent van Platform JEP");
  var header = el("div", "jep-header");
  header.appendChild(el("h2", "jep-title", "Vraag het de assistent"));
  var fresh = el("button", "jep-secondary", "Nieuw gesprek");
  fresh.type = "button";
  header.appendChild(fresh);
  root.appendChild(header);

  var notice = el("p", "jep-notice",
    "Dit gesprek wordt zonder namen en contactgegevens opgeslagen, zodat een adviseur het kan teruglezen " +
    "als je om hulp vraagt. Gesprekken worden na 30 dagen verwijderd. Noem geen namen van jongeren of " +
    "andere gegevens waarmee iemand herkenbaar is. Bij direct gevaar: bel 112.");
  root.appendChild(notice);

  var status = el("p", "jep-status");
  status.setAttribute("role", "status");
  status.hidden = true;
  root.appendChild(status);

  var list = el("ol", "jep-messages");
  list.setAttribute("aria-live", "polite");
  list.setAttribute("aria-label", "Gesprek");
  root.appendChild(list);

  var typing = el("p", "jep-typing", "De assistent typt…");
  typing.hidden = true;
  root.appendChild(typing);

  var form = el("form", "jep-composer");
  var label = el("label", "jep-visually-hidden", "Je bericht");
  label.htmlFor = "jep-input";
  var input = el("input");
  input.id = "jep-input";
  input.maxLength = 1000;
  input.autocomplete = "off";
  input.placeholder = "Typ je vraag…";
  var send = el("button", "jep-primary", "Verstuur");
  send.type = "submit";
  form.appendChild(label);
  form.appendChild(input);
  form.appendChild(send);
  root.appendChild(form);

  // ---------- rendering of the contract ----------
  function renderArticles(payload, entry) {
    var box = el("div", "jep-cards");
    (payload.items || []).forEach(function (item) {
      var card = el("article", "jep-card");
      card.appendChild(el("h3", null, item.title));
      card.appendChild(el("p", null, item.summary));
      var href = safeHref(item.url);
      if (href) card.appendChild(link("Lees meer", href, "Lees meer: " + item.title));
      box.appendChild(card);
    });
    box.appendChild(renderRating(payload, entry));
    return box;
  }

  function renderRating(payload, entry) {
    var box = el("div", "jep-rating");
    if (entry.rated) {
      box.appendChild(el("p", null, "Bedankt voor je reactie."));
      return box;
    }
    box.appendChild(el("span", null, "Was dit nuttig?"));
    [["up", "👍", "Ja, dit was nuttig"], ["down", "👎", "Nee, dit was niet nuttig"]].forEach(function (r) {
      var b = el("button", "jep-secondary", r[1]);
      b.type = "button";
      b.setAttribute("aria-label", r[2]);
      b.addEventListener("click", function () {
        rate(r[0], payload).then(function (ok) {
          if (!ok) { box.replaceChildren(el("p", null, "Je reactie kon niet worden opgeslagen. Probeer het later opnieuw.")); return; }
          entry.rated = r[0];
          save();
          box.replaceChildren(el("p", null, "Bedankt voor je reactie."));
          input.focus();
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
        session_id: state.session, resume_token: state.token, rating: rating, query: payload.query || "",
        articles: (payload.items || []).map(function (i) { return i.id; }),
      }),
    }).then(function (r) { return r.ok; }, function () { return false; });
  }

  // ---------- after a live chat: one question, stored with the advisor's escalation ----------
  var LIVE_ANSWERS = [[3, "Goed geholpen"], [2, "Een beetje geholpen"], [1, "Niet geholpen"]];
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
            save();
            box.replaceChildren(el("p", null, "Bedankt voor je beoordeling."));
            input.focus();
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
      body: JSON.stringify({ session_id: state.session, resume_token: state.token, rating: rating }),
    }).then(function (r) {
      if (r.ok) return { ok: true };
      return r.json().then(function (body) {
        var said = body && typeof body.error === "string" ? body.error : failed.error;
        return { ok: false, final: r.status === 409, error: said };
      }, function () { return failed; });
    }, function () { return failed; });
  }

  function renderProviders(payload) {
    var box = el("div", "jep-cards");
    (payload.items || []).forEach(function (item) {
      var card = el("article", "jep-card");
      card.appendChild(el("h3", null, item.name));
      card.appendChild(el("p", null, item.description));
      var tel = item.phone && telHref(item.phone);
      if (tel) card.appendChild(link("Bel " + item.phone, tel, "Bel " + item.name + ": " + item.phone));
      var href = safeHref(item.url);
      if (href) card.appendChild(link("Website", href, "Website van " + item.name));
      box.appendChild(card);
    });
    return box;
  }

  function renderEscalation(payload) {
    var card = el("article", "jep-card jep-escalation");
    if (payload.emergency) {
      var urgent = el("p", "jep-urgent");
      urgent.appendChild(link("Bel " + payload.emergency, telHref(payload.emergency), "Bel " + payload.emergency));
      card.appendChild(urgent);
    }
    card.appendChild(el("h3", null, "Advieslijn Platform JEP"));
    card.appendChild(link("Bel " + payload.phone, telHref(payload.phone), "Bel de Advieslijn: " + payload.phone));
    card.appendChild(el("p", null, (payload.open_now ? "Nu open" : "Nu gesloten") + " · " + (payload.hours || "")));
    var options = el("div", "jep-buttons");
    (payload.options || []).forEach(function (option) {
      options.appendChild(quickReply(option.title, option.payload));
    });
    if (options.childNodes.length) card.appendChild(options);
    if (payload.ticket) card.appendChild(el("p", "jep-muted", "Kenmerk: " + payload.ticket));
    return card;
  }

  var RENDER = { articles: renderArticles, providers: renderProviders, escalation: renderEscalation };

  function quickReply(title, payload) {
    var b = el("button", "jep-secondary", title);
    b.type = "button";
    b.addEventListener("click", function () { sendMessage(String(payload), String(title)); });
    return b;
  }

  function render(entry) {
    var msg = entry.msg;
    var item = el("li", "jep-message jep-" + entry.from + (msg.advisor ? " jep-advisor" : ""));
    if (msg.advisor) item.appendChild(el("p", "jep-who", "Adviseur"));
    else item.appendChild(el("span", "jep-visually-hidden", entry.from === "user" ? "Jij: " : "Assistent: "));
    if (msg.text) item.appendChild(el("p", null, msg.text));
    var custom = msg.custom;
    if (custom && RENDER[custom.type]) item.appendChild(RENDER[custom.type](custom, entry));
    if (entry.from === "bot" && msg.live === "ended") item.appendChild(renderLiveRating(entry));
    var buttons = msg.quick_replies || msg.buttons;
    if (entry.from === "bot" && Array.isArray(buttons) && buttons.length) {
      var row = el("div", "jep-buttons");
      buttons.forEach(function (b) { row.appendChild(quickReply(b.title, b.payload)); });
      item.appendChild(row);
    }
    list.appendChild(item);
    if (item.scrollIntoView) item.scrollIntoView({ block: "nearest" });
  }

  function add(from, msg) {
    var entry = { from: from, msg: msg };
    state.log.push(entry);
    save();
    render(entry);
  }

  // ---------- the connection ----------
  var socket = null;
  var ready = false;  // the server confirmed which conversation this connection holds
  var typingTimer = null;
  // The professional's own typing, told to the advisor during a live chat only.
  var TYPING_EVERY = 2000;  // ms: at most one "typing" per this
  var TYPING_IDLE = 3000;  // ms without a key: stopped
  var typingSentAt = 0;
  var typingOn = false;
  var typingIdle = null;

  function setOnline(online) {
    status.hidden = online;
    status.textContent = online ? "" : "Geen verbinding met de assistent. We proberen opnieuw te verbinden…";
    send.disabled = !online;
  }

  function showTyping(on) {
    typing.hidden = !on;
    clearTimeout(typingTimer);
    if (on) typingTimer = setTimeout(function () { typing.hidden = true; }, 30000);
  }

  function typingStarted() {
    if (!state.live || !socket || !socket.connected || !ready) return;
    clearTimeout(typingIdle);
    typingIdle = setTimeout(typingStopped, TYPING_IDLE);
    var now = Date.now();
    if (now - typingSentAt < TYPING_EVERY) return;
    typingSentAt = now;
    typingOn = true;
    socket.emit("user_typing", { typing: true, session_id: state.session });
  }

  function typingStopped() {
    clearTimeout(typingIdle);
    if (!typingOn) return;
    typingOn = false;
    if (socket && socket.connected) socket.emit("user_typing", { typing: false, session_id: state.session });
  }

  function connect() {
    socket = window.io(SERVER, { transports: ["websocket", "polling"], reconnectionDelayMax: 5000 });
    setOnline(false);
    socket.on("connect", function () {
      socket.emit("session_request", { session_id: state.session, resume_token: state.token });
    });
    socket.on("session_confirm", function (confirmed) {
      if (!confirmed || typeof confirmed.session_id !== "string") return;
      if (state.session && confirmed.session_id !== state.session) {
        // The server did not give the old conversation back (e.g. it restarted with a new secret).
        state.log = [];
        state.live = false;
        list.replaceChildren();
      }
      state.session = confirmed.session_id;
      state.token = confirmed.resume_token;
      save();
      ready = true;
      setOnline(true);
    });
    socket.on("disconnect", function () { ready = false; setOnline(false); });
    socket.on("connect_error", function () { setOnline(false); });
    // The browser knows about a lost network before socket.io's heartbeat does.
    window.addEventListener("offline", function () { setOnline(false); socket.disconnect(); });
    window.addEventListener("online", function () { if (!socket.connected) socket.connect(); });
    socket.on("bot_uttered", function (msg) {
      showTyping(false);
      if (!msg || typeof msg !== "object") return;
      if (msg.live === "started" || msg.advisor === true) state.live = true;
      if (msg.live === "ended") { typingStopped(); state.live = false; }
      add("bot", msg);
    });
  }

  function sendMessage(message, shown) {
    if (!socket || !socket.connected || !ready) { setOnline(false); return; }
    add("user", { text: shown || message });
    typingStopped();
    if (!state.live) showTyping(true);  // in a live chat the advisor answers, not the assistant
    socket.emit("user_uttered", { message: message, session_id: state.session });
  }

  input.addEventListener("input", function () {
    if (input.value.trim()) typingStarted(); else typingStopped();
  });
  input.addEventListener("blur", typingStopped);

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    sendMessage(text);
    input.focus();
  });

  fresh.addEventListener("click", function () {
    typingStopped();
    state = { session: null, token: null, log: [], live: false };
    save();
    list.replaceChildren();
    if (socket && socket.connected) { ready = false; socket.emit("session_request", { session_id: null }); }
    input.focus();
  });

  // ---------- mount ----------
  function mount() {
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = APP + "/static/widget.css";
    document.head.appendChild(link);
    var host = TARGET && document.getElementById(TARGET);
    if (host) {
      host.appendChild(root);
    } else {
      root.classList.add("jep-floating");
      document.body.appendChild(root);
    }
    state.log.forEach(render);
    if (window.io) { connect(); return; }
    var loader = document.createElement("script");
    loader.src = APP + "/static/vendor/socket.io-4.8.1.min.js";
    loader.onload = connect;
    loader.onerror = function () { setOnline(false); };
    document.head.appendChild(loader);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount);
  else mount();
})();
