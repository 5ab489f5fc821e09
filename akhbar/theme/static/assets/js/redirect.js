/* Redirect pages (akhbar): go on to the article at once, keeping the #fragment (#p3), which the
 * <meta http-equiv="refresh"> fallback cannot carry. External file: no inline script (CSP). */
(function () {
  "use strict";
  var target = document.getElementById("redirect-target");
  if (target) {
    location.replace(target.href.split("#")[0] + location.hash);
  }
})();
