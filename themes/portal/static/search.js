// Search with Pagefind's small chunked index. Pages work without JavaScript;
// the search page then points to the list of all pages.
(function () {
  var script = document.currentScript;
  var form = document.querySelector(".search-form");
  var input = document.getElementById("search-input");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var root = script.getAttribute("data-root");
  var pagefind = null;

  function unavailable() {
    document.querySelector(".no-search").hidden = false;
    form.hidden = true;
  }
  if (location.protocol === "file:") { unavailable(); return; }

  function load() {
    if (!pagefind) {
      pagefind = import(new URL(script.getAttribute("data-pagefind"), location.href).href).then(function (pf) {
        // data-root links to the portal's index.html; Pagefind wants its folder
        pf.options({ baseUrl: new URL("./", new URL(root, location.href)).pathname });
        return pf;
      });
    }
    return pagefind;
  }
  function render(results) {
    list.textContent = "";
    status.textContent = results.length ? status.getAttribute("data-some").replace("{n}", results.length) : status.getAttribute("data-none");
    results.forEach(function (data) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = data.url;
      a.textContent = (data.meta && data.meta.title) || data.url;
      var p = document.createElement("p");
      p.innerHTML = data.excerpt;  // Pagefind escapes the page text and adds only <mark>
      li.appendChild(a);
      li.appendChild(p);
      list.appendChild(li);
    });
  }
  function run(query) {
    if (!query) { list.textContent = ""; status.textContent = ""; return; }
    load().then(function (pf) { return pf.debouncedSearch(query, {}, 250); }).then(function (search) {
      if (!search) return null;
      return Promise.all(search.results.slice(0, 20).map(function (r) { return r.data(); }));
    }).then(function (results) { if (results) render(results); }).catch(unavailable);
  }
  form.addEventListener("submit", function (e) { e.preventDefault(); run(input.value.trim()); });
  input.addEventListener("input", function () { run(input.value.trim()); });
  var q = new URLSearchParams(location.search).get("q");
  if (q) { input.value = q; run(q); }
})();
