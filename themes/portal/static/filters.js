// Filters for the decision log and lessons: progressive enhancement. Without
// JavaScript every row shows; with it, the (hidden) filter form appears.
(function () {
  var form = document.querySelector("form.filters");
  if (!form) return;
  var rows = Array.prototype.slice.call(document.querySelectorAll("[data-status], .filterable > [data-kind]"));
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
  var count = form.querySelector(".filter-count");
  function apply() {
    var shown = 0;
    rows.forEach(function (row) {
      var ok = selects.every(function (s) {
        if (!s.value) return true;
        var value = row.getAttribute("data-" + s.getAttribute("data-filter")) || "";
        return s.getAttribute("data-filter") === "factors" ? value.indexOf(" " + s.value + " ") >= 0 : value === s.value;
      });
      row.hidden = !ok;
      if (ok) shown++;
    });
    if (count) count.textContent = count.getAttribute("data-template").replace("{shown}", shown).replace("{total}", rows.length);
    var params = new URLSearchParams();
    selects.forEach(function (s) { if (s.value) params.set(s.getAttribute("data-filter"), s.value); });
    history.replaceState(null, "", params.toString() ? "?" + params : location.pathname);
  }
  var initial = new URLSearchParams(location.search);
  selects.forEach(function (s) {
    var wanted = initial.get(s.getAttribute("data-filter"));
    if (wanted) s.value = wanted;
    s.addEventListener("change", apply);
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.hidden = false;
  apply();
})();
