/*
 * The search page (search/index.html), built on window.archiveSearch (search.js).
 * It reads ?q= (and ?section=, ?source=, ?place=, ?year=, ?sort=) so that searches can be
 * linked, shows the count and the results page by page, and uses native controls only, so
 * it works with the keyboard alone. No inline scripts or handlers: ready for a strict CSP.
 *
 * Filters: each list counts what the current search would give with that value chosen (the
 * query and the other filters kept). They sit in a <details> that is open on wide screens and
 * folded on phones, so the first results show without scrolling.
 *
 * A search that finds nothing offers other searches that do: the same words without the filters,
 * and the query without its rarest word, each with its count. More suggestions can be plugged in:
 *
 *   window.akhbarSearchSuggestions = [function (query, options) { return Promise.resolve(["…"]); }];
 *
 * Each function (set before this script runs, or pushed later) returns a Promise of other queries
 * (strings, e.g. a spelling correction); those that find something are offered with their count.
 */
(function () {
  "use strict";

  var form = document.getElementById("search-form");
  if (!form || !window.archiveSearch) return;
  var input = form.elements.namedItem("q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var folder = document.getElementById("search-options");
  var active = document.getElementById("search-active");
  var empty = document.getElementById("search-empty");
  var suggestions = document.getElementById("search-suggestions");
  var LABELS = { section: "القسم", source: "المصدر", place: "المكان", year: "السنة" };
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
    var a = document.createElement("a");
    a.href = result.url;
    a.textContent = result.title;
    h2.append(a);
    article.append(h2, meta(result));
    if (result.excerpt) {
      var excerpt = document.createElement("p");
      excerpt.className = "teaser excerpt";
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

  /** In a sharded archive: name the shards whose index could not be loaded (their articles are missing). */
  function showUnreachable(shards) {
    var note = document.getElementById("search-shards");
    if (!note) return;
    note.hidden = !shards.length;
    note.replaceChildren();
    if (!shards.length) return;
    note.append(shards.length === 1 ? "تعذّر الوصول إلى جزء من الأرشيف، فنتائجه غائبة: "
      : "تعذّر الوصول إلى أجزاء من الأرشيف، فنتائجها غائبة: ");
    shards.forEach(function (shard, i) {
      if (i) note.append("، ");
      var name = document.createElement("bdi");
      name.textContent = shard.shard;
      var where = document.createElement("bdi");
      where.dir = "ltr"; // an address reads left to right, its final "/" included
      where.textContent = shard.url;
      note.append("«", name, "» (", where, ")");
    });
    note.append(". النتائج المعروضة من بقية الأجزاء.");
  }

  function run() {
    var query = input.value.trim();
    var picked = options();
    var run = ++state.run;
    clearTimeout(state.timer);
    showActive(picked.filters);
    empty.hidden = true;
    if (!query && !Object.keys(picked.filters).length) {
      list.replaceChildren();
      more.hidden = true;
      setStatus("اكتب كلمة أو أكثر للبحث في الأرشيف.");
      return window.archiveSearch.filters().then(function (counts) {
        if (run === state.run) fillFilters(counts);
      }).catch(function () { /* reported when a search runs */ });
    }
    setStatus("جارٍ البحث…");
    list.setAttribute("aria-busy", "true");
    return window.archiveSearch.open(query, picked).then(function (search) {
      if (run !== state.run) return;
      showUnreachable(search.unreachable || []);
      state.search = search;
      state.shown = 0;
      list.replaceChildren();
      return showMore(false).then(function () {
        if (run !== state.run) return;
        // the filters' counts first, so that a page showing its total also shows what each filter gives
        return counted(query, picked, search).then(function (counts) {
          if (run !== state.run) return;
          fillFilters(counts);
          list.removeAttribute("aria-busy");
          setStatus(search.total ? describe(search, query)
            : "لا نتائج عن «" + query + "»" + (Object.keys(picked.filters).length ? " بهذه التصفية" : "") + ".",
            search.total);
          if (!search.total) offerOthers(query, picked, run);
        });
      });
    }).catch(function (error) {
      if (run !== state.run) return;
      list.removeAttribute("aria-busy");
      setStatus("تعذّر تحميل فهرس البحث. أعد تحميل الصفحة أو تصفّح الأرشيف.");
      if (window.console) console.error(error);
    });
  }

  /** Counts per filter for this search: for a filter that is set, as if it were not (the others kept). */
  function counted(query, picked, search) {
    var names = Object.keys(picked.filters);
    return Promise.all(names.map(function (name) {
      var others = {};
      names.forEach(function (other) { if (other !== name) others[other] = picked.filters[other]; });
      return window.archiveSearch.open(query, { filters: others }).then(function (wider) {
        return wider.filters[name] || {};
      });
    })).then(function (lists) {
      var counts = {};
      FILTERS.forEach(function (name) { counts[name] = search.filters[name] || {}; });
      names.forEach(function (name, i) { counts[name] = lists[i]; });
      return counts;
    });
  }

  function fillFilters(counts) {
    FILTERS.forEach(function (name) { fillFilter(name, counts[name] || {}); });
  }

  /** Refill a filter's list with this search's counts; its chosen value stays, even at 0. */
  function fillFilter(name, counts) {
    var select = form.elements.namedItem(name);
    var chosenValue = select.value || wanted[name] || "";
    var values = Object.keys(counts).filter(function (value) { return counts[value] > 0; });
    if (chosenValue && values.indexOf(chosenValue) < 0) values.push(chosenValue);
    values.sort(name === "year" ? function (a, b) { return b.localeCompare(a); }
      : function (a, b) { return (counts[b] || 0) - (counts[a] || 0) || a.localeCompare(b, "ar"); });
    while (select.options.length > 1) select.remove(1);
    values.forEach(function (value) {
      var option = document.createElement("option");
      option.value = value;
      option.textContent = digits(value) + " (" + digits(counts[value] || 0) + ")";
      select.append(option);
    });
    select.value = chosenValue;
    if (select.value === chosenValue) wanted[name] = "";
    select.closest(".search-filter").hidden = values.length === 0;
  }

  /** What the folded filters are set to, shown beside their summary. */
  function showActive(filters) {
    var parts = Object.keys(filters).map(function (name) { return LABELS[name] + ": " + digits(filters[name]); });
    active.textContent = parts.length ? "(" + parts.join("، ") + ")" : "";
  }

  function searchLink(query, filters) {
    var params = new URLSearchParams();
    if (query) params.set("q", query);
    Object.keys(filters || {}).forEach(function (name) { params.set(name, filters[name]); });
    return location.pathname + "?" + params.toString();
  }

  function offered(text, query, filters, total) {
    return { text: text, query: query, filters: filters, total: total };
  }

  /** One suggested search, as a link that runs it here, with its count. */
  function offer(item) {
    var text = item.text, query = item.query, filters = item.filters, total = item.total;
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = searchLink(query, filters);
    a.textContent = text;
    a.addEventListener("click", function (event) {
      event.preventDefault();
      input.value = query;
      FILTERS.forEach(function (name) {
        var select = form.elements.namedItem(name);
        wanted[name] = (filters || {})[name] || "";
        select.value = wanted[name];
      });
      remember();
      run();
    });
    li.append(a, " ", countText(total));
    suggestions.append(li);
  }

  /** Searches that find something when this one found nothing. */
  function offerOthers(query, picked, run) {
    suggestions.replaceChildren();
    empty.hidden = false;
    var words = window.archiveSearch.terms(query).length ? query.split(/\s+/).filter(Boolean) : [];
    var tries = [];
    if (Object.keys(picked.filters).length && query) {
      tries.push(window.archiveSearch.open(query, {}).then(function (s) {
        return s.total ? [offered("«" + query + "» في كل الأرشيف، بلا تصفية", query, {}, s.total)] : [];
      }));
    }
    if (words.length > 1) {
      tries.push(Promise.all(words.map(function (word) {
        return window.archiveSearch.open(word, picked).then(function (s) { return s.total; });
      })).then(function (totals) {
        var rarest = totals.lastIndexOf(Math.min.apply(null, totals));
        var rest = words.filter(function (_, i) { return i !== rarest; }).join(" ");
        return window.archiveSearch.open(rest, picked).then(function (s) {
          return s.total ? [offered("«" + rest + "»، بدون «" + words[rarest] + "»", rest, picked.filters, s.total)] : [];
        });
      }));
    }
    (window.akhbarSearchSuggestions || []).forEach(function (suggest) {
      tries.push(Promise.resolve(suggest(query, picked)).then(function (others) {
        return Promise.all((others || []).filter(function (other) { return other && other !== query; })
          .map(function (other) {
            return window.archiveSearch.open(other, picked).then(function (s) {
              return s.total ? offered("هل تقصد «" + other + "»؟", other, picked.filters, s.total) : null;
            });
          }));
      }).then(function (items) { return items.filter(Boolean); }));
    });
    return Promise.all(tries.map(function (attempt) {
      return attempt.catch(function () { return []; });
    })).then(function (found) {
      if (run !== state.run) return;
      found.forEach(function (items) { items.forEach(offer); });
      document.getElementById("search-try").hidden = !suggestions.children.length;
    });
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
    // Folded on phones, so that the first results show without scrolling; open where there is room.
    if (window.matchMedia && window.matchMedia("(min-width: 48rem)").matches) folder.open = true;
    run();
  }

  start();
})();
