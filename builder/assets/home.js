/* The home page's error-code box: results as you type.
 *
 * Served by `fastpath serve`, it asks /api/search. On a static host or opened from
 * disk there is no API: it then finds exact codes in the table the build generates (its
 * head comes inline with the page, else assets/fastpath/codes.js; the shards a lookup needs
 * are loaded on first use), reading the query as the server does (codereader.js). When several steps claim the code
 * exactly (the same digits in two families, or a device code in two systems), it offers
 * the choice and never jumps.
 */
(function () {
  "use strict";

  var MAX_QUERY = 256;
  // A search per pause in typing: long enough to skip the keys of a fast typist, short
  // enough not to add to the round trip a phone on a poor line already waits for.
  var TYPING_PAUSE_MS = 50;


  var reader = window.fastpathCodeReader; // codereader.js: how typed codes are read

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

  var loading = {}; // script URL -> its promise: two searches never load a file twice

  function loadScript(url) {
    if (!loading[url]) {
      loading[url] = new Promise(function (resolve) {
        var script = el("script", { src: url });
        script.onload = function () { resolve(true); };
        script.onerror = function () {
          delete loading[url]; // offline for a moment: a later search tries again
          resolve(false);
        };
        document.head.appendChild(script);
      });
    }
    return loading[url];
  }

  /* The table's head (prefixes, number of shards, claimed ranges): inline in a page the
   * build gives a code box, loaded on first use in any other. */
  function loadTable(root) {
    if (window.fastpathCodes) return Promise.resolve(window.fastpathCodes);
    return loadScript(new URL("assets/fastpath/codes.js", root).href).then(function () {
      return window.fastpathCodes || { prefixes: [], shards: 0 };
    });
  }

  /* The claims of each key, from the shards that hold them (each loaded once). */
  function loadClaims(root, table, keys) {
    var shards = {};
    keys.forEach(function (key) { shards[reader.keyShard(key, table.shards)] = true; });
    return Promise.all(Object.keys(shards).map(function (n) {
      return loadScript(new URL("assets/fastpath/code-table-" + n + ".js", root).href);
    })).then(function () {
      var all = window.fastpathCodeShards || {};
      return function (key) {
        var shard = all[reader.keyShard(key, table.shards)] || {};
        return Object.prototype.hasOwnProperty.call(shard, key) ? shard[key] : [];
      };
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
      timer = window.setTimeout(function () { box.search(false); }, TYPING_PAUSE_MS);
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
      box.form.dispatchEvent(new CustomEvent("fastpath:search", { detail: { query: query, results: found.results.length } }));
      var exact = found.results.filter(function (r) { return r.exact; });
      if (submitted && exact.length === 1) { box.form.dispatchEvent(new CustomEvent("fastpath:search-opened")); window.location.href = exact[0].href; }
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
    if (!this.useApi) return this.fromTable(query);
    // Until the API has answered once, the table is looked up alongside: on a static host
    // the answer then does not wait for a failed round trip first (a few kilobytes at most
    // are fetched for nothing where the API answers).
    var fallback = this.apiAnswered ? null : this.fromTable(query);
    var url = new URL("api/search", this.root);
    url.searchParams.set("q", query);
    return window.fetch(url.href, { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 404 || !/json/.test(response.headers.get("Content-Type") || "")) {
          throw new Error("no API here");
        }
        box.apiAnswered = true;
        return response.json().then(function (data) {
          if (!response.ok) return { results: [], message: data.error || "Search failed." };
          return { results: box.fromApi(data), message: "" };
        });
      })
      .catch(function () {
        box.useApi = false;
        return fallback || box.fromTable(query);
      });
  };

  Box.prototype.fromApi = function (data) {
    var root = this.root;
    return (data.results || []).map(function (r) {
      return {
        // Names people read: the tree's title and the step's (a whole-tree hit has no step).
        title: r.tree_title || r.title, step: r.kind === "tree" ? "" : r.title,
        code: r.matched_code || "", snippet: r.snippet || "",
        href: new URL(r.url, root).href,
        exact: !!r.exact, label: r.label || "",
      };
    });
  };

  function choiceLabel(e) {
    var meaning = e.message ? " — " + (e.family_name ? e.family_name + ": " : "") + e.message : "";
    return e.code + meaning + " — " + e.system;
  }

  /* The claims a candidate finds: the right family and base, exact ones first. */
  function claimsFor(claimsOf, candidate) {
    return claimsOf(candidate.reading.key).filter(function (e) {
      return reader.matches(candidate.reading, e);
    });
  }

  Box.prototype.fromTable = function (query) {
    var root = this.root;
    var candidates = [];
    return loadTable(root).then(function (table) {
      if (!table.shards) return function () { return []; };
      var ranges = table.ranges || [];
      // A status range no step claims is in no shard: none is loaded for it.
      candidates = reader.codeCandidates(query, table.prefixes || []).filter(function (c) {
        return !c.ranged || ranges.indexOf(c.reading.key) >= 0;
      });
      return loadClaims(root, table, candidates.map(function (c) { return c.reading.key; }));
    }).then(function (claimsOf) {
      var matched = [];
      var results = [];
      var seen = {};
      candidates.forEach(function (c) {
        // `DCM 0042` means DCM-0042, not also the different code 0042 read from inside it.
        if (matched.some(function (m) { return m.start <= c.start && c.end <= m.end; })) return;
        var found = claimsFor(claimsOf, c);
        if (found.length) matched.push(c);
        found.forEach(function (e) {
          var exact = !e.loose && !c.ranged;
          var known = seen[e.url];
          if (known && (known.exact || !exact)) return;
          var result = { title: e.title, step: e.step, code: e.code, snippet: e.message,
            href: new URL(e.url, root).href, exact: exact, label: choiceLabel(e) };
          if (known) results[results.indexOf(known)] = result; else results.push(result);
          seen[e.url] = result;
        });
      });
      results.sort(function (a, b) { return (b.exact ? 1 : 0) - (a.exact ? 1 : 0); });
      if (results.length) return { results: results, message: "" };
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
    } else if (exact.length > 1) {
      // The same code means different things: say so and let the reader pick.
      var choice = el("div", { class: "fp-choice", role: "group", "aria-labelledby": "fp-choice-title" });
      choice.appendChild(el("p", { class: "fp-choice-title", id: "fp-choice-title" },
        exact.length + " guides handle " + query + ". Which one do you see?"));
      var options = el("ul", { class: "fp-choice-list" });
      exact.forEach(function (r) {
        var li = el("li");
        var a = el("a", { class: "md-button fp-choice-option", href: r.href });
        a.appendChild(el("span", { class: "fp-choice-label" }, r.label || r.code));
        a.appendChild(el("span", { class: "fp-choice-step" }, place(r)));
        li.appendChild(a);
        options.appendChild(li);
      });
      choice.appendChild(options);
      list.appendChild(choice);
    }
    var rest = exact.length > 1 ? results.filter(function (r) { return !r.exact; }) : results;
    if (rest.length) {
      var ul = el("ul", { class: "fp-result-list" });
      rest.forEach(function (r) {
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
