/*
 * The search page (search/index.html), built on window.archiveSearch (search.js).
 * It reads ?q= (and ?section=, ?source=, ?place=, ?year=, ?sort=) so that searches can be
 * linked, shows the count and the results page by page, and uses native controls only, so
 * it works with the keyboard alone. No inline scripts or handlers: ready for a strict CSP.
 */
(function () {
  "use strict";

  var form = document.getElementById("search-form");
  if (!form || !window.archiveSearch) return;
  var input = form.elements.namedItem("q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var FILTERS = ["section", "source", "place", "year"];
  var PAGE_SIZE = 20;
  var ARABIC_DIGITS = form.getAttribute("data-digits") === "arabic";
  var plural = new Intl.PluralRules("ar");
  var state = { search: null, shown: 0, run: 0, timer: 0 };
  var wanted = {}; // filter values asked for in the address, until the options exist

  function digits(number) {
    var text = String(number);
    return ARABIC_DIGITS ? text.replace(/[0-9]/g, function (d) { return "٠١٢٣٤٥٦٧٨٩"[d]; }) : text;
  }

  function countText(total) {
    switch (plural.select(total)) {
      case "zero": return "لا نتائج";
      case "one": return "نتيجة واحدة";
      case "two": return "نتيجتان";
      case "few": return digits(total) + " نتائج";
      default: return digits(total) + " نتيجة";
    }
  }

  function setStatus(text, total) {
    status.textContent = text;
    if (total === undefined) status.removeAttribute("data-total");
    else status.setAttribute("data-total", String(total));
  }

  function chosen(name) {
    return form.elements.namedItem(name).value || wanted[name] || "";
  }

  function options() {
    var filters = {};
    FILTERS.forEach(function (name) {
      var value = chosen(name);
      if (value) filters[name] = value;
    });
    return { filters: filters, sort: form.elements.namedItem("sort").value || "relevance" };
  }

  function remember() {
    var params = new URLSearchParams();
    if (input.value.trim()) params.set("q", input.value.trim());
    FILTERS.concat("sort").forEach(function (name) {
      var value = name === "sort" ? form.elements.namedItem(name).value : chosen(name);
      if (value) params.set(name, value);
    });
    var query = params.toString();
    try {
      history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
    } catch (error) { /* some browsers refuse for file: pages; the search still runs */ }
  }

  function meta(result) {
    var p = document.createElement("p");
    p.className = "meta";
    var parts = [];
    if (result.date) {
      var time = document.createElement("time");
      time.dateTime = result.date;
      time.textContent = result.date_label || result.date;
      parts.push(time);
    }
    [result.place, result.source, result.section].forEach(function (value) {
      if (!value) return;
      var bdi = document.createElement("bdi");
      bdi.textContent = value;
      parts.push(bdi);
    });
    parts.forEach(function (part, i) {
      if (i) {
        var sep = document.createElement("span");
        sep.className = "sep";
        sep.setAttribute("aria-hidden", "true");
        sep.textContent = "·";
        p.append(" ", sep, " ");
      }
      p.append(part);
    });
    return p;
  }

  function entry(result) {
    var li = document.createElement("li");
    var article = document.createElement("article");
    article.className = "item search-result";
    var h2 = document.createElement("h2");
    h2.className = "item-title";
    h2.dir = "auto";
    var a = document.createElement("a");
    a.href = result.url;
    a.textContent = result.title;
    h2.append(a);
    article.append(h2, meta(result));
    if (result.excerpt) {
      var excerpt = document.createElement("p");
      excerpt.className = "teaser excerpt";
      excerpt.dir = "auto";
      excerpt.innerHTML = result.excerpt; // built from escaped text and <mark> only
      article.append(excerpt);
    }
    li.append(article);
    return li;
  }

  function showMore(focusFirst) {
    var search = state.search;
    var run = state.run;
    more.disabled = true;
    return search.page(state.shown, PAGE_SIZE).then(function (results) {
      if (run !== state.run) return;
      var first = null;
      results.forEach(function (result) {
        var li = entry(result);
        first = first || li.querySelector("a");
        list.append(li);
      });
      state.shown += results.length;
      more.hidden = state.shown >= search.total;
      more.disabled = false;
      if (focusFirst && first) first.focus();
    });
  }

  function describe(search, query) {
    var text = countText(search.total);
    if (query) text += " عن «" + query + "»";
    if (search.total > state.shown && state.shown) text += "، تُعرض أول " + digits(state.shown);
    return text;
  }

  function run() {
    var query = input.value.trim();
    var picked = options();
    var run = ++state.run;
    clearTimeout(state.timer);
    if (!query && !Object.keys(picked.filters).length) {
      list.replaceChildren();
      more.hidden = true;
      setStatus("اكتب كلمة أو أكثر للبحث في الأرشيف.");
      return Promise.resolve();
    }
    setStatus("جارٍ البحث…");
    list.setAttribute("aria-busy", "true");
    return window.archiveSearch.open(query, picked).then(function (search) {
      if (run !== state.run) return;
      state.search = search;
      state.shown = 0;
      list.replaceChildren();
      return showMore(false).then(function () {
        if (run !== state.run) return;
        list.removeAttribute("aria-busy");
        setStatus(search.total ? describe(search, query)
          : "لا نتائج عن «" + query + "». جرّب كلمات أخرى أو أزل التصفية.", search.total);
      });
    }).catch(function (error) {
      if (run !== state.run) return;
      list.removeAttribute("aria-busy");
      setStatus("تعذّر تحميل فهرس البحث. أعد تحميل الصفحة أو تصفّح الأرشيف.");
      if (window.console) console.error(error);
    });
  }

  function fillFilter(name, counts) {
    var select = form.elements.namedItem(name);
    var values = Object.keys(counts || {});
    values.sort(name === "year" ? function (a, b) { return b.localeCompare(a); }
      : function (a, b) { return counts[b] - counts[a] || a.localeCompare(b, "ar"); });
    values.forEach(function (value) {
      var option = document.createElement("option");
      option.value = value;
      option.textContent = digits(value) + " (" + digits(counts[value]) + ")";
      select.append(option);
    });
    if (wanted[name] && values.indexOf(wanted[name]) >= 0) select.value = wanted[name];
    wanted[name] = "";
    select.closest(".search-filter").hidden = values.length === 0;
  }

  function start() {
    var params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    FILTERS.forEach(function (name) { wanted[name] = params.get(name) || ""; });
    var sort = params.get("sort");
    if (sort === "newest") form.elements.namedItem("sort").value = "newest";
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      remember();
      run();
    });
    form.addEventListener("change", function (event) {
      if (event.target === input) return;
      remember();
      run();
    });
    input.addEventListener("input", function () {
      clearTimeout(state.timer);
      state.timer = setTimeout(function () { remember(); run(); }, 350);
    });
    more.addEventListener("click", function () {
      showMore(true).then(function () {
        setStatus(describe(state.search, input.value.trim()), state.search.total);
      });
    });
    // The first search and the filter lists load together; neither waits for the other.
    window.archiveSearch.filters().then(function (counts) {
      FILTERS.forEach(function (name) { fillFilter(name, counts[name]); });
    }).catch(function () { /* run() reports a missing index */ });
    run();
  }

  start();
})();
