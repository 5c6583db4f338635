/* The theme's search index is fetched when someone opens the search, not by every page.
 *
 * The theme asks for search/search_index.json as each page loads: at a few thousand trees
 * that is more than half a megabyte, on a phone, on a page whose reader came for one step.
 * Its request is held back until the search box takes focus (a click or tap on the search
 * icon, or the keyboard shortcut, both focus it), then sent. Served over HTTP only: a copy
 * opened from disk reads its index from a local script.
 */
(function () {
  "use strict";

  var INDEX = /\/search\/search_index\.json(?:[?#]|$)/;
  var request = window.XMLHttpRequest && window.XMLHttpRequest.prototype;
  if (!request || !/^https?:$/.test(window.location.protocol)) return;

  var wanted = false;
  var held = [];
  var open = request.open;
  var send = request.send;

  request.open = function (method, url) {
    this.fastpathHeld = !wanted && INDEX.test(String(url));
    return open.apply(this, arguments);
  };
  request.send = function () {
    if (this.fastpathHeld && !wanted) {
      var xhr = this;
      var args = arguments;
      held.push(function () { send.apply(xhr, args); });
      return undefined;
    }
    return send.apply(this, arguments);
  };

  function want() {
    if (wanted) return;
    wanted = true;
    held.splice(0).forEach(function (go) { go(); });
  }

  function inSearch(target) {
    return !!(target && target.closest && target.closest("form[name=search], label[for=__search]"));
  }

  document.addEventListener("focusin", function (e) { if (inSearch(e.target)) want(); });
  // A finger or pointer on its way to the search icon: start now, not at the focus.
  document.addEventListener("pointerdown", function (e) { if (inSearch(e.target)) want(); }, true);
})();
