/* Fastpath tree pages: turns the static tree (every step a section) into a guided walk.
 *
 * Mounted through the theme's document$ so it survives instant navigation; idempotent;
 * listeners live on the widget's own root. Without this script the page still works:
 * every step is a section and every answer a link.
 */
(function () {
  "use strict";

  var SUPPORT_KEY = "fastpath.supportView";
  var STEP_PREFIX = "step-";

  /* The theme renders Mermaid diagrams into a closed shadow root. Opening it (for
   * diagrams only) lets the support view highlight the current step. */
  if (!Element.prototype.__fastpathShadow) {
    var attachShadow = Element.prototype.attachShadow;
    Element.prototype.attachShadow = function (init) {
      if (init && init.mode === "closed" && this.classList && this.classList.contains("mermaid")) {
        init = Object.assign({}, init, { mode: "open" });
      }
      return attachShadow.call(this, init);
    };
    Element.prototype.__fastpathShadow = true;
  }

  /* The theme's instant navigation records the scroll position with
   * history.replaceState(offset, ""), which drops the walk kept in history.state: the
   * browser's back button then no longer knows the steps taken. Keep the walk when the
   * same history entry is overwritten with a state that does not carry one. */
  if (!window.history.__fastpathKeep) {
    var replaceState = window.history.replaceState;
    window.history.replaceState = function (state, title, url) {
      var kept = window.history.state && window.history.state.fastpath;
      if (kept && url === undefined && state && typeof state === "object" && !state.fastpath) {
        state = Object.assign({}, state, { fastpath: kept });
      }
      return replaceState.apply(window.history, [state, title].concat(
        url === undefined ? [] : [url]));
    };
    window.history.__fastpathKeep = true;
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) node.textContent = text;
    return node;
  }

  function readSupport() {
    try { return window.localStorage.getItem(SUPPORT_KEY) === "on"; } catch (e) { return false; }
  }

  function writeSupport(on) {
    try { window.localStorage.setItem(SUPPORT_KEY, on ? "on" : "off"); } catch (e) { /* private mode */ }
  }

  function stepFromHash(hash) {
    var id = decodeURIComponent((hash || "").replace(/^#/, ""));
    return id.indexOf(STEP_PREFIX) === 0 ? id.slice(STEP_PREFIX.length) : "";
  }

  function Walk(root) {
    this.root = root;
    this.treeId = root.getAttribute("data-fp-tree");
    this.path = window.location.pathname;
    this.title = root.getAttribute("data-fp-title");
    this.start = root.getAttribute("data-fp-start");
    this.landing = root.getAttribute("data-fp-landing");
    this.expertPath = JSON.parse(root.getAttribute("data-fp-skipped") || "[]");
    this.sections = {};
    var self = this;
    root.querySelectorAll("section.fp-step").forEach(function (section) {
      self.sections[section.getAttribute("data-fp-node")] = section;
    });
    this.treeCodes = Array.prototype.map.call(
      root.querySelectorAll(".fp-tree-codes code"), function (c) { return c.textContent; });
    this.trail = [];
    this.build();
    this.restore();
  }

  Walk.prototype.label = function (nodeId) {
    var section = this.sections[nodeId];
    return section ? section.getAttribute("data-fp-label") : nodeId;
  };

  Walk.prototype.build = function () {
    var root = this.root;
    root.classList.add("fp-js");
    var bar = el("div", { class: "fp-toolbar", role: "group", "aria-label": "Guide controls" });
    this.toolbar = bar;
    this.backButton = el("button", { type: "button", class: "md-button fp-back" }, "Back");
    this.restartButton = el("button", { type: "button", class: "md-button fp-restart" }, "Start over");
    this.skipButton = el("button", { type: "button", class: "md-button md-button--primary fp-skip" },
      "I've done the basics: skip ahead");
    this.supportButton = el("button", { type: "button", class: "md-button fp-support-toggle",
      "aria-pressed": "false" }, "Support view");
    this.copyButton = el("button", { type: "button", class: "md-button fp-copy" }, "Copy for ticket");
    [this.backButton, this.restartButton, this.skipButton, this.supportButton, this.copyButton]
      .forEach(function (b) { bar.appendChild(b); });
    this.trailList = el("ol", { class: "fp-trail-list" });
    var trail = el("nav", { class: "fp-trail", "aria-label": "Steps taken" });
    trail.appendChild(this.trailList);
    this.notice = el("p", { class: "fp-notice", role: "status" });
    this.live = el("div", { class: "fp-live", "aria-live": "polite" });
    this.transcript = el("pre", { class: "fp-transcript-text" });
    var details = el("details", { class: "fp-transcript" });
    details.appendChild(el("summary", {}, "Transcript (what to paste into a ticket)"));
    details.appendChild(this.transcript);
    var first = root.querySelector("section.fp-step");
    root.insertBefore(bar, first);
    root.insertBefore(trail, first);
    root.insertBefore(this.notice, first);
    root.appendChild(details);
    root.appendChild(this.live);

    // In-tree answers become buttons; links to other trees stay links.
    root.querySelectorAll("a.fp-answer").forEach(function (link) {
      var target = link.getAttribute("data-fp-next");
      if (target.indexOf("tree:") === 0) {
        link.classList.add("md-button");
        return;
      }
      var button = el("button", { type: "button", class: "md-button fp-answer",
        "data-fp-next": target }, link.textContent);
      if (link.hasAttribute("data-fp-expert")) button.setAttribute("data-fp-expert", "true");
      link.parentNode.replaceChild(button, link);
    });
    root.querySelectorAll("section.fp-kind-escalation").forEach(function (section) {
      var big = el("button", { type: "button", class: "md-button md-button--primary fp-copy fp-copy-prominent" },
        "Copy for ticket");
      section.querySelector(".fp-escalation").appendChild(big);
    });

    // The flowchart lives after the widget in the page; the support view shows it inside.
    var chart = root.parentNode && root.parentNode.querySelector(
      '.fp-flowchart[data-fp-flowchart="' + this.treeId + '"]');
    if (chart) {
      root.appendChild(chart);
      this.chart = chart;
      var self = this;
      new MutationObserver(function () { self.highlight(); })
        .observe(chart, { childList: true, subtree: true });
    }
    this.setSupport(readSupport());

    var walk = this;
    root.addEventListener("click", function (event) { walk.onClick(event); });
    this.onPop = function (event) { walk.onPopState(event); };
    window.addEventListener("popstate", this.onPop);
  };

  Walk.prototype.onClick = function (event) {
    var target = event.target.closest("button, a");
    if (!target || !this.root.contains(target)) return;
    if (target.matches("button.fp-answer")) {
      var section = target.closest("section.fp-step");
      this.go({ node: target.getAttribute("data-fp-next"), how: "answer",
        from: section.getAttribute("data-fp-node"), answer: target.textContent });
    } else if (target === this.backButton) {
      if (this.trail.length > 1) window.history.back();
    } else if (target === this.restartButton) {
      this.go({ node: this.start, how: "restart" }, true);
    } else if (target === this.skipButton) {
      this.skipAhead();
    } else if (target === this.supportButton) {
      this.setSupport(!this.root.classList.contains("fp-support-on"));
    } else if (target.matches(".fp-copy")) {
      this.copy();
    } else if (target.matches('a[href^="#' + STEP_PREFIX + '"]')) {
      event.preventDefault();
      this.go({ node: stepFromHash(target.getAttribute("href")), how: "link" });
    }
  };

  Walk.prototype.skipAhead = function () {
    var current = this.current();
    var index = -1;
    this.expertPath.forEach(function (pair, i) { if (pair[0] === current && index < 0) index = i; });
    if (index < 0) return;
    var skipped = this.expertPath.slice(index);
    this.go({ node: this.landing, how: "skip", skipped: skipped });
  };

  Walk.prototype.current = function () {
    return this.trail.length ? this.trail[this.trail.length - 1].node : this.start;
  };

  /* Move to a step: a new history entry, so the browser's back button undoes it. */
  Walk.prototype.go = function (entry, reset) {
    if (!this.sections[entry.node]) return;
    this.trail = reset ? [entry] : this.trail.concat([entry]);
    this.save("push");
    this.render(true);
  };

  Walk.prototype.save = function (mode) {
    var state = Object.assign({}, window.history.state || {}, {
      fastpath: { tree: this.treeId, trail: this.trail } });
    var url = "#" + STEP_PREFIX + this.current();
    if (mode === "push") window.history.pushState(state, "", url);
    else window.history.replaceState(state, "", url);
  };

  Walk.prototype.restore = function () {
    var state = window.history.state && window.history.state.fastpath;
    var returning = false;
    if (state && state.tree === this.treeId && state.trail && state.trail.length) {
      this.trail = state.trail;
      // Back/forward into a walk: the theme may have swapped the page content (it does on
      // the first history move after a load), which drops the focus; give it to the step.
      var active = document.activeElement;
      returning = !active || active === document.body;
    } else {
      var node = stepFromHash(window.location.hash);
      var code = new URLSearchParams(window.location.search).get("code");
      if (node && this.sections[node] && (node !== this.start || code)) {
        this.trail = [{ node: node, how: code ? "code" : "link", code: code || "" }];
        // The address ends in #step-..., so the page opens scrolled to the step, past the
        // notice saying where it started and the controls. Show those too, once the
        // browser and the theme are done scrolling to the anchor.
        var bar = this.toolbar;
        window.setTimeout(function () { bar.scrollIntoView({ block: "start" }); }, 0);
      } else {
        this.trail = [{ node: this.start, how: "start" }];
      }
      this.root.dispatchEvent(new CustomEvent("fastpath:walk-started", { detail: this.trail[0] }));
      this.save("replace");
    }
    this.render(returning);
  };

  Walk.prototype.onPopState = function (event) {
    if (!document.body.contains(this.root)) {
      window.removeEventListener("popstate", this.onPop);
      return;
    }
    // Instant navigation to another page: that page's walk handles its own history.
    if (window.location.pathname !== this.path) return;
    var state = event.state && event.state.fastpath;
    if (state && state.tree === this.treeId) {
      this.trail = state.trail;
      this.render(true);
    } else {
      var node = stepFromHash(window.location.hash);
      if (node && this.sections[node] && node !== this.current()) {
        this.trail = this.trail.concat([{ node: node, how: "link" }]);
        this.save("replace");
        this.render(true);
      }
    }
  };

  Walk.prototype.render = function (moveFocus) {
    var current = this.current();
    var sections = this.sections;
    Object.keys(sections).forEach(function (id) {
      sections[id].classList.toggle("fp-current", id === current);
    });
    var first = this.trail[0];
    if (first.how === "code") {
      this.notice.textContent = "Started at this step from code " + first.code + ".";
    } else if (first.how === "link") {
      this.notice.textContent = "Started at this step from a link; the steps before it were not shown.";
    } else {
      this.notice.textContent = "";
    }
    this.notice.hidden = !this.notice.textContent;
    this.renderTrail();
    this.backButton.disabled = this.trail.length < 2;
    this.restartButton.disabled = this.trail.length < 2 && current === this.start;
    var onExpertPath = this.expertPath.some(function (pair) { return pair[0] === current; });
    this.skipButton.hidden = !onExpertPath;
    this.transcript.textContent = this.ticketText();
    this.highlight();
    this.root.dispatchEvent(new CustomEvent("fastpath:step", { detail: { node: current, kind: sections[current].getAttribute("data-fp-kind"), how: this.trail[this.trail.length - 1].how } }));
    if (moveFocus) {
      sections[current].focus();
      this.live.textContent = "Now at: " + this.label(current);
    }
  };

  Walk.prototype.renderTrail = function () {
    var list = this.trailList;
    var walk = this;
    list.textContent = "";
    this.trail.forEach(function (entry, i) {
      if (entry.how === "skip") {
        entry.skipped.forEach(function (pair) {
          list.appendChild(el("li", { class: "fp-trail-skipped" },
            walk.label(pair[0]) + ": assumed " + (pair[1] || "done")));
        });
      }
      var next = walk.trail[i + 1];
      if (next && next.how === "skip" && next.skipped.length && next.skipped[0][0] === entry.node) {
        return; // shown with the answer assumed for it, just below
      }
      var item = el("li", {}, walk.label(entry.node));
      if (i === walk.trail.length - 1) item.setAttribute("aria-current", "step");
      list.appendChild(item);
    });
  };

  Walk.prototype.pathCodes = function () {
    var codes = this.treeCodes.slice();
    var sections = this.sections;
    this.trail.forEach(function (entry) {
      var attr = sections[entry.node] && sections[entry.node].getAttribute("data-fp-codes");
      (attr ? attr.split(" ") : []).forEach(function (c) { if (codes.indexOf(c) < 0) codes.push(c); });
      if (entry.code && codes.indexOf(entry.code) < 0) codes.push(entry.code);
    });
    return codes;
  };

  Walk.prototype.ticketText = function () {
    var walk = this;
    var lines = ["Fastpath: " + this.title, "Page: " + window.location.href.split("#")[0] +
      "#" + STEP_PREFIX + this.current()];
    var first = this.trail[0];
    if (first.how === "code") lines.push("Started from error code " + first.code + " at: " + this.label(first.node));
    else if (first.how === "link") lines.push("Started from a link at: " + this.label(first.node));
    var steps = [];
    var skipped = [];
    this.trail.forEach(function (entry) {
      if (entry.how === "answer") steps.push(walk.label(entry.from) + " -> " + entry.answer);
      if (entry.how === "restart") steps.push("(started over)");
      if (entry.how === "skip") {
        entry.skipped.forEach(function (pair) {
          skipped.push(walk.label(pair[0]) + " -> " + (pair[1] || "done") + " (assumed)");
        });
      }
    });
    if (skipped.length) {
      lines.push("", "Basic checks skipped (already done by the user, answers assumed):");
      skipped.forEach(function (s) { lines.push("  - " + s); });
    }
    lines.push("", "Steps and answers:");
    if (!steps.length) lines.push("  (none yet)");
    steps.forEach(function (s, i) { lines.push("  " + (i + 1) + ". " + s); });
    var current = this.sections[this.current()];
    lines.push("", "Now at: " + this.label(this.current()));
    var contact = current.querySelector(".fp-escalation p");
    if (contact) lines.push(contact.textContent);
    var codes = this.pathCodes();
    lines.push("Codes on this path: " + (codes.length ? codes.join(", ") : "none"));
    var now = new Date();
    lines.push("Time: " + now.toLocaleString() + " (" + now.toISOString() + ")");
    lines.push("Browser: " + navigator.userAgent);
    return lines.join("\n");
  };

  Walk.prototype.copy = function () {
    var text = this.ticketText();
    this.transcript.textContent = text;
    var walk = this;
    function fallback() {
      var area = el("textarea", { class: "fp-copy-area", "aria-hidden": "true" });
      area.value = text;
      walk.root.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      walk.root.removeChild(area);
      walk.copied(ok);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { walk.copied(true); }, fallback);
    } else {
      fallback();
    }
  };

  Walk.prototype.copied = function (ok) {
    this.live.textContent = ok ? "Copied the transcript for your ticket."
      : "Could not copy automatically: open the transcript below and copy it.";
    if (!ok) this.transcript.parentNode.open = true;
  };

  Walk.prototype.setSupport = function (on) {
    this.root.classList.toggle("fp-support-on", on);
    this.supportButton.setAttribute("aria-pressed", on ? "true" : "false");
    writeSupport(on);
    this.highlight();
  };

  /* Mark the current step in the rendered flowchart (support view). */
  Walk.prototype.highlight = function () {
    if (!this.chart || !this.sections[this.current()]) return;
    var flowId = this.sections[this.current()].getAttribute("data-fp-flow");
    var pattern = new RegExp("flowchart-" + flowId + "-\\d+$");
    var chart = this.chart;
    chart.querySelectorAll("div.mermaid").forEach(function (host) {
      var scope = host.shadowRoot || host;
      // A big tree shrunk to the column is unreadable: keep at least 60% of its natural
      // size and let the chart scroll sideways to the current step.
      var svg = scope.querySelector("svg");
      var natural = svg && parseFloat(svg.style.maxWidth);
      var room = chart.clientWidth;
      if (natural && room && natural > room) {
        svg.style.width = Math.max(room, natural * 0.6) + "px";
        svg.style.maxWidth = "none";
      }
      scope.querySelectorAll("g.node").forEach(function (node) {
        var on = pattern.test(node.id);
        node.classList.toggle("fp-flow-current", on);
        if (on && chart.scrollWidth > chart.clientWidth) {
          var box = node.getBoundingClientRect();
          var outer = chart.getBoundingClientRect();
          chart.scrollLeft += box.left + box.width / 2 - (outer.left + outer.width / 2);
        }
        node.querySelectorAll("rect, polygon, path, circle").forEach(function (shape) {
          shape.style.stroke = on ? "#d81b60" : "";
          shape.style.strokeWidth = on ? "4px" : "";
        });
      });
    });
  };

  function mountAll() {
    document.querySelectorAll(".fastpath[data-fp-tree]").forEach(function (root) {
      if (root.getAttribute("data-fp-mounted")) return;
      root.setAttribute("data-fp-mounted", "true");
      new Walk(root);
    });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(mountAll);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mountAll);
  } else {
    mountAll();
  }
})();
