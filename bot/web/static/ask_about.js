// "Vraag de assistent hierover" (/?over=<article id>): puts a question about the
// article in the chat's input, once the widget has made it; the professional sends it.
(function () {
  "use strict";
  var about = document.getElementById("jep-about");
  if (!about) return;
  var question = about.getAttribute("data-question");

  function fill() {
    var input = document.getElementById("jep-input");
    if (!input) return false;
    if (!input.value) input.value = question;
    return true;
  }

  if (fill()) return;
  var watch = new MutationObserver(function () {
    if (fill()) watch.disconnect();
  });
  watch.observe(document.body, { childList: true, subtree: true });
})();
