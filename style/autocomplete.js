// Completions for the search box of Một Cửa: frequent queries and titles from
// /api/v1/suggest, offered through the input's <datalist>. Without JavaScript the box is
// a plain form and works the same; this only saves typing.
(function () {
  "use strict";
  var input = document.getElementById("tim-kiem-q");
  var list = document.getElementById("tim-kiem-goi-y");
  if (!input || !list || !window.fetch) return;
  var timer = null;
  var asked = "";
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value.trim();
      if (q.length < 2 || q === asked) return;
      asked = q;
      fetch("/api/v1/suggest?q=" + encodeURIComponent(q))
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data || input.value.trim() !== q) return;
          list.textContent = "";
          var titles = data.documents.map(function (d) { return d.title; });
          data.queries.concat(titles).forEach(function (text) {
            var option = document.createElement("option");
            option.value = text;
            list.appendChild(option);
          });
        })
        .catch(function () { /* completions are a convenience: stay silent */ });
    }, 150);
  });
})();
