/* The 404 page (akhbar). Its links are absolute under base_url, because a host serves it for any
 * missing address at any depth. This file is loaded by a relative address, so it only runs where
 * the page sits at the site's root, beside the site's files (opened from disk, or a server's
 * /404.html): there it points the links at those files, which also works offline and in previews. */
(function () {
  "use strict";
  var script = document.currentScript;
  var base = script && script.getAttribute("data-base-url");
  if (!base) return;
  var root = new URL("../../", script.src).href; // this file is assets/js/not-found.js
  function local(address) {
    return address && address.indexOf(base) === 0 ? root + address.slice(base.length) : null;
  }
  document.querySelectorAll("a[href], form[action]").forEach(function (element) {
    var name = element.tagName === "FORM" ? "action" : "href";
    var moved = local(element.getAttribute(name));
    if (moved) element.setAttribute(name, moved);
  });
})();
