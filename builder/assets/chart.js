/* The support view's flowchart: draws a tree's Mermaid source and makes it usable on a call.
 *
 * Loaded by fastpath.js (with the vendored Mermaid) only when the support view opens, so
 * the pages a radiologist reads carry no diagram code. Fit to the width by default; zoom,
 * pan (drag or scroll) and full screen; the current step centred and marked; each step
 * node a button (click, Enter or Space) that moves the walk there.
 */
(function () {
  "use strict";

  var MIN_SCALE = 0.15;
  // Below this a label is too small to read on a call: a wide tree then scrolls (centred on
  // the current step) rather than shrink; "Whole chart" shows all of it anyway.
  var READABLE = 0.65;
  var MAX_SCALE = 2.5;
  var STEP = 1.25;
  var FLOW_NODE = /flowchart-(n\d+)-\d+$/; // Mermaid's id of the group drawing node nX
  var drawn = 0;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) node.textContent = text;
    return node;
  }

  /* `panel`: the element to draw in; `source`: Mermaid flowchart source; `options`:
   * {title, dark, steps: {flowId: {id, number, label}}, onPick: function (stepId)}. */
  function Chart(panel, source, options) {
    this.panel = panel;
    this.source = source;
    this.options = options;
    this.scale = 1;
    this.fitted = true;
    this.nodes = {}; // step id -> its <g> in the drawing
    this.build();
  }

  Chart.prototype.build = function () {
    var bar = el("div", { class: "fp-chart-bar", role: "group", "aria-label": "Flowchart controls" });
    this.zoomOut = el("button", { type: "button", class: "md-button fp-chart-zoom-out",
      "aria-label": "Zoom out" }, "−");
    this.zoomIn = el("button", { type: "button", class: "md-button fp-chart-zoom-in",
      "aria-label": "Zoom in" }, "+");
    this.fitButton = el("button", { type: "button", class: "md-button fp-chart-fit" }, "Whole chart");
    this.fullButton = el("button", { type: "button", class: "md-button fp-chart-full-toggle",
      "aria-pressed": "false" }, "Full screen");
    [this.zoomOut, this.zoomIn, this.fitButton, this.fullButton].forEach(function (b) {
      bar.appendChild(b);
    });
    // The drawing scrolls inside this box: keyboard users scroll it once it has the focus.
    this.view = el("div", { class: "fp-chart-view", tabindex: "0", role: "region",
      "aria-label": "Flowchart of " + this.options.title });
    this.canvas = el("div", { class: "fp-chart-canvas" });
    this.view.appendChild(this.canvas);
    this.panel.appendChild(bar);
    this.panel.appendChild(this.view);

    var chart = this;
    bar.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (button === chart.zoomIn) chart.zoom(chart.scale * STEP);
      else if (button === chart.zoomOut) chart.zoom(chart.scale / STEP);
      else if (button === chart.fitButton) chart.fit(true);
      else if (button === chart.fullButton) chart.setFull(!chart.full);
    });
    this.panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && chart.full) {
        chart.setFull(false);
        chart.fullButton.focus();
      }
    });
    this.bindPicking();
    this.bindPanning();
    this.onResize = function () {
      if (!document.body.contains(chart.panel)) window.removeEventListener("resize", chart.onResize);
      else if (chart.fitted) chart.fit(chart.whole);
    };
    window.addEventListener("resize", this.onResize);
  };

  /* Mermaid renders into a string of SVG (sanitised: the strict security level). */
  Chart.prototype.draw = function () {
    var chart = this;
    var mermaid = window.mermaid;
    mermaid.initialize({
      startOnLoad: false,
      securityLevel: "strict",
      theme: this.options.dark ? "dark" : "default",
      themeVariables: { fontSize: "17px" },
      flowchart: { htmlLabels: true, wrappingWidth: 170, nodeSpacing: 22, rankSpacing: 34,
        padding: 6, useMaxWidth: false },
    });
    drawn += 1;
    return mermaid.render("fp-chart-" + drawn, this.source).then(function (result) {
      chart.canvas.innerHTML = result.svg;
      chart.prepare();
      return chart;
    });
  };

  Chart.prototype.prepare = function () {
    var svg = this.canvas.querySelector("svg");
    this.svg = svg;
    var box = svg.viewBox && svg.viewBox.baseVal;
    var rect = svg.getBoundingClientRect();
    this.natural = { w: (box && box.width) || rect.width, h: (box && box.height) || rect.height };
    svg.removeAttribute("style");
    svg.style.maxWidth = "none";
    svg.setAttribute("role", "group");
    svg.setAttribute("aria-label", "Steps of " + this.options.title);
    var steps = this.options.steps;
    var nodes = this.nodes;
    svg.querySelectorAll("g.node").forEach(function (g) {
      var match = FLOW_NODE.exec(g.id);
      var step = match && steps[match[1]];
      if (!step) return; // a link to another guide: not a step of this one
      g.setAttribute("data-fp-node", step.id);
      g.setAttribute("tabindex", "0");
      g.setAttribute("role", "button");
      g.setAttribute("aria-label", "Go to step " + step.number + ": " + step.label);
      nodes[step.id] = g;
    });
    this.fit();
  };

  Chart.prototype.bindPicking = function () {
    var chart = this;
    this.canvas.addEventListener("click", function (event) {
      if (chart.dragged) return; // the end of a pan, not a pick
      var g = event.target.closest && event.target.closest("g.node[data-fp-node]");
      if (g) chart.options.onPick(g.getAttribute("data-fp-node"));
    });
    this.canvas.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" && event.key !== " ") return;
      var g = event.target.closest && event.target.closest("g.node[data-fp-node]");
      if (!g) return;
      event.preventDefault();
      chart.options.onPick(g.getAttribute("data-fp-node"));
    });
  };

  /* Drag with a mouse to pan; touch screens scroll the box natively. */
  Chart.prototype.bindPanning = function () {
    var chart = this;
    var view = this.view;
    var start = null;
    view.addEventListener("pointerdown", function (event) {
      if (event.pointerType !== "mouse" || event.button !== 0) return;
      start = { x: event.clientX, y: event.clientY, left: view.scrollLeft, top: view.scrollTop };
      chart.dragged = false;
    });
    view.addEventListener("pointermove", function (event) {
      if (!start) return;
      var dx = event.clientX - start.x;
      var dy = event.clientY - start.y;
      if (!chart.dragged && Math.abs(dx) + Math.abs(dy) < 6) return;
      chart.dragged = true;
      view.classList.add("fp-chart-panning");
      view.scrollLeft = start.left - dx;
      view.scrollTop = start.top - dy;
    });
    function end() {
      start = null;
      view.classList.remove("fp-chart-panning");
      // The click that ends a drag comes after pointerup: forget the drag just after it.
      window.setTimeout(function () { chart.dragged = false; }, 0);
    }
    view.addEventListener("pointerup", end);
    view.addEventListener("pointercancel", end);
  };

  Chart.prototype.apply = function () {
    if (!this.svg) return;
    this.svg.setAttribute("width", String(Math.round(this.natural.w * this.scale)));
    this.svg.setAttribute("height", String(Math.round(this.natural.h * this.scale)));
    this.zoomIn.disabled = this.scale >= MAX_SCALE;
    this.zoomOut.disabled = this.scale <= MIN_SCALE;
  };

  /* Fit to the box's width (never above natural size, never below readable), or with
   * `whole` all of the chart in view (in full screen, its height too). */
  Chart.prototype.fit = function (whole) {
    if (!this.svg) return;
    var width = this.view.clientWidth - 8;
    var scale = Math.min(1, width / this.natural.w);
    if (whole && this.full) scale = Math.min(scale, (this.view.clientHeight - 8) / this.natural.h);
    this.scale = Math.max(whole ? MIN_SCALE : READABLE, scale);
    this.fitted = true;
    this.whole = !!whole;
    this.apply();
    this.centre();
  };

  Chart.prototype.zoom = function (scale) {
    this.scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
    this.fitted = false;
    this.apply();
    this.centre();
  };

  Chart.prototype.setFull = function (on) {
    this.full = on;
    this.panel.classList.toggle("fp-chart-full", on);
    this.fullButton.setAttribute("aria-pressed", on ? "true" : "false");
    this.fullButton.textContent = on ? "Exit full screen" : "Full screen";
    this.fit(this.whole);
  };

  /* Mark the current step (and the steps taken) and bring it to the middle of the box. */
  Chart.prototype.mark = function (current, visited) {
    this.current = current;
    var nodes = this.nodes;
    Object.keys(nodes).forEach(function (id) {
      nodes[id].classList.toggle("fp-flow-current", id === current);
      nodes[id].classList.toggle("fp-flow-visited", id !== current && visited.indexOf(id) >= 0);
      if (id === current) nodes[id].setAttribute("aria-current", "step");
      else nodes[id].removeAttribute("aria-current");
    });
    this.centre();
  };

  Chart.prototype.centre = function () {
    var node = this.current && this.nodes[this.current];
    if (!node || !this.view.clientWidth) return;
    var box = node.getBoundingClientRect();
    var outer = this.view.getBoundingClientRect();
    this.view.scrollLeft += box.left + box.width / 2 - (outer.left + outer.width / 2);
    this.view.scrollTop += box.top + box.height / 2 - (outer.top + outer.height / 2);
  };

  window.fastpathChart = {
    /* A drawn chart in `panel` (a Promise); see Chart for the options. */
    draw: function (panel, source, options) {
      return new Chart(panel, source, options).draw();
    },
  };
})();
