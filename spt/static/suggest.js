// Progressive enhancement: fill a <datalist> with suggestions from /api/suggest while typing.
(function () {
  "use strict";
  var timers = new WeakMap();
  function fill(input, items) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) { return; }
    list.textContent = "";
    items.forEach(function (item) {
      var option = document.createElement("option");
      option.value = item.label;
      list.appendChild(option);
    });
  }
  function lookup(input) {
    var q = input.value.trim();
    if (q.length < 2) { return; }
    var url = "/api/suggest?kind=" + encodeURIComponent(input.dataset.suggest) +
      "&q=" + encodeURIComponent(q);
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
      .then(function (data) { fill(input, data.suggestions || []); })
      .catch(function () { /* suggestions are optional */ });
  }
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.dataset || !input.dataset.suggest) { return; }
    clearTimeout(timers.get(input));
    timers.set(input, setTimeout(function () { lookup(input); }, 150));
  });
}());
