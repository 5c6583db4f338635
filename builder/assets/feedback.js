/* Fastpath feedback: anonymous events to the server that served the page, "Did this fix it?"
 * at resolutions and "This step is wrong or out of date" on every step.
 *
 * Only when the page was served by `fastpath serve` with recording on (it answers
 * api/events/config); a static copy or a page opened from disk sends nothing and shows none
 * of this. Listens to the CustomEvents fastpath.js and home.js dispatch on their own roots;
 * mounted through the theme's document$, idempotent. What is sent: event kind, tree id,
 * tree version, step id, how a walk started, the code it started from, yes/no, the capped
 * comment, and search text (capped), result count and whether a result was opened, with a
 * visit id that is random per browser tab (sessionStorage). No cookies, nothing else.
 */
(function () {
  "use strict";

  var MAX_COMMENT = 500;
  var MAX_QUERY = 100;
  var MAX_BATCH = 50;
  var VISIT_KEY = "fastpath.visit";
  var FROM_SEARCH_KEY = "fastpath.fromSearch";
  var RECORDING_KEY = "fastpath.recording"; // the last answer of api/events/config this visit
  var CODE = /^[\x21-\x7e]([\x20-\x7e]{0,62}[\x21-\x7e])?$/;
  var script = document.currentScript;
  var siteRoot = new URL("../../", script ? script.src : window.location.href);

  var recording = null; // a promise of true/false, asked once per page load
  var recordingKnown = rememberedRecording(); // true/false from earlier in this visit, or null
  var queue = [];
  var timer = 0;
  var walks = []; // mounted tree pages: {root, tree, version, node, outcome, leftAt}
  var pendingSearch = null;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) node.textContent = text;
    return node;
  }

  function randomId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function visitId() {
    try {
      var id = window.sessionStorage.getItem(VISIT_KEY);
      if (!/^[0-9a-f]{32}$/.test(id || "")) {
        id = randomId();
        window.sessionStorage.setItem(VISIT_KEY, id);
      }
      return id;
    } catch (e) {
      if (!window.__fastpathVisit) window.__fastpathVisit = randomId();
      return window.__fastpathVisit;
    }
  }

  function rememberedRecording() {
    try {
      var known = window.sessionStorage.getItem(RECORDING_KEY);
      return known === "on" ? true : known === "off" ? false : null;
    } catch (e) {
      return null;
    }
  }

  function remember(on) {
    recordingKnown = on;
    try { window.sessionStorage.setItem(RECORDING_KEY, on ? "on" : "off"); } catch (e) { /* */ }
    return on;
  }

  /* Asked once per page load; until the answer comes, what this visit last heard counts,
   * so a page left quickly (a code that jumps straight to its step) still reports. */
  function isRecording() {
    if (recording) return recording;
    if (!/^https?:$/.test(window.location.protocol) || !window.fetch) {
      recordingKnown = false;
      recording = Promise.resolve(false);
    } else {
      recording = window.fetch(new URL("api/events/config", siteRoot).href,
        { headers: { Accept: "application/json" }, credentials: "omit" })
        .then(function (response) {
          if (!response.ok || !/json/.test(response.headers.get("Content-Type") || "")) return false;
          return response.json().then(function (data) { return data.recording === true; });
        })
        .catch(function () { return false; })
        .then(remember);
    }
    return recording;
  }

  function endpoint() { return new URL("api/events", siteRoot).href; }

  /* A page being left may not finish a fetch: a beacon outlives it. */
  function beaconSent(body) {
    try {
      return !!navigator.sendBeacon &&
        navigator.sendBeacon(endpoint(), new Blob([body], { type: "application/json" }));
    } catch (e) {
      return false; // a browser that refuses JSON beacons: fetch with keepalive does the same
    }
  }

  function send(beacon) {
    window.clearTimeout(timer);
    timer = 0;
    while (queue.length) {
      var body = JSON.stringify({ events: queue.splice(0, MAX_BATCH) });
      if (beacon && beaconSent(body)) continue;
      window.fetch(endpoint(), { method: "POST", body: body, keepalive: true, credentials: "omit",
        headers: { "Content-Type": "application/json" } }).catch(function () { /* best effort */ });
    }
  }

  /* Queue an event; sent within a second, together with what else happened meanwhile. */
  function record(event, now) {
    function enqueue() {
      event.visit = visitId();
      queue.push(event);
      if (now) send(true);
      else if (!timer) timer = window.setTimeout(function () { send(false); }, 1000);
    }
    isRecording();
    if (recordingKnown === true) enqueue();
    else if (recordingKnown === null) recording.then(function (on) { if (on) enqueue(); });
  }

  function treeEvent(walk, kind, node, extra) {
    return Object.assign({ kind: kind, tree: walk.tree, version: walk.version, node: node }, extra || {});
  }

  /* --- tree pages -------------------------------------------------------------------- */

  /* A search result opened just before counts as "search" (a code result as "code"); the
   * mark is used up either way, so a later walk from the menu is not taken for a search. */
  function startedHow(first) {
    var fromSearch = false;
    try {
      var from = window.sessionStorage.getItem(FROM_SEARCH_KEY);
      window.sessionStorage.removeItem(FROM_SEARCH_KEY);
      fromSearch = !!from && Date.now() - Number(from) < 60000;
    } catch (e) { /* no storage: not known */ }
    if (first.how === "code") return "code";
    if (fromSearch) return "search";
    return first.how === "link" ? "link" : "navigation";
  }

  function left(walk, beacon) {
    if (walk.outcome || !walk.node || walk.leftAt === walk.node) return;
    walk.leftAt = walk.node;
    record(treeEvent(walk, "left", walk.node), beacon);
  }

  function mountWalk(root) {
    var walk = { root: root, tree: root.getAttribute("data-fp-tree"),
      version: root.getAttribute("data-fp-version"), node: "", outcome: false, leftAt: "", seen: {} };
    if (!walk.version) return;
    walks.push(walk);
    // The walk's events (fastpath.js lists them at its top): detail.step is the step shown,
    // detail.started how the walk began ("code", "link" or "start").
    root.addEventListener("fastpath:walk-started", function (e) {
      var d = e.detail || {};
      var first = { node: d.step, how: d.started, code: d.code };
      var extra = { how: startedHow(first) };
      if (extra.how === "code" && CODE.test(first.code || "")) extra.code = first.code;
      walk.seen = {};
      walk.outcome = false;
      record(treeEvent(walk, "tree_started", first.node, extra));
    });
    root.addEventListener("fastpath:skip-ahead", function (e) {
      record(treeEvent(walk, "skip_ahead", (e.detail || {}).step));
    });
    root.addEventListener("fastpath:step-shown", function (e) {
      var node = (e.detail || {}).step;
      var section = root.querySelector('section.fp-step[data-fp-node="' + node + '"]');
      var kind = section ? section.getAttribute("data-fp-kind") : "";
      walk.node = node;
      walk.leftAt = "";
      if (walk.seen[node]) return; // back and forth over a step counts it once
      walk.seen[node] = true;
      record(treeEvent(walk, "step", node));
      if (kind === "resolution" || kind === "escalation") {
        walk.outcome = true;
        record(treeEvent(walk, kind === "resolution" ? "resolved" : "escalated", node));
      }
    });
    isRecording().then(function (on) { if (on) addControls(walk); });
  }

  function addControls(walk) {
    var root = walk.root;
    if (root.querySelector(".fp-feedback")) return;
    root.querySelectorAll("section.fp-step").forEach(function (section) {
      var node = section.getAttribute("data-fp-node");
      var box = el("div", { class: "fp-feedback" });
      if (section.getAttribute("data-fp-kind") === "resolution") box.appendChild(fixedQuestion(walk, node));
      box.appendChild(flagForm(walk, node));
      section.appendChild(box);
    });
  }

  function fixedQuestion(walk, node) {
    var group = el("div", { class: "fp-fixed", role: "group", "aria-label": "Did this fix it?" });
    group.appendChild(el("p", { class: "fp-fixed-question" }, "Did this fix it?"));
    var thanks = el("p", { class: "fp-fixed-thanks", role: "status" });
    ["Yes", "No"].forEach(function (label) {
      var button = el("button", { type: "button", class: "md-button fp-fixed-answer" }, label);
      button.addEventListener("click", function () {
        record(treeEvent(walk, "fixed_it", node, { fixed: label === "Yes" }));
        group.querySelectorAll("button").forEach(function (b) {
          b.disabled = true;
          b.setAttribute("aria-pressed", b === button ? "true" : "false");
        });
        thanks.textContent = label === "Yes" ? "Thank you: glad it is fixed."
          : "Thank you. If it is still broken, go back or start over, or call the help desk.";
      });
      group.appendChild(button);
    });
    group.appendChild(thanks);
    return group;
  }

  function flagForm(walk, node) {
    var details = el("details", { class: "fp-flag" });
    details.appendChild(el("summary", {}, "This step is wrong or out of date"));
    var form = el("form", { class: "fp-flag-form" });
    var id = "fp-flag-" + walk.tree + "-" + node;
    form.appendChild(el("label", { for: id }, "What is wrong? (optional, at most " + MAX_COMMENT + " characters)"));
    var warning = el("p", { class: "fp-flag-warning", id: id + "-warning" },
      "Do not enter patient names, IDs or any other patient details, or your own name.");
    var area = el("textarea", { id: id, name: "comment", rows: "3", maxlength: String(MAX_COMMENT),
      "aria-describedby": id + "-warning" });
    form.appendChild(warning); // read before typing
    form.appendChild(area);
    form.appendChild(el("button", { type: "submit", class: "md-button fp-flag-send" }, "Send"));
    var status = el("p", { class: "fp-flag-status", role: "status" });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var comment = area.value.replace(/\s+/g, " ").trim().slice(0, MAX_COMMENT);
      record(treeEvent(walk, "flag", node, comment ? { comment: comment } : {}));
      form.hidden = true;
      status.textContent = "Thank you: the people who keep this guide will look at this step.";
    });
    details.appendChild(form);
    details.appendChild(status);
    return details;
  }

  /* --- the error-code box ------------------------------------------------------------ */

  function related(a, b) { return a.indexOf(b) === 0 || b.indexOf(a) === 0; }

  function flushSearch(opened, beacon) {
    if (!pendingSearch) return;
    var s = pendingSearch;
    pendingSearch = null;
    record({ kind: "search", query: s.query, results: s.results, opened: opened }, beacon);
  }

  function mountSearch(form) {
    // Typing sends a search per pause; only the last of a run of related queries is kept.
    form.addEventListener("fastpath:search", function (e) {
      var d = e.detail || {};
      var query = String(d.query || "").replace(/\s+/g, " ").trim().slice(0, MAX_QUERY);
      if (!query) return;
      if (pendingSearch && !related(pendingSearch.query.toLowerCase(), query.toLowerCase())) {
        flushSearch(false);
      }
      pendingSearch = { query: query, results: Math.max(0, Math.min(10000, d.results | 0)) };
    });
    function opened() {
      try { window.sessionStorage.setItem(FROM_SEARCH_KEY, String(Date.now())); } catch (e) { /* */ }
      flushSearch(true, true);
    }
    form.addEventListener("fastpath:search-opened", opened);
    form.addEventListener("click", function (e) {
      if (e.target.closest(".fp-results a")) opened();
    });
  }

  /* --- mounting and leaving ---------------------------------------------------------- */

  function mount() {
    isRecording(); // asked now: a page being left has no time to ask
    // Instant navigation replaced the page: walks no longer shown have ended.
    walks = walks.filter(function (walk) {
      if (document.body.contains(walk.root)) return true;
      left(walk, false);
      return false;
    });
    flushSearch(false);
    document.querySelectorAll(".fastpath[data-fp-tree]").forEach(function (root) {
      if (root.getAttribute("data-fp-feedback")) return;
      root.setAttribute("data-fp-feedback", "true");
      mountWalk(root);
    });
    document.querySelectorAll("form[data-fp-search]").forEach(function (form) {
      if (form.getAttribute("data-fp-feedback")) return;
      form.setAttribute("data-fp-feedback", "true");
      mountSearch(form);
    });
  }

  function leaving() {
    walks.forEach(function (walk) { left(walk, true); });
    flushSearch(false, true);
    send(true);
  }

  window.addEventListener("pagehide", leaving);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") leaving();
  });

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(mount);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mount);
  } else {
    mount();
  }
})();
