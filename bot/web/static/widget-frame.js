/*
 * Platform JEP chat widget, part "frame": the panel itself. A header that says plainly this is an AI
 * program and not a person and how to reach one, the connection status, the log (the one part that
 * scrolls: notice, welcome, messages), the typing indicator and the input. An empty chat opens with
 * a welcome that offers example questions and topics. widget.js loads this file and hands it the
 * widget `w` it shares with the other parts.
 */
(function (parts) {
  "use strict";
  var ADVIESLIJN = "070 333 45 58";
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

  parts.frame = function (w) {
    var el = w.el;

    var root = el("section", "jep-widget");
    root.setAttribute("aria-label", "Chat met de assistent van Platform JEP");
    var header = el("div", "jep-header");
    var heading = el("div", "jep-heading");
    heading.appendChild(el("h2", "jep-title", "Vraag het de assistent"));
    // Plainly, from the first moment: a program, not a person (EU AI Act art. 50(1)), and how to reach one.
    var disclosure = el("p", "jep-disclosure");
    disclosure.appendChild(el("strong", null, "Automatische assistent (AI), geen mens."));
    disclosure.appendChild(document.createTextNode(" Een mens spreken? Bel de Advieslijn: "));
    disclosure.appendChild(w.textWithPhones(ADVIESLIJN));
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
      box.appendChild(w.paragraph(null,
        "Hallo, ik ben de assistent van Platform JEP: een computerprogramma (AI), geen mens. Ik zoek kennis " +
        "en organisaties bij vragen over polarisatie, radicalisering en extremisme bij jongeren."));
      box.appendChild(w.paragraph(null,
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
        b.addEventListener("click", function () { w.sendMessage(question); });
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
        b.addEventListener("click", function () { w.sendMessage(topic[1], topic[0]); });
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
      welcome.hidden = w.state.log.length > 0;
    }

    w.root = root;
    w.fresh = fresh;
    w.status = status;
    w.log = log;
    w.welcome = welcome;
    w.list = list;
    w.typing = typing;
    w.typingSaid = typingSaid;
    w.form = form;
    w.input = input;
    w.send = send;
    w.showWelcome = showWelcome;
  };
})(window.JEPWidget || (window.JEPWidget = {}));
