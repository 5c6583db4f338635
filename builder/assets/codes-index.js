/* The codes page's filter box: narrows the tables as you type, without any server.
 *
 * A typed code is read as search reads it (codereader.js, with the families' prefixes the
 * page carries), so `HL7 204`, `0x204` and `a801h` keep just their rows; anything else
 * keeps the rows whose text contains it. Groups with nothing left are hidden.
 */
(function () {
  "use strict";

  function filter(index, input, count, none) {
    var reader = window.fastpathCodeReader;
    var prefixes = JSON.parse(index.getAttribute("data-fp-prefixes") || "[]");
    var query = input.value.trim();
    var rows = Array.prototype.map.call(index.querySelectorAll(".fp-code-table tbody tr"),
      function (row) {
        return { row: row, key: row.getAttribute("data-fp-key"),
          family: row.getAttribute("data-fp-family") || "",
          hex: row.getAttribute("data-fp-hex") === "true" };
      });
    var hits = function (c, r) { return c.reading.key === r.key && reader.matches(c.reading, r); };
    // As search does: `HL7 204` means the HL7 code, not also the 204 read from inside it.
    var chosen = [];
    (query ? reader.codeCandidates(query, prefixes) : []).forEach(function (c) {
      if (c.ranged) return;
      if (chosen.some(function (m) { return m.start <= c.start && c.end <= m.end; })) return;
      if (rows.some(function (r) { return hits(c, r); })) chosen.push(c);
    });
    var words = query.toLowerCase();
    rows.forEach(function (r) {
      r.row.hidden = !!query && !chosen.some(function (c) { return hits(c, r); }) &&
        r.row.textContent.toLowerCase().indexOf(words) < 0;
    });
    var shown = 0;
    index.querySelectorAll(".fp-code-group").forEach(function (group) {
      var left = group.querySelectorAll("tbody tr:not([hidden])").length;
      group.hidden = left === 0;
      shown += left;
    });
    count.textContent = query ? shown + " code" + (shown === 1 ? "" : "s") + " shown" : "";
    none.hidden = shown > 0;
  }

  function mount() {
    document.querySelectorAll("[data-fp-codes-index]").forEach(function (index) {
      if (index.getAttribute("data-fp-mounted")) return;
      index.setAttribute("data-fp-mounted", "true");
      var box = index.querySelector(".fp-codes-filter");
      var input = box.querySelector("input");
      var count = box.querySelector(".fp-codes-count");
      var none = index.querySelector(".fp-codes-none");
      box.hidden = false;
      input.addEventListener("input", function () { filter(index, input, count, none); });
    });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(mount);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mount);
  } else {
    mount();
  }
})();
