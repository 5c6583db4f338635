/* Loaded in the <head> of pages with the error-code box, before the theme's script:
 * the theme opens its own search dialog for ?q=, but there the query is the box's. */
(function () {
  "use strict";
  var url = new URL(window.location.href);
  if (!url.searchParams.has("q")) return;
  window.fastpathPendingQuery = url.searchParams.get("q");
  url.searchParams.delete("q");
  window.history.replaceState(window.history.state, "", url.href);
})();
