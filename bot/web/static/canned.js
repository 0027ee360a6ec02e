/* The live-chat reply form: choosing a canned reply puts its text in the message box,
   where the advisor may still adjust it before sending. */
(function () {
  "use strict";
  var select = document.getElementById("canned");
  var box = document.getElementById("reply-text");
  if (!select || !box) return;
  select.addEventListener("change", function () {
    var chosen = select.options[select.selectedIndex];
    box.value = chosen.getAttribute("data-text") || "";
    box.focus();
  });
})();
