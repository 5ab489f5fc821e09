/* Deep links (akhbar): each anchored paragraph of an article (<p id="p3">) gets a "#" link to
 * itself and, beside it, a button that copies the article's canonical address with the paragraph's
 * anchor (https://…/articles/x/#p3). The page carries only the anchors: the controls cost no bytes
 * per paragraph in the HTML. Without JavaScript the anchors still work (…/#p3 opens at the
 * paragraph); only the controls are missing. External file: no inline script (CSP). */
(function () {
  "use strict";
  var canonical = document.querySelector('link[rel="canonical"]');
  var base = (canonical ? canonical.href : location.href).split("#")[0];
  var status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  document.body.appendChild(status);

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function copy(text) {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      return navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); });
    }
    return fallbackCopy(text);
  }

  function say(button, words) {
    button.textContent = words;
    status.textContent = words;
    window.setTimeout(function () { button.textContent = button.getAttribute("data-label"); }, 2000);
  }

  var paragraphs = document.querySelectorAll(".article .body p[id]");
  for (var i = 0; i < paragraphs.length; i++) {
    var paragraph = paragraphs[i];
    var number = /^p(\d+)$/.exec(paragraph.id);
    if (!number) continue;
    var link = document.createElement("a");
    link.className = "para-link";
    link.href = "#" + paragraph.id;
    link.setAttribute("aria-label", "رابط الفقرة " + number[1]);
    link.textContent = "#";
    paragraph.appendChild(document.createTextNode(" "));
    paragraph.appendChild(link);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-link";
    button.setAttribute("data-label", "نسخ الرابط");
    button.setAttribute("data-href", base + link.hash);
    button.setAttribute("aria-label", "نسخ رابط الفقرة " + link.hash.replace("#p", ""));
    button.textContent = "نسخ الرابط";
    button.addEventListener("click", function (event) {
      var target = event.currentTarget;
      var address = target.getAttribute("data-href");
      copy(address).then(function () {
        target.setAttribute("data-copied", address);
        say(target, "نُسخ الرابط");
      }, function () {
        window.prompt("انسخ الرابط:", address);
      });
    });
    link.insertAdjacentElement("afterend", button);
  }

  // Touch screens show the controls only when asked: a tap on a paragraph shows its own, and hides
  // the ones shown before (the stylesheet keeps them out of the text until then).
  var body = document.querySelector(".article .body");
  if (body && window.matchMedia && window.matchMedia("(hover: none)").matches) {
    body.addEventListener("click", function (event) {
      if (event.target.closest("a, button")) return;
      var paragraph = event.target.closest("p[id]");
      var shown = body.querySelector("p.asked");
      if (shown && shown !== paragraph) shown.classList.remove("asked");
      if (paragraph) paragraph.classList.toggle("asked");
    });
  }
})();
