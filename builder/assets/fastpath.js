/* Fastpath tree pages: turns the static tree (every step a section) into a guided walk.
 *
 * Mounted through the theme's document$ so it survives instant navigation; idempotent;
 * listeners live on the widget's own root. Without this script the page still works:
 * every step is a section and every answer a link.
 *
 * Events for other scripts (a feedback or statistics script, say): CustomEvents that
 * bubble from the widget's root element (.fastpath[data-fp-tree]), each with
 * detail = {tree: tree id, step: step id, started: how the walk started ("start", "code"
 * or "link"), how: how this step was reached ("start", "answer", "skip", "jump", "link",
 * "restart", "history"), code: the code it started from or jumped by, or ""}:
 *
 *   fastpath:walk-started  a walk starts: the page opened, or "Start over"
 *   fastpath:step-shown    a step is shown (every move, the browser's back and forward too)
 *   fastpath:skip-ahead    the basic checks were skipped (detail.skipped: their step ids)
 *   fastpath:resolved      a resolution step is shown
 *   fastpath:escalated     an escalation (hand-over) step is shown
 */
(function () {
  "use strict";

  var SUPPORT_KEY = "fastpath.supportView";
  var STEP_PREFIX = "step-";
  // Next to this script, so the chart loads from the same copy of the site: a server, a
  // static host, or a folder opened from disk with no network.
  var SCRIPT_URL = (document.currentScript && document.currentScript.src) || window.location.href;
  var CHART_SCRIPTS = ["vendor/mermaid.min.js", "chart.js"];
  // Longer links are cut by some browsers, mail programs and ticketing systems.
  var TICKET_URL_LIMIT = 2000;
  var loading = {};

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

  function loadScript(name) {
    if (!loading[name]) {
      loading[name] = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = new URL(name, SCRIPT_URL).href;
        script.onload = resolve;
        script.onerror = function () {
          delete loading[name];
          reject(new Error("could not load " + name));
        };
        document.head.appendChild(script);
      });
    }
    return loading[name];
  }

  function normaliseCode(text) {
    // codereader.js (on every page) reads codes exactly as the Python side does.
    var reader = window.fastpathCodeReader;
    var readings = reader ? reader.readCode(text, []) : [];
    if (readings.length) return readings[0].key;
    return String(text).trim().toUpperCase().replace(/[\s\-_.:/#]+/g, "");
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
    this.ticketEmail = root.getAttribute("data-fp-ticket-email") || "";
    this.ticketUrl = root.getAttribute("data-fp-ticket-url") || "";
    this.sections = {};
    this.byNumber = {};
    this.byFlow = {};
    var self = this;
    root.querySelectorAll("section.fp-step").forEach(function (section) {
      var id = section.getAttribute("data-fp-node");
      self.sections[id] = section;
      self.byNumber[section.getAttribute("data-fp-number")] = id;
      self.byFlow[section.getAttribute("data-fp-flow")] = {
        id: id, number: section.getAttribute("data-fp-number"), label: self.label(id) };
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

  Walk.prototype.numbered = function (nodeId) {
    var section = this.sections[nodeId];
    return (section ? section.getAttribute("data-fp-number") + ". " : "") + this.label(nodeId);
  };

  Walk.prototype.emit = function (name, extra) {
    var first = this.trail[0] || {};
    var last = this.trail[this.trail.length - 1] || {};
    var detail = Object.assign({ tree: this.treeId, step: this.current(),
      started: first.how === "code" || first.how === "link" ? first.how : "start",
      how: last.how || "start", code: last.code || first.code || "" }, extra || {});
    this.root.dispatchEvent(new CustomEvent("fastpath:" + name, { bubbles: true, detail: detail }));
  };

  function button(cls, text, attrs) {
    return el("button", Object.assign({ type: "button", class: "md-button " + cls }, attrs || {}), text);
  }

  Walk.prototype.build = function () {
    var root = this.root;
    root.classList.add("fp-js");
    // Buttons come in groups that wrap as a whole (never one left alone on a row): moving
    // through the guide and copying it, skipping the basics, and the views.
    var bar = el("div", { class: "fp-toolbar", role: "group", "aria-label": "Guide controls" });
    this.toolbar = bar;
    this.backButton = button("fp-back", "Back");
    this.restartButton = button("fp-restart", "Start over");
    this.skipButton = button("md-button--primary fp-skip", "I've done the basics: skip ahead");
    this.supportButton = button("fp-support-toggle", "Support view", { "aria-pressed": "false" });
    this.runbookButton = button("fp-runbook-toggle", "Runbook", { "aria-pressed": "false" });
    this.copyButton = button("fp-copy", "Copy for ticket");
    [[this.backButton, this.restartButton, this.copyButton], [this.skipButton],
      [this.supportButton, this.runbookButton]].forEach(function (buttons) {
      var group = el("div", { class: "fp-toolbar-group" });
      buttons.forEach(function (b) { group.appendChild(b); });
      bar.appendChild(group);
    });
    this.trailList = el("ol", { class: "fp-trail-list" });
    var trail = el("nav", { class: "fp-trail", "aria-label": "Steps taken" });
    trail.appendChild(this.trailList);
    this.notice = el("p", { class: "fp-notice", role: "status" });
    this.live = el("div", { class: "fp-live", "aria-live": "polite" });
    this.transcript = el("pre", { class: "fp-transcript-text" });
    var details = el("details", { class: "fp-transcript" });
    details.appendChild(el("summary", {}, "Transcript (what to paste into a ticket)"));
    details.appendChild(this.transcript);

    // The agent's desk: the step (with its note and answers) beside the chart on a wide
    // screen, above it on a narrow one.
    var desk = el("div", { class: "fp-desk" });
    var main = el("div", { class: "fp-desk-main" });
    this.jumpForm = this.buildJump();
    main.appendChild(this.jumpForm);
    var first = root.querySelector("section.fp-step");
    root.insertBefore(bar, first);
    root.insertBefore(trail, first);
    root.insertBefore(this.notice, first);
    root.insertBefore(desk, first);
    desk.appendChild(main);
    root.querySelectorAll("section.fp-step").forEach(function (section) { main.appendChild(section); });
    main.appendChild(details);
    root.appendChild(this.live);

    // In-tree answers become buttons; links to other trees stay links.
    root.querySelectorAll("a.fp-answer").forEach(function (link) {
      var target = link.getAttribute("data-fp-next");
      if (target.indexOf("tree:") === 0) {
        link.classList.add("md-button");
        return;
      }
      var answer = el("button", { type: "button", class: "md-button fp-answer",
        "data-fp-next": target }, link.textContent);
      if (link.hasAttribute("data-fp-expert")) answer.setAttribute("data-fp-expert", "true");
      link.parentNode.replaceChild(answer, link);
    });
    var walk = this;
    root.querySelectorAll("section.fp-kind-escalation").forEach(function (section) {
      var actions = el("div", { class: "fp-ticket-actions" });
      actions.appendChild(button("md-button--primary fp-copy fp-copy-prominent", "Copy for ticket"));
      if (walk.ticketEmail || walk.ticketUrl) {
        var open = el("a", { class: "md-button md-button--primary fp-ticket", href: "#" }, "Open a ticket");
        if (!walk.ticketEmail) { open.setAttribute("target", "_blank"); open.setAttribute("rel", "noopener"); }
        actions.appendChild(open);
      }
      section.querySelector(".fp-escalation").appendChild(actions);
    });

    // The flowchart's source follows the widget in the page; the support view draws it.
    var chart = root.parentNode && root.parentNode.querySelector(
      '.fp-flowchart[data-fp-flowchart="' + this.treeId + '"]');
    if (chart) {
      desk.appendChild(chart);
      this.chartPanel = chart;
      var source = chart.querySelector(".fp-flowchart-source");
      this.chartSource = source ? source.textContent : "";
      this.chartStatus = el("p", { class: "fp-chart-status", role: "status" });
      chart.insertBefore(this.chartStatus, chart.firstChild);
    }
    this.setSupport(readSupport(), false);

    root.addEventListener("click", function (event) { walk.onClick(event); });
    this.jumpForm.addEventListener("submit", function (event) {
      event.preventDefault();
      walk.jumpTo(walk.jumpInput.value);
    });
    this.onPop = function (event) { walk.onPopState(event); };
    window.addEventListener("popstate", this.onPop);
  };

  Walk.prototype.buildJump = function () {
    var id = "fp-jump-" + this.treeId;
    var form = el("form", { class: "fp-jump", "aria-label": "Jump to a step" });
    form.appendChild(el("label", { for: id }, "Jump to step: its number, or the code the caller reads out"));
    var row = el("div", { class: "fp-jump-row" });
    this.jumpInput = el("input", { id: id, type: "text", autocomplete: "off", spellcheck: "false",
      "aria-describedby": id + "-status" });
    row.appendChild(this.jumpInput);
    row.appendChild(el("button", { type: "submit", class: "md-button fp-jump-go" }, "Go"));
    form.appendChild(row);
    this.jumpStatus = el("p", { class: "fp-jump-status", id: id + "-status", role: "status" });
    form.appendChild(this.jumpStatus);
    return form;
  };

  /* A step number ("7"), or a code claimed in this guide, as the caller reads it out. */
  Walk.prototype.findStep = function (text) {
    var typed = String(text).trim().replace(/^(step|#)\s*/i, "");
    if (/^\d+$/.test(typed) && this.byNumber[String(Number(typed))]) {
      return { node: this.byNumber[String(Number(typed))], via: "number" };
    }
    var key = normaliseCode(typed);
    if (!key) return null;
    var sections = this.sections;
    var found = null;
    Object.keys(sections).forEach(function (id) {
      var codes = (sections[id].getAttribute("data-fp-codes") || "").split(" ");
      codes.forEach(function (code) {
        if (!found && code && normaliseCode(code) === key) found = { node: id, via: "code", code: code };
      });
    });
    if (found) return found;
    var start = this.start;
    this.treeCodes.forEach(function (code) {
      if (!found && normaliseCode(code) === key) found = { node: start, via: "code", code: code };
    });
    return found;
  };

  Walk.prototype.jumpTo = function (text) {
    if (!String(text).trim()) return;
    var found = this.findStep(text);
    if (!found) {
      this.jumpStatus.textContent = "No step or code \u201c" + String(text).trim() + "\u201d in this guide.";
      return;
    }
    this.jumpStatus.textContent = "";
    this.jumpInput.value = "";
    this.go({ node: found.node, how: "jump", via: found.via, code: found.code || "" });
  };

  Walk.prototype.onClick = function (event) {
    var target = event.target.closest("button, a");
    if (!target || !this.root.contains(target)) return;
    if (target.matches("button.fp-answer")) {
      var section = target.closest("section.fp-step");
      var next = target.getAttribute("data-fp-next");
      if (this.runbookOn) {
        this.reveal(this.sections[next], true); // reading the script: follow it, do not walk
        return;
      }
      this.go({ node: next, how: "answer", from: section.getAttribute("data-fp-node"),
        answer: target.textContent });
    } else if (target === this.backButton) {
      if (this.trail.length > 1) window.history.back();
    } else if (target === this.restartButton) {
      this.go({ node: this.start, how: "restart" }, true);
      this.emit("walk-started");
    } else if (target === this.skipButton) {
      this.skipAhead();
    } else if (target === this.supportButton) {
      this.setSupport(!this.root.classList.contains("fp-support-on"), true);
    } else if (target === this.runbookButton) {
      this.setRunbook(!this.runbookOn);
    } else if (target.matches(".fp-copy")) {
      this.copy();
    } else if (target.matches(".fp-ticket")) {
      this.openTicket(target);
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
    this.emit("skip-ahead", { skipped: skipped.map(function (pair) { return pair[0]; }) });
  };

  Walk.prototype.current = function () {
    return this.trail.length ? this.trail[this.trail.length - 1].node : this.start;
  };

  /* Move to a step: a new history entry, so the browser's back button undoes it. */
  Walk.prototype.go = function (entry, reset) {
    if (!this.sections[entry.node]) return;
    if (this.runbookOn) this.setRunbook(false);
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
      var deep = node && this.sections[node] && (node !== this.start || code);
      if (deep) {
        this.trail = [{ node: node, how: code ? "code" : "link", code: code || "" }];
      } else {
        this.trail = [{ node: this.start, how: "start" }];
      }
      this.save("replace");
      this.openInView(deep);
      this.emit("walk-started");
    }
    this.render(returning);
  };

  /* Where a page opens: at its title, or for a deep link at the step with the controls
   * above it. The browser (and the theme, for the address's #step-...) scroll to the
   * anchor first; put the page where the user looks once they are done. */
  Walk.prototype.openInView = function (deep) {
    var walk = this;
    function place() {
      if (!document.body.contains(walk.root)) return;
      var section = walk.sections[walk.current()];
      var title = section.querySelector(".fp-step-title") || section;
      var bottom = title.getBoundingClientRect().bottom + window.scrollY;
      if (!deep || bottom + 16 <= window.innerHeight) {
        window.scrollTo(0, 0);
      } else {
        window.scrollTo(0, walk.toolbar.getBoundingClientRect().top + window.scrollY - headerHeight() - 8);
      }
    }
    window.setTimeout(place, 0);
    if (document.readyState !== "complete") {
      // Again once the page has loaded (the browser may scroll to the anchor then), unless
      // the user has scrolled meanwhile.
      var placed = null;
      window.setTimeout(function () { placed = window.scrollY; }, 0);
      window.addEventListener("load", function () {
        window.setTimeout(function () { if (placed === null || window.scrollY === placed) place(); }, 0);
      }, { once: true });
    }
  };

  function headerHeight() {
    var header = document.querySelector(".md-header");
    return header ? header.getBoundingClientRect().bottom : 0;
  }

  /* Scroll an element into view below the theme's sticky header, if it is not in view. */
  Walk.prototype.reveal = function (element, focus) {
    if (!element) return;
    if (focus) element.focus({ preventScroll: true });
    var top = element.getBoundingClientRect().top;
    var room = headerHeight() + 8;
    if (top < room || top > window.innerHeight * 0.75) {
      window.scrollBy(0, top - room);
    }
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
      this.render(true, "history");
    } else {
      var node = stepFromHash(window.location.hash);
      if (node && this.sections[node] && node !== this.current()) {
        this.trail = this.trail.concat([{ node: node, how: "link" }]);
        this.save("replace");
        this.render(true);
      }
    }
  };

  Walk.prototype.render = function (moveFocus, how) {
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
    this.updateTicketLinks();
    this.highlight();
    if (moveFocus) {
      this.reveal(sections[current], true);
      this.live.textContent = "Now at: " + this.label(current);
    }
    var kind = sections[current].getAttribute("data-fp-kind");
    var extra = how ? { how: how } : undefined;
    this.emit("step-shown", extra);
    if (kind === "resolution") this.emit("resolved", extra);
    if (kind === "escalation") this.emit("escalated", extra);
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

  /* The local time as 2026-12-03 14:05 (the ISO time in UTC follows it). Not
   * toLocaleString: its first call loads locale data, a cost every page would pay. */
  function localTime(date) {
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return date.getFullYear() + "-" + two(date.getMonth() + 1) + "-" + two(date.getDate()) +
      " " + two(date.getHours()) + ":" + two(date.getMinutes()) + " local";
  }

  var JUMP_VIA = { chart: "from the flowchart", number: "by step number" };

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
      if (entry.how === "jump") {
        steps.push("(agent jumped to step " + walk.numbered(entry.node) + ", " +
          (entry.via === "code" ? "by code " + entry.code : JUMP_VIA[entry.via] || "") + ")");
      }
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
    // An escalation: who to hand over to, and what they need (the page shows the same).
    var contact = current.querySelector(".fp-escalation .fp-contact");
    if (contact) lines.push(contact.textContent.replace(/\s+/g, " ").trim());
    var include = current.querySelectorAll(".fp-escalation .fp-include li");
    if (include.length) {
      lines.push("Have ready:");
      include.forEach(function (item) { lines.push("  - " + item.textContent.trim()); });
    }
    var codes = this.pathCodes();
    lines.push("Codes on this path: " + (codes.length ? codes.join(", ") : "none"));
    var now = new Date();
    lines.push("Time: " + localTime(now) + " (" + now.toISOString() + ")");
    lines.push("Browser: " + navigator.userAgent);
    return lines.join("\n");
  };

  Walk.prototype.ticketSummary = function () {
    var current = this.current();
    var kind = this.sections[current].getAttribute("data-fp-kind");
    return this.title + (kind === "escalation" ? ": hand over to " : ": ") + this.label(current);
  };

  /* The deployer's ticket address, filled in; {fits: false} when the transcript makes it
   * too long for a link (it is then copied, and the link carries a note to paste it). */
  Walk.prototype.ticketLink = function (text) {
    var email = this.ticketEmail;
    var template = this.ticketUrl;
    var summary = encodeURIComponent(this.ticketSummary());
    function fill(description) {
      var body = encodeURIComponent(description);
      if (email) return "mailto:" + email + "?subject=" + summary + "&body=" + body;
      return template.split("{summary}").join(summary).split("{description}").join(body);
    }
    var full = fill(text);
    if (full.length <= TICKET_URL_LIMIT) return { href: full, fits: true };
    return { href: fill("The transcript from Fastpath is on the clipboard: paste it here."), fits: false };
  };

  Walk.prototype.updateTicketLinks = function () {
    var link = this.sections[this.current()].querySelector(".fp-ticket");
    if (link) link.setAttribute("href", this.ticketLink(this.transcript.textContent).href);
  };

  /* The link's own navigation opens the ticket; this only makes its address current. */
  Walk.prototype.openTicket = function (link) {
    var text = this.ticketText();
    this.transcript.textContent = text;
    var target = this.ticketLink(text);
    link.setAttribute("href", target.href);
    if (!target.fits) this.copy(text, "The transcript is too long for a link: it was copied. " +
      "Paste it into the ticket.");
  };

  Walk.prototype.copy = function (text, message) {
    text = text || this.ticketText();
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
      walk.copied(ok, message);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { walk.copied(true, message); }, fallback);
    } else {
      fallback();
    }
  };

  Walk.prototype.copied = function (ok, message) {
    this.live.textContent = ok ? message || "Copied the transcript for your ticket."
      : "Could not copy automatically: open the transcript below and copy it.";
    if (!ok) this.transcript.parentNode.open = true;
  };

  Walk.prototype.setSupport = function (on, announce) {
    this.root.classList.toggle("fp-support-on", on);
    this.supportButton.setAttribute("aria-pressed", on ? "true" : "false");
    writeSupport(on);
    if (announce) this.live.textContent = on ? "Support view on" : "Support view off";
    if (on) this.drawChart();
    this.highlight();
  };

  /* The whole tree as a numbered script (the printed page shows the same). */
  Walk.prototype.setRunbook = function (on) {
    this.runbookOn = on;
    this.root.classList.toggle("fp-runbook-on", on);
    this.runbookButton.setAttribute("aria-pressed", on ? "true" : "false");
    this.live.textContent = on ? "Runbook: every step of the guide, numbered" : "Back to the current step";
    this.reveal(on ? this.toolbar : this.sections[this.current()], !on);
  };

  Walk.prototype.drawChart = function () {
    if (this.chart || this.chartPending || !this.chartPanel || !this.chartSource) return;
    var walk = this;
    if (document.readyState !== "complete") {
      // Not before the page has loaded: the diagram library must not hold the page up.
      window.addEventListener("load", function () { walk.drawChart(); }, { once: true });
      return;
    }
    this.chartPending = true;
    this.chartStatus.textContent = "Loading the flowchart\u2026";
    Promise.all(CHART_SCRIPTS.map(loadScript)).then(function () {
      var scheme = document.body.getAttribute("data-md-color-scheme");
      return window.fastpathChart.draw(walk.chartPanel, walk.chartSource, {
        title: walk.title, dark: scheme === "slate", steps: walk.byFlow,
        onPick: function (nodeId) {
          if (nodeId !== walk.current()) walk.go({ node: nodeId, how: "jump", via: "chart" });
        },
      });
    }).then(function (chart) {
      walk.chart = chart;
      walk.chartPanel.classList.add("fp-chart-drawn");
      walk.chartStatus.textContent = "";
      walk.chartStatus.hidden = true;
      walk.highlight();
    }, function () {
      walk.chartPending = false;
      walk.chartStatus.textContent = "The flowchart could not be drawn here; the Runbook lists every step.";
    });
  };

  /* Mark the current step (and the steps taken) in the chart. */
  Walk.prototype.highlight = function () {
    if (!this.chart || !this.root.classList.contains("fp-support-on")) return;
    if (this.chart.fitted) this.chart.fit(this.chart.whole); // the box may have changed size; keep a chosen zoom
    this.chart.mark(this.current(), this.trail.map(function (entry) { return entry.node; }));
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
