// Progressive enhancement: keep the SLA countdowns of a page moving without a reload.
// The server renders the phrases (alerts/people_time.py); this only subtracts the time spent on the page
// since then and writes the same phrase ("in 2 h 58 min" / "3 h overdue", or the Dutch ones).
(function () {
  "use strict";
  var loaded = Date.now();
  function span(minutes) {
    var m = Math.abs(minutes), d = Math.floor(m / 1440), h = Math.floor((m % 1440) / 60), r = m % 60;
    if (d) { return h ? d + " d " + h + " h" : d + " d"; }
    if (h) { return r ? h + " h " + r + " min" : h + " h"; }
    return r + " min";
  }
  function tick() {
    var nodes = document.querySelectorAll("[data-remaining-seconds]");
    var spent = (Date.now() - loaded) / 1000;
    for (var i = 0; i < nodes.length; i++) {
      var node = nodes[i];
      var left = Number(node.getAttribute("data-remaining-seconds")) - spent;
      var phrase = left >= 0 ? node.getAttribute("data-in") : node.getAttribute("data-overdue");
      node.textContent = phrase.replace("{span}", span(Math.round(left / 60)));
    }
  }
  window.setInterval(tick, 30000);
})();
