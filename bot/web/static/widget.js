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
 *
 * The frame keeps the input in view: the messages scroll in their own area. An empty chat opens
 * with a welcome that says plainly this is an AI program and not a person, how to reach one, and
 * offers example questions and topics. Phone numbers in what the assistant or an advisor writes
 * become tel: links, found in the text and built as nodes, never as HTML.
 *
 * This file is the entry: the state of the tab, the connection and the session. It loads its parts
 * from next to itself (with the same query string, so a pinned version stays one version):
 *   widget-render.js  DOM helpers, tel: links, messages and cards
 *   widget-frame.js   the panel: header, status, log, welcome, typing indicator, input
 *   widget-forms.js   the thumbs and the question after a live chat
 * Each part only defines a function on window.JEPWidget; once all are loaded they are called in that
 * order with the one widget object `w` they share, and the widget mounts. No inline script, no eval,
 * so a page with `script-src` limited to this app's origin can embed it.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var APP = new URL(script.src).origin;
  var SERVER = script.getAttribute("data-server") || APP.replace(/:\d+$/, ":5005");
  var TARGET = script.getAttribute("data-target");
  var STORE = "jep-chat";
  var PARTS = ["render", "frame", "forms"];
  var parts = window.JEPWidget || (window.JEPWidget = {});

  // ---------- state: kept for this browser tab, so a reload keeps the conversation ----------
  // The resume token proves to the server that this tab owns the conversation; it stays in the tab.
  function loadState() {
    try { return JSON.parse(sessionStorage.getItem(STORE)) || null; } catch (e) { return null; }
  }
  // The widget as its parts share it: they add their elements and functions to it.
  var w = { APP: APP, state: loadState() || { session: null, token: null, log: [], live: false } };
  w.save = function () { sessionStorage.setItem(STORE, JSON.stringify(w.state)); };

  // ---------- the parts, next to this file ----------
  function loadPart(name) {
    return new Promise(function (resolve, reject) {
      var url = new URL("widget-" + name + ".js", script.src);
      url.search = new URL(script.src).search;
      var tag = document.createElement("script");
      tag.src = url.href;
      tag.onload = resolve;
      tag.onerror = function () { reject(new Error("Platform JEP widget: " + url.href + " kon niet worden geladen")); };
      document.head.appendChild(tag);
    });
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
    w.status.hidden = online;
    w.status.textContent = online ? "" : "Geen verbinding met de assistent. We proberen opnieuw te verbinden…";
    w.send.disabled = !online;
  }

  function showTyping(on) {
    w.typing.hidden = !on;
    w.typingSaid.textContent = on ? "De assistent typt…" : "";
    clearTimeout(typingTimer);
    if (on) typingTimer = setTimeout(function () { showTyping(false); }, 30000);
  }

  function typingStarted() {
    if (!w.state.live || !socket || !socket.connected || !ready) return;
    clearTimeout(typingIdle);
    typingIdle = setTimeout(typingStopped, TYPING_IDLE);
    var now = Date.now();
    if (now - typingSentAt < TYPING_EVERY) return;
    typingSentAt = now;
    typingOn = true;
    socket.emit("user_typing", { typing: true, session_id: w.state.session });
  }

  function typingStopped() {
    clearTimeout(typingIdle);
    if (!typingOn) return;
    typingOn = false;
    if (socket && socket.connected) socket.emit("user_typing", { typing: false, session_id: w.state.session });
  }

  function connect() {
    socket = window.io(SERVER, { transports: ["websocket", "polling"], reconnectionDelayMax: 5000 });
    setOnline(false);
    socket.on("connect", function () {
      socket.emit("session_request", { session_id: w.state.session, resume_token: w.state.token });
    });
    socket.on("session_confirm", function (confirmed) {
      if (!confirmed || typeof confirmed.session_id !== "string") return;
      if (w.state.session && confirmed.session_id !== w.state.session) {
        // The server did not give the old conversation back (e.g. it restarted with a new secret).
        w.state.log = [];
        w.state.live = false;
        w.list.replaceChildren();
        w.showWelcome();
      }
      w.state.session = confirmed.session_id;
      w.state.token = confirmed.resume_token;
      w.save();
      ready = true;
      setOnline(true);
    });
    socket.on("disconnect", function () { ready = false; setOnline(false); });
    socket.on("connect_error", function () { setOnline(false); });
    // The browser knows about a lost network before socket.io's heartbeat does.
    window.addEventListener("offline", function () { setOnline(false); socket.disconnect(); });
    window.addEventListener("online", function () { if (!socket.connected) socket.connect(); });
    socket.on("bot_uttered", function (msg) {
      if (!ready) return;  // the rest of an answer in the conversation that "Nieuw gesprek" just closed
      showTyping(false);
      if (!msg || typeof msg !== "object") return;
      if (msg.live === "started" || msg.advisor === true) w.state.live = true;
      if (msg.live === "ended") { typingStopped(); w.state.live = false; }
      w.add("bot", msg);
    });
  }

  w.sendMessage = function (message, shown) {
    if (!socket || !socket.connected || !ready) { setOnline(false); return; }
    w.add("user", { text: shown || message });
    typingStopped();
    if (!w.state.live) showTyping(true);  // in a live chat the advisor answers, not the assistant
    socket.emit("user_uttered", { message: message, session_id: w.state.session });
  };

  // ---------- put together: the parts build the frame, then its events ----------
  function build() {
    PARTS.forEach(function (name) { parts[name](w); });
    var input = w.input;

    input.addEventListener("input", function () {
      if (input.value.trim()) typingStarted(); else typingStopped();
    });
    input.addEventListener("blur", typingStopped);

    w.form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value.trim();
      if (!text) return;
      input.value = "";
      w.sendMessage(text);
      input.focus();
    });

    w.fresh.addEventListener("click", function () {
      typingStopped();
      w.state = { session: null, token: null, log: [], live: false };
      w.save();
      w.list.replaceChildren();
      w.forgetAnswerStart();
      w.showWelcome();
      w.log.scrollTop = 0;
      if (socket && socket.connected) { ready = false; socket.emit("session_request", { session_id: null }); }
      input.focus();
    });
  }

  // ---------- mount ----------
  function mount() {
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = APP + "/static/widget.css";
    document.head.appendChild(link);
    var host = TARGET && document.getElementById(TARGET);
    if (host) {
      w.root.classList.add("jep-inline");
      host.appendChild(w.root);
    } else {
      w.root.classList.add("jep-floating");
      document.body.appendChild(w.root);
    }
    w.state.log.forEach(w.render);
    w.showWelcome();
    if (window.io) { connect(); return; }
    var loader = document.createElement("script");
    loader.src = APP + "/static/vendor/socket.io-4.8.1.min.js";
    loader.onload = connect;
    loader.onerror = function () { setOnline(false); };
    document.head.appendChild(loader);
  }

  function start() {
    build();
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount);
    else mount();
  }

  // A part that did not load, or failed, says so in the console; the page itself carries on.
  Promise.all(PARTS.map(loadPart)).then(start).catch(function (error) {
    if (window.console) console.error(error);
  });
})();
