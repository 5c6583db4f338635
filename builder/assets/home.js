/* The home page's error-code box: results as you type.
 *
 * Served by `fastpath serve`, it asks /api/search. On a static host or opened from
 * disk there is no API: it then finds exact codes in the table the build generates
 * (assets/fastpath/codes.js, loaded on first use).
 */
(function () {
  "use strict";

  var MAX_QUERY = 256;


  /* Must match builder/codes.py normalise_code (a test runs both over one table). */
  function normaliseCode(text) {
    var compact = String(text).trim().toUpperCase().replace(/[\s\-_.:/#]+/g, "");
    if (!compact || compact.length > 40 || !/^[0-9A-Z]+$/.test(compact)) return "";
    var m = /^0X([0-9A-F]+)$/.exec(compact) || /^([0-9A-F]*[0-9][0-9A-F]*)H$/.exec(compact);
    if (m) return m[1].replace(/^0+/, "") || "0";
    if (/^[0-9A-F]*[0-9][0-9A-F]*$/.test(compact)) return compact.replace(/^0+/, "") || "0";
    return compact;
  }
  window.fastpathNormaliseCode = normaliseCode;

  /* Must match builder/codes.py family_keys: 0xA7F3 also finds a tree claiming A7xx. */
  function familyKeys(key) {
    if (!/^[0-9A-F]+$/.test(key) || !/[0-9]/.test(key) || key.length > 8) return [];
    var digits = key.length < 4 ? ("0000" + key).slice(-4) : key;
    var keys = [];
    for (var n = 1; n < digits.length; n++) keys.push(digits.slice(0, -n) + "XXXXXXXX".slice(0, n));
    return keys;
  }
  window.fastpathFamilyKeys = familyKeys;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) node.textContent = text;
    return node;
  }

  function place(result) {
    return result.step ? result.title + " › " + result.step : result.title;
  }

  function siteRoot(form) {
    return new URL(form.getAttribute("data-fp-root") || ".", window.location.href);
  }

  function loadTable(root) {
    if (window.fastpathCodes) return Promise.resolve(window.fastpathCodes);
    return new Promise(function (resolve) {
      var script = el("script", { src: new URL("assets/fastpath/codes.js", root).href });
      script.onload = function () { resolve(window.fastpathCodes || {}); };
      script.onerror = function () { resolve({}); };
      document.head.appendChild(script);
    });
  }

  function Box(form) {
    this.form = form;
    this.input = form.querySelector("input[name=q]");
    this.results = form.querySelector(".fp-results");
    this.status = form.querySelector(".fp-search-status");
    this.root = siteRoot(form);
    this.useApi = /^https?:$/.test(window.location.protocol);
    this.sequence = 0;
    var box = this;
    var timer = 0;
    form.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { box.search(false); }, 120);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      // Enter right after typing: the pending as-you-type search would supersede this one.
      window.clearTimeout(timer);
      box.search(true);
    });
    // On a slow line the box shows before this script arrives: what was typed meanwhile counts.
    var initial = window.fastpathPendingQuery || new URLSearchParams(window.location.search).get("q") ||
      this.input.value;
    window.fastpathPendingQuery = null;
    if (initial) {
      this.input.value = initial.slice(0, MAX_QUERY);
      this.search(false);
    }
  }

  Box.prototype.search = function (submitted) {
    var query = this.input.value.trim();
    var sequence = ++this.sequence;
    var box = this;
    if (!query) {
      this.remember("");
      this.show(query, [], "");
      return;
    }
    if (query.length > MAX_QUERY) {
      this.show(query, [], "That is too long to be a code: type at most " + MAX_QUERY + " characters.");
      return;
    }
    this.remember(query);
    this.find(query).then(function (found) {
      if (sequence !== box.sequence) return; // a newer query is on its way
      box.show(query, found.results, found.message);
      var exact = found.results.filter(function (r) { return r.exact; });
      if (submitted && exact.length === 1) window.location.href = exact[0].href;
    });
  };

  /* Keep the query in the address (?q=) so the page can be shared or reloaded. */
  Box.prototype.remember = function (query) {
    var url = new URL(window.location.href);
    if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
    window.history.replaceState(window.history.state, "", url.href);
  };

  Box.prototype.find = function (query) {
    var box = this;
    if (this.useApi) {
      var url = new URL("api/search", this.root);
      url.searchParams.set("q", query);
      return window.fetch(url.href, { headers: { Accept: "application/json" } })
        .then(function (response) {
          if (response.status === 404 || !/json/.test(response.headers.get("Content-Type") || "")) {
            throw new Error("no API here");
          }
          return response.json().then(function (data) {
            if (!response.ok) return { results: [], message: data.error || "Search failed." };
            return { results: box.fromApi(data), message: "" };
          });
        })
        .catch(function () {
          box.useApi = false;
          return box.fromTable(query);
        });
    }
    return this.fromTable(query);
  };

  Box.prototype.fromApi = function (data) {
    var root = this.root;
    return (data.results || []).map(function (r) {
      return {
        // Names people read: the tree's title and the step's (a whole-tree hit has no step).
        title: r.tree_title || r.title, step: r.kind === "tree" ? "" : r.title,
        code: r.matched_code || "", snippet: r.snippet || "",
        href: new URL(r.url, root).href,
        exact: !!r.matched_code && normaliseCode(r.matched_code) === data.normalised,
      };
    });
  };

  Box.prototype.fromTable = function (query) {
    var root = this.root;
    return loadTable(root).then(function (table) {
      var named = [normaliseCode(query)].concat(query.split(/\s+/).map(normaliseCode));
      var keys = named.concat.apply(named, named.map(familyKeys));
      for (var i = 0; i < keys.length; i++) {
        var entries = keys[i] && table[keys[i]];
        if (entries && entries.length) {
          var key = keys[i];
          return {
            message: "",
            results: entries.map(function (e) {
              return { title: e.title, step: e.step, code: e.code, snippet: e.message,
                href: new URL(e.url, root).href, exact: normaliseCode(e.code) === key };
            }),
          };
        }
      }
      return { results: [], message: "No guide claims that code. Offline, only exact codes are " +
        "found here: try the search at the top of the page for words, or browse the systems." };
    });
  };

  Box.prototype.show = function (query, results, message) {
    var list = this.results;
    list.textContent = "";
    var exact = results.filter(function (r) { return r.exact; });
    if (exact.length === 1) {
      var go = el("a", { class: "md-button md-button--primary fp-go", href: exact[0].href },
        "Go to this step: " + place(exact[0]));
      list.appendChild(go);
    }
    if (results.length) {
      var ul = el("ul", { class: "fp-result-list" });
      results.forEach(function (r) {
        var li = el("li");
        var a = el("a", { href: r.href }, place(r));
        li.appendChild(a);
        if (r.code) li.appendChild(el("code", { class: "fp-result-code" }, r.code));
        if (r.snippet) li.appendChild(el("span", { class: "fp-result-snippet" }, r.snippet));
        ul.appendChild(li);
      });
      list.appendChild(ul);
    }
    this.status.textContent = message || (query ? results.length + " result" +
      (results.length === 1 ? "" : "s") + " for " + query : "");
  };

  function mount() {
    document.querySelectorAll("form[data-fp-search]").forEach(function (form) {
      if (form.getAttribute("data-fp-mounted")) return;
      form.setAttribute("data-fp-mounted", "true");
      new Box(form);
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
