// The chat page: sends messages through the web app and renders the reply contract.
// Everything is built with textContent and safe attributes: no HTML from a message is ever parsed.
(function () {
  "use strict";
  const STORE = "jep-chat";
  const list = document.getElementById("messages");
  const form = document.getElementById("composer");
  const input = document.getElementById("message");

  function load() {
    try { return JSON.parse(localStorage.getItem(STORE)) || null; } catch (e) { return null; }
  }
  let state = load() || fresh();
  function fresh() { return { sender: "web-" + crypto.randomUUID(), log: [] }; }
  function save() { localStorage.setItem(STORE, JSON.stringify(state)); }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function safeHref(url) {
    if (typeof url !== "string") return null;
    if (url.startsWith("/") && !url.startsWith("//")) return url;
    return /^https:\/\//i.test(url) ? url : null;
  }

  function telHref(phone) {
    const digits = String(phone).replace(/[^\d+]/g, "");
    return digits ? "tel:" + digits : null;
  }

  function link(text, href) {
    const a = el("a", null, text);
    a.href = href;
    if (/^https:/i.test(href)) { a.target = "_blank"; a.rel = "noopener noreferrer"; }
    return a;
  }

  function renderArticles(payload) {
    const box = el("div", "cards");
    (payload.items || []).forEach(function (item) {
      const card = el("article", "card");
      card.appendChild(el("h3", null, item.title));
      card.appendChild(el("p", null, item.summary));
      const href = safeHref(item.url);
      if (href) card.appendChild(link("Lees meer", href));
      box.appendChild(card);
    });
    return box;
  }

  function renderProviders(payload) {
    const box = el("div", "cards");
    (payload.items || []).forEach(function (item) {
      const card = el("article", "card");
      card.appendChild(el("h3", null, item.name));
      card.appendChild(el("p", null, item.description));
      if (item.phone && telHref(item.phone)) card.appendChild(link("Bel " + item.phone, telHref(item.phone)));
      const href = safeHref(item.url);
      if (href) card.appendChild(link("Website", href));
      box.appendChild(card);
    });
    return box;
  }

  function renderEscalation(payload) {
    const card = el("article", "card escalation");
    if (payload.emergency) card.appendChild(link("Bel " + payload.emergency, telHref(payload.emergency)));
    card.appendChild(el("h3", null, "Advieslijn Platform JEP"));
    card.appendChild(link("Bel " + payload.phone, telHref(payload.phone)));
    card.appendChild(el("p", null, (payload.open_now ? "Nu open" : "Nu gesloten") + " · " + payload.hours));
    if (payload.ticket) card.appendChild(el("p", "muted", "Kenmerk " + payload.ticket));
    return card;
  }

  const RENDER = { articles: renderArticles, providers: renderProviders, escalation: renderEscalation };

  function render(entry) {
    const item = el("li", "message " + entry.from);
    const msg = entry.msg;
    if (entry.from === "user") {
      item.appendChild(el("p", null, msg.text));
    } else {
      if (msg.text) item.appendChild(el("p", null, msg.text));
      if (msg.custom && RENDER[msg.custom.type]) item.appendChild(RENDER[msg.custom.type](msg.custom));
      if (Array.isArray(msg.buttons)) {
        const row = el("div", "buttons");
        msg.buttons.forEach(function (button) {
          const b = el("button", "quick-reply", button.title);
          b.type = "button";
          b.addEventListener("click", function () { send(String(button.payload), button.title); });
          row.appendChild(b);
        });
        item.appendChild(row);
      }
    }
    list.appendChild(item);
    item.scrollIntoView({ block: "end" });
  }

  function add(from, msg) {
    const entry = { from: from, msg: msg };
    state.log.push(entry);
    save();
    render(entry);
  }

  async function send(message, shown) {
    add("user", { text: shown || message });
    const typing = el("li", "message bot typing", "De assistent typt…");
    list.appendChild(typing);
    try {
      const reply = await fetch("/chat", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ sender: state.sender, message: message }),
      });
      const data = await reply.json();
      typing.remove();
      if (!reply.ok) { add("bot", { text: data.error || "Er ging iets mis. Probeer het opnieuw." }); return; }
      data.forEach(function (msg) { add("bot", msg); });
    } catch (e) {
      typing.remove();
      add("bot", { text: "Geen verbinding met de assistent. Controleer je internetverbinding en probeer het opnieuw." });
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    send(text);
  });

  document.getElementById("new-conversation").addEventListener("click", function () {
    state = fresh();
    save();
    list.replaceChildren();
    input.focus();
  });

  state.log.forEach(render);
  input.focus();
})();
