/*
 * Platform JEP chat widget, part "render": small DOM helpers, phone numbers as tel: links, and the
 * messages and cards of the reply contract (shared/contract/payloads.md): articles, providers, the
 * Advieslijn card, quick replies and "Meer resultaten". widget.js loads this file and hands it the
 * widget `w` it shares with the other parts.
 *
 * Every piece of text goes in with textContent and every link is checked, so nothing from a
 * message or an article can run.
 */
(function (parts) {
  "use strict";
  parts.render = function (w) {
    var APP = w.APP;

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
    // What comes before a number is matched as group 1 (the start, or a character that cannot lead
    // into one) rather than looked behind at: Safari before 16.4 cannot parse a lookbehind.
    var PHONE = /(^|[^\d+.,\/-])(112|0[89]00[\s-]?\d(?:[\s-]?\d){3,6}|(?:0|\+31[\s-]?(?:\(0\)[\s-]?)?)[1-9](?:[\s-]?\d){8})(?![\d.,\/-]?\d)/g;

    // Text with its phone numbers as tel: links: text nodes and <a> elements, never HTML.
    function textWithPhones(text) {
      var out = document.createDocumentFragment();
      var value = String(text);
      var at = 0;
      value.replace(PHONE, function (found, before, number, offset) {
        var start = offset + before.length;
        if (start > at) out.appendChild(document.createTextNode(value.slice(at, start)));
        var a = el("a", number === "112" ? "jep-tel jep-tel-emergency" : "jep-tel", number);
        a.href = telHref(number);
        out.appendChild(a);
        at = start + number.length;
        return found;
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
        w.save();
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

    // Articles end with the thumbs (widget-forms.js).
    function renderArticles(payload, entry) {
      var box = renderCards(payload, entry, function (item) {
        var article = card(item.title, item.summary);
        var href = safeHref(item.url);
        if (href) article.appendChild(link("Lees meer", href, "Lees meer: " + item.title));
        return article;
      });
      box.appendChild(w.renderRating(payload, entry));
      return box;
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
      b.addEventListener("click", function () { w.sendMessage(String(payload), String(title)); });
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
      if (entry.from === "bot" && msg.live === "ended") item.appendChild(w.renderLiveRating(entry));
      var buttons = msg.quick_replies || msg.buttons;
      if (entry.from === "bot" && Array.isArray(buttons) && buttons.length) {
        var row = el("div", "jep-buttons");
        buttons.forEach(function (b) { row.appendChild(quickReply(b.title, b.payload)); });
        item.appendChild(row);
      }
      w.list.appendChild(item);
      w.showWelcome();
      reveal(item);
    }

    // The newest message in view inside the log (the page itself does not move), but never past the
    // beginning of the answer it belongs to: an answer in parts is read from its start.
    var answerStart = null;
    function reveal(item) {
      var log = w.log;
      if (item.classList.contains("jep-user")) answerStart = null;
      else if (!answerStart) answerStart = item;
      var bottom = item.offsetTop + item.offsetHeight - log.clientHeight + 8;
      var start = (answerStart || item).offsetTop - 8;
      log.scrollTop = Math.max(0, Math.min(bottom, start));
      log.tabIndex = 0;  // a long conversation of plain text can still be scrolled with the keyboard
    }

    function add(from, msg) {
      var entry = { from: from, msg: msg };
      w.state.log.push(entry);
      w.save();
      render(entry);
    }

    w.el = el;
    w.safeHref = safeHref;
    w.telHref = telHref;
    w.textWithPhones = textWithPhones;
    w.paragraph = paragraph;
    w.icon = icon;
    w.link = link;
    w.render = render;
    w.add = add;
    w.forgetAnswerStart = function () { answerStart = null; };
  };
})(window.JEPWidget || (window.JEPWidget = {}));
