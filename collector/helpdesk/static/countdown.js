// Progressive enhancement: keep the SLA countdowns of a page moving without a reload.
// The server renders the figures; this only subtracts the time spent on the page since then.
(function () {
  "use strict";
  var loaded = Date.now();
  function human(minutes) {
    var m = Math.abs(minutes), d = Math.floor(m / 1440), h = Math.floor((m % 1440) / 60), r = m % 60;
    var text = (d ? d + "d " : "") + (h || d ? h + "h " : "") + r + "m";
    return text;  // the label beside it says "left" or "overdue"
  }
  function tick() {
    var nodes = document.querySelectorAll("[data-remaining-seconds]");
    var spent = (Date.now() - loaded) / 1000;
    for (var i = 0; i < nodes.length; i++) {
      var node = nodes[i];
      var left = Number(node.getAttribute("data-remaining-seconds")) - spent;
      var label = left >= 0 ? node.getAttribute("data-left") : node.getAttribute("data-overdue");
      node.textContent = node.getAttribute("data-which") + ": " + human(Math.floor(left / 60)) + " " + label;
    }
  }
  window.setInterval(tick, 30000);
})();
