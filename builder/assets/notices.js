/* Outage notices at the top of the pages they concern.
 *
 * Served by `fastpath serve`, the notices come from api/notices (the server re-reads the
 * notices file when it changes) and are fetched again every few seconds while the page is
 * shown. Elsewhere (a static host, a copy opened from disk) they come from the copy the build
 * wrote (assets/fastpath/notices-data.js). Either way a notice shows only between its from
 * and until times. A tree page shows the notices naming its tree, its system or one of its
 * codes (or the code it was opened from); the home page shows every current notice; other
 * pages show the notices that name nothing (they concern everyone).
 */
(function () {
  "use strict";

  var POLL_MS = 5000;
  var script = document.currentScript;
  var siteRoot = new URL("../../", script ? script.src : window.location.href);
  var source = null; // "api" or "static", decided on first use
  var notices = [];
  var timer = 0;
  var generation = 0; // each page mount starts its own polling; older ones stop

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) node.textContent = text;
    return node;
  }

  function key(code) {
    var reader = window.fastpathCodeReader;
    var readings = reader ? reader.readCode(code, []) : [];
    return readings.length ? readings[0].key : String(code).toUpperCase();
  }

  function fromStatic() {
    if (window.fastpathNotices) return Promise.resolve(window.fastpathNotices);
    return new Promise(function (resolve) {
      var tag = el("script", { src: new URL("assets/fastpath/notices-data.js", siteRoot).href });
      tag.onload = function () { resolve(window.fastpathNotices || []); };
      tag.onerror = function () { resolve([]); };
      document.head.appendChild(tag);
    });
  }

  function load() {
    if (source === "static" || !/^https?:$/.test(window.location.protocol) || !window.fetch) {
      source = "static";
      return fromStatic();
    }
    return window.fetch(new URL("api/notices", siteRoot).href,
      { headers: { Accept: "application/json" }, credentials: "omit", cache: "no-store" })
      .then(function (response) {
        if (!response.ok || !/json/.test(response.headers.get("Content-Type") || "")) throw new Error("no API");
        return response.json();
      })
      .then(function (data) { source = "api"; return data.notices || []; })
      .catch(function () {
        if (source === "api") return notices; // the server is briefly away: keep what shows
        source = "static";
        return fromStatic();
      });
  }

  /* What the page is about: its tree, system and codes; or "home"; or nothing. */
  function pageContext() {
    var root = document.querySelector(".fastpath[data-fp-tree]");
    if (root) {
      var codes = [];
      root.querySelectorAll(".fp-tree-codes code").forEach(function (c) { codes.push(key(c.textContent)); });
      root.querySelectorAll("section.fp-step[data-fp-codes]").forEach(function (s) {
        s.getAttribute("data-fp-codes").split(" ").forEach(function (c) { codes.push(key(c)); });
      });
      var opened = new URLSearchParams(window.location.search).get("code");
      if (opened) codes.push(key(opened));
      return { root: root, tree: root.getAttribute("data-fp-tree"),
        system: root.getAttribute("data-fp-system"), codes: codes };
    }
    var form = document.querySelector("form[data-fp-search]");
    return form ? { home: form } : {};
  }

  function concerns(notice, page) {
    var named = notice.trees.length + notice.systems.length + notice.code_keys.length;
    if (!named || page.home) return true;
    if (!page.tree) return false;
    return notice.trees.indexOf(page.tree) >= 0 || notice.systems.indexOf(page.system) >= 0 ||
      notice.code_keys.some(function (k) { return page.codes.indexOf(k) >= 0; });
  }

  function until(notice) {
    var end = new Date(notice.until);
    var sameDay = end.toDateString() === new Date().toDateString();
    return sameDay ? end.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })
      : end.toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
  }

  function render() {
    var article = document.querySelector("article.md-content__inner") || document.querySelector("main");
    if (!article) return;
    var page = pageContext();
    var now = Date.now();
    var shown = notices.filter(function (n) {
      return Date.parse(n.from) <= now && now < Date.parse(n.until) && concerns(n, page);
    });
    var box = article.querySelector(".fp-notices");
    if (!shown.length) {
      if (box) box.remove();
      return;
    }
    if (!box) {
      box = el("div", { class: "fp-notices" });
      var heading = article.querySelector("h1");
      var anchor = page.root || page.home || (heading && heading.nextSibling) || article.firstChild;
      anchor.parentNode.insertBefore(box, anchor);
    }
    box.textContent = "";
    shown.forEach(function (n) {
      var item = el("aside", { class: "admonition danger fp-outage", "aria-label": "Known problem" });
      item.appendChild(el("p", { class: "admonition-title" }, "Known problem" +
        (n.reference ? " (" + n.reference + ")" : "")));
      item.appendChild(el("p", { class: "fp-outage-message" }, n.message));
      item.appendChild(el("p", { class: "fp-outage-until" }, "Expected to last until " + until(n) + "."));
      box.appendChild(item);
    });
  }

  function refresh() {
    return load().then(function (found) { notices = found || []; render(); });
  }

  function mount() {
    var mine = ++generation;
    window.clearTimeout(timer);
    refresh().then(function schedule() {
      if (mine !== generation) return;
      // Poll while the page is shown (a server picks up a new notice within a second);
      // a static copy's notices only need hiding when they expire.
      timer = window.setTimeout(function () {
        if (document.visibilityState === "hidden") return schedule();
        (source === "api" ? refresh() : Promise.resolve(render())).then(schedule);
      }, POLL_MS);
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
