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
    if (typeof url !== "string" || /\s/.test(url)) return null;
    if (url.charAt(0) === "/" && url.charAt(1) !== "/") return APP + url;
    // Our own pages (absolute from the public URL, http on a developer's machine), or any https site.
    if (url.indexOf(APP + "/") === 0) return url;
    return /^https:\/\/\S+$/i.test(url) ? url : null;
  }
  function telHref(phone) {
    var digits = String(phone || "").replace("(0)", "").replace(/[^\d+]/g, "");
    return digits ? "tel:" + digits : null;
  }

  // Dutch numbers as people write them: 112; 0800-/0900- numbers; 0 and nine digits (070 333 45 58,
  // 06-12345678); +31 and nine digits. Never a part of a longer number, a date or an amount.
  var PHONE = /(?<![\d+.,\/-])(?:112|0[89]00[\s-]?\d(?:[\s-]?\d){3,6}|(?:0|\+31[\s-]?(?:\(0\)[\s-]?)?)[1-9](?:[\s-]?\d){8})(?![\d.,\/-]?\d)/g;

  // Text with its phone numbers as tel: links: text nodes and <a> elements, never HTML.
  function textWithPhones(text) {
    var out = document.createDocumentFragment();
    var value = String(text);
    var at = 0;
    value.replace(PHONE, function (number, offset) {
      if (offset > at) out.appendChild(document.createTextNode(value.slice(at, offset)));
      var a = el("a", number === "112" ? "jep-tel jep-tel-emergency" : "jep-tel", number);
      a.href = telHref(number);
      out.appendChild(a);
      at = offset + number.length;
      return number;
    });
    if (at < value.length) out.appendChild(document.createTextNode(value.slice(at)));
    return out;
  }
  function paragraph(className, text) {
    var p = el("p", className);
    p.appendChild(textWithPhones(text));
    return p;
  }
  // An icon is a CSS mask over an SVG file of ours (static/icons), so no markup is needed for it.
  function icon(name) {
    var span = el("span", "jep-icon jep-icon-" + name);
    span.setAttribute("aria-hidden", "true");
    return span;
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
  var ADVIESLIJN = "070 333 45 58";
  var header = el("div", "jep-header");
  var heading = el("div", "jep-heading");
  heading.appendChild(el("h2", "jep-title", "Vraag het de assistent"));
  // Plainly, from the first moment: a program, not a person (EU AI Act art. 50(1)), and how to reach one.
  var disclosure = el("p", "jep-disclosure");
  disclosure.appendChild(el("strong", null, "Automatische assistent (AI), geen mens."));
  disclosure.appendChild(document.createTextNode(" Een mens spreken? Bel de Advieslijn: "));
  disclosure.appendChild(textWithPhones(ADVIESLIJN));
  heading.appendChild(disclosure);
  header.appendChild(heading);
  var actions = el("div", "jep-header-actions");
  var emergency = el("a", "jep-emergency", "Bel 112 bij direct gevaar");
  emergency.href = "tel:112";
  actions.appendChild(emergency);
  var fresh = el("button", "jep-secondary", "Nieuw gesprek");
  fresh.type = "button";
  actions.appendChild(fresh);
  header.appendChild(actions);
  root.appendChild(header);

  var status = el("p", "jep-status");
  status.setAttribute("role", "status");
  status.hidden = true;
  root.appendChild(status);

  // The one part that scrolls: the notice, the welcome and the messages; header and input stay.
  var log = el("div", "jep-log");
  log.setAttribute("role", "region");
  log.setAttribute("aria-label", "Gesprek");

  var notice = el("p", "jep-notice",
    "Dit gesprek wordt zonder namen en contactgegevens opgeslagen, zodat een adviseur het kan teruglezen " +
    "als je om hulp vraagt. Gesprekken worden na 30 dagen verwijderd. Noem geen namen van jongeren of " +
    "andere gegevens waarmee iemand herkenbaar is.");
  log.appendChild(notice);

  var EXAMPLES = [
    "Hoe herken ik signalen van radicalisering?",
    "Hoe ga ik in gesprek met een jongere die in complottheorieën gelooft?",
    "Welke organisaties kunnen mij ondersteunen?",
  ];
  var TOPICS = [
    ["Signalen herkennen", "Ik zoek informatie over signalen van radicalisering herkennen"],
    ["Online radicalisering", "Ik zoek informatie over online radicalisering"],
    ["Polarisatie in de klas", "Ik zoek informatie over polarisatie in de klas"],
    ["Ouders en familie", "Ik zoek informatie over het betrekken van ouders en familie"],
    ["Privacy", "Ik zoek informatie over privacy en informatie delen"],
  ];
  var welcome = buildWelcome();
  log.appendChild(welcome);

  var list = el("ol", "jep-messages");
  list.setAttribute("aria-live", "polite");
  list.setAttribute("aria-label", "Berichten");
  log.appendChild(list);
  root.appendChild(log);

  // Seen: dots that move (unless the person asked for less motion). Heard: a polite status message.
  var typing = el("p", "jep-typing");
  typing.setAttribute("aria-hidden", "true");
  typing.appendChild(document.createTextNode("De assistent typt"));
  var dots = el("span", "jep-dots");
  [0, 1, 2].forEach(function () { dots.appendChild(el("span", null, ".")); });
  typing.appendChild(dots);
  typing.hidden = true;
  root.appendChild(typing);
  var typingSaid = el("p", "jep-visually-hidden jep-typing-status");
  typingSaid.setAttribute("role", "status");
  typingSaid.setAttribute("aria-live", "polite");
  root.appendChild(typingSaid);

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

  // ---------- the welcome of an empty chat ----------
  function buildWelcome() {
    var box = el("div", "jep-welcome");
    box.appendChild(el("p", "jep-who", "Assistent"));
    box.appendChild(paragraph(null,
      "Hallo, ik ben de assistent van Platform JEP: een computerprogramma (AI), geen mens. Ik zoek kennis " +
      "en organisaties bij vragen over polarisatie, radicalisering en extremisme bij jongeren."));
    box.appendChild(paragraph(null,
      "Wil je een mens spreken? Bel de Advieslijn op " + ADVIESLIJN + " of vraag hier om een adviseur."));
    var examplesTitle = el("p", "jep-welcome-label", "Je kunt bijvoorbeeld vragen:");
    examplesTitle.id = "jep-examples-label";
    box.appendChild(examplesTitle);
    var examples = el("ul", "jep-examples");
    examples.setAttribute("aria-labelledby", examplesTitle.id);
    EXAMPLES.forEach(function (question) {
      var li = el("li");
      var b = el("button", "jep-example", question);
      b.type = "button";
      b.addEventListener("click", function () { sendMessage(question); });
      li.appendChild(b);
      examples.appendChild(li);
    });
    box.appendChild(examples);
    var topicsTitle = el("p", "jep-welcome-label", "Of kies een onderwerp:");
    topicsTitle.id = "jep-topics-label";
    box.appendChild(topicsTitle);
    // One tab stop for the chips; the arrow keys move between them (a toolbar).
    var chips = el("div", "jep-chips");
    chips.setAttribute("role", "toolbar");
    chips.setAttribute("aria-labelledby", topicsTitle.id);
    TOPICS.forEach(function (topic, i) {
      var b = el("button", "jep-chip", topic[0]);
      b.type = "button";
      b.tabIndex = i === 0 ? 0 : -1;
      b.addEventListener("click", function () { sendMessage(topic[1], topic[0]); });
      chips.appendChild(b);
    });
    chips.addEventListener("keydown", function (event) {
      var buttons = Array.prototype.slice.call(chips.querySelectorAll("button"));
      var at = buttons.indexOf(document.activeElement);
      if (at < 0) return;
      var to = { ArrowRight: at + 1, ArrowDown: at + 1, ArrowLeft: at - 1, ArrowUp: at - 1,
                 Home: 0, End: buttons.length - 1 }[event.key];
      if (to === undefined) return;
      event.preventDefault();
      to = (to + buttons.length) % buttons.length;
      buttons[at].tabIndex = -1;
      buttons[to].tabIndex = 0;
      buttons[to].focus();
    });
    box.appendChild(chips);
    return box;
  }

  function showWelcome() {
    welcome.hidden = state.log.length > 0;
  }

  // ---------- rendering of the contract ----------
  var SHOWN = 3;  // cards at first; the rest behind "Meer resultaten"

  // The cards past the third wait outside the page until asked for.
  function withMore(box, cards, entry) {
    if (cards.length <= SHOWN || entry.more) return;
    var rest = cards.slice(SHOWN);
    rest.forEach(function (card) { card.remove(); });
    var more = el("button", "jep-secondary jep-more", "Meer resultaten (" + rest.length + ")");
    more.type = "button";
    more.addEventListener("click", function () {
      rest.forEach(function (card) { box.insertBefore(card, more); });
      entry.more = true;
      save();
      more.remove();
      var first = rest[0].querySelector("h3");
      first.tabIndex = -1;
      first.focus();
    });
    box.appendChild(more);
  }

  // One card per item of a payload, made by `make`; the ones past the third wait behind "Meer resultaten".
  function renderCards(payload, entry, make) {
    var box = el("div", "jep-cards");
    var cards = (payload.items || []).map(function (item) { return box.appendChild(make(item)); });
    withMore(box, cards, entry);
    return box;
  }

  // A card's title and text; the caller adds its links.
  function card(title, text) {
    var box = el("article", "jep-card");
    box.appendChild(el("h3", null, title));
    box.appendChild(el("p", null, text));
    return box;
  }

  function renderArticles(payload, entry) {
    var box = renderCards(payload, entry, function (item) {
      var article = card(item.title, item.summary);
      var href = safeHref(item.url);
      if (href) article.appendChild(link("Lees meer", href, "Lees meer: " + item.title));
      return article;
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
    [["up", "Ja, dit was nuttig"], ["down", "Nee, dit was niet nuttig"]].forEach(function (r) {
      var b = el("button", "jep-secondary jep-thumb");
      b.type = "button";
      b.appendChild(icon("thumb-" + r[0]));
      b.appendChild(el("span", "jep-visually-hidden", r[1]));
      b.title = r[1];
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

  function renderProviders(payload, entry) {
    return renderCards(payload, entry, function (item) {
      var provider = card(item.name, item.description);
      var tel = item.phone && telHref(item.phone);
      // The name a link is known by starts with the words it shows (WCAG 2.5.3).
      if (tel) provider.appendChild(link("Bel " + item.phone, tel, "Bel " + item.phone + " (" + item.name + ")"));
      var href = safeHref(item.url);
      if (href) provider.appendChild(link("Website", href, "Website van " + item.name));
      var page = safeHref(item.page);
      if (page) provider.appendChild(link("Meer over deze organisatie", page, "Meer over deze organisatie: " + item.name));
      return provider;
    });
  }

  function renderEscalation(payload) {
    var card = el("article", "jep-card jep-escalation");
    if (payload.emergency) {
      var urgent = el("p", "jep-urgent");
      var call = el("a", "jep-emergency", "Bel " + payload.emergency);
      call.href = telHref(payload.emergency);
      urgent.appendChild(call);
      card.appendChild(urgent);
    }
    card.appendChild(el("h3", null, "Advieslijn Platform JEP"));
    card.appendChild(link("Bel " + payload.phone, telHref(payload.phone), "Bel " + payload.phone + " (Advieslijn)"));
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
    var custom = msg.custom;
    var cards = custom && RENDER[custom.type];
    // A payload we render comes with its plain text for other clients; the cards say it already.
    if (msg.text && !cards && entry.from === "bot") item.appendChild(paragraph(null, msg.text));
    else if (msg.text && !cards) item.appendChild(el("p", null, msg.text));
    if (cards) item.appendChild(cards(custom, entry));
    if (entry.from === "bot" && msg.live === "ended") item.appendChild(renderLiveRating(entry));
    var buttons = msg.quick_replies || msg.buttons;
    if (entry.from === "bot" && Array.isArray(buttons) && buttons.length) {
      var row = el("div", "jep-buttons");
      buttons.forEach(function (b) { row.appendChild(quickReply(b.title, b.payload)); });
      item.appendChild(row);
    }
    list.appendChild(item);
    showWelcome();
    reveal(item);
  }

  // The newest message in view inside the log (the page itself does not move), but never past the
  // beginning of the answer it belongs to: an answer in parts is read from its start.
  var answerStart = null;
  function reveal(item) {
    if (item.classList.contains("jep-user")) answerStart = null;
    else if (!answerStart) answerStart = item;
    var bottom = item.offsetTop + item.offsetHeight - log.clientHeight + 8;
    var start = (answerStart || item).offsetTop - 8;
    log.scrollTop = Math.max(0, Math.min(bottom, start));
    log.tabIndex = 0;  // a long conversation of plain text can still be scrolled with the keyboard
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
    typingSaid.textContent = on ? "De assistent typt…" : "";
    clearTimeout(typingTimer);
    if (on) typingTimer = setTimeout(function () { showTyping(false); }, 30000);
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
        showWelcome();
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
      if (!ready) return;  // the rest of an answer in the conversation that "Nieuw gesprek" just closed
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
    answerStart = null;
    showWelcome();
    log.scrollTop = 0;
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
      root.classList.add("jep-inline");
      host.appendChild(root);
    } else {
      root.classList.add("jep-floating");
      document.body.appendChild(root);
    }
    state.log.forEach(render);
    showWelcome();
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
