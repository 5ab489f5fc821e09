/*
 * archiveSearch: search the archive from any page, over HTTP or opened from disk.
 *
 *   archiveSearch(query, {limit, filters, sort}) → Promise<[{url, title, date, excerpt, …}]>
 *
 *   query    what a reader typed; spelling variants, diacritics, digits and attached prefixes
 *            are normalised exactly as the index was (see search-normalise.js).
 *   limit    how many results to return (default 20; any number, e.g. 5000 for all).
 *   filters  {section, source, place, year}: each a value, or as in Pagefind a list (all of
 *            them) or {any: [values]}; e.g. {year: "2018"} or {year: {any: ["2017", "2018"]}}.
 *   sort     "relevance" (default), "newest" or "oldest".
 *
 * Each result: url (relative to the current page, ends in index.html unless the site is built
 * with index_links: false), title, date (ISO 8601, "" when undated), date_label (as the site
 * shows it), section, source, place, excerpt (HTML: the article's own words, matches in <mark>),
 * excerpt_text (the same without markup). Articles only; listing pages are never results.
 *
 *   archiveSearch.open(query, options) → Promise<{total, filters, totalFilters, page(start, count)}>
 *            filters: {section: {value: count}, …} within this search's results (filters applied);
 *            totalFilters: the same for the query alone, as if no filter were set
 *   archiveSearch.filters() → Promise<{section: {value: count}, source: …, place: …, year: …}>
 *   archiveSearch.terms(query) → the normalised Pagefind terms (for debugging)
 *
 * Load search-normalise.js first, then this file with <script src=…> (not as a module); its
 * data-bundles attribute names the index folders (default "pagefind/"). Over HTTP it uses
 * Pagefind's own loader; from file:// it loads pagefind-file.js and the bundle's .js twins (fragments in packs),
 * because browsers block module imports, fetch() and workers for file: pages.
 * Content-Security-Policy: needs script-src 'self' 'wasm-unsafe-eval' (Pagefind's WebAssembly).
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var ROOT = new URL("../../", script.src); // this file is assets/js/search.js
  var BUNDLES = (script.hasAttribute("data-bundles") ? script.getAttribute("data-bundles") : "pagefind/")
    .split(/\s+/).filter(Boolean); // "" when the archive has no articles yet
  var INDEX_LINKS = script.getAttribute("data-index-links") !== "false";
  var FROM_DISK = location.protocol === "file:";
  var EXCERPT_WORDS = 30;
  var CONTEXT_BEFORE = 6;
  var normalise = window.akhbarNormalise;
  var ready = null;

  // ------------------------------------------------------------ loading Pagefind

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var element = document.createElement("script");
      element.src = src;
      element.onload = function () { element.remove(); resolve(element.src); };
      element.onerror = function () { element.remove(); reject(new Error("could not load " + src)); };
      document.head.appendChild(element);
    });
  }

  var received = new Map(); // script URL → bytes, filled by __akhbarPagefindData

  function decode(base64) {
    if (typeof Uint8Array.fromBase64 === "function") return Uint8Array.fromBase64(base64);
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  /** Called by each bundle file's .js twin: hands over that file's bytes. */
  window.__akhbarPagefindData = function (base64) {
    received.set(document.currentScript.src, decode(base64));
  };

  var packed = new Map(); // fragment URL → base64, filled by __akhbarPagefindPack
  var packs = new Map(); // pack script URL → Promise, so that each pack loads once

  /** Called by each fragment pack: hands over the bytes of every fragment in it. */
  window.__akhbarPagefindPack = function (files) {
    var base = document.currentScript.src;
    Object.keys(files).forEach(function (name) { packed.set(new URL(name, base).href, files[name]); });
  };

  /** The pack holding a fragment (mirrors pack_of in akhbar/pagefind_bundle.py), or null. */
  function packOf(url) {
    var match = /\/fragment\/([^\/]*)\.pf_fragment$/.exec(url.pathname);
    if (!match) return null;
    var code = match[1].slice(match[1].lastIndexOf("_") + 1);
    return new URL("pack-" + code.slice(0, 2) + ".js", url).href;
  }

  function response(bytes) {
    return {
      ok: true,
      status: 200,
      arrayBuffer: function () { return Promise.resolve(bytes.buffer); },
      json: function () { return Promise.resolve(JSON.parse(new TextDecoder().decode(bytes))); }
    };
  }

  /** fetch() for Pagefind on file: pages: reads `<file>.js`, or the fragment's pack, instead of `<file>`. */
  function fileFetch(input) {
    var url = new URL(String(input), location.href);
    url.search = "";
    url.hash = "";
    var pack = packOf(url);
    if (pack) {
      if (!packs.has(pack)) {
        var loading = loadScript(pack);
        loading.catch(function () { packs.delete(pack); }); // a failed load may be retried
        packs.set(pack, loading);
      }
      return packs.get(pack).then(function () {
        var base64 = packed.get(url.href);
        if (base64 === undefined) throw new Error("no data for " + url.href + " in " + pack);
        return response(decode(base64));
      });
    }
    return loadScript(url.href + ".js").then(function (src) {
      var bytes = received.get(src);
      received.delete(src);
      if (!bytes) throw new Error("no data in " + src);
      return response(bytes);
    });
  }

  /**
   * Pagefind's module for each bundle. Every bundle gets its own copy of the module (its own
   * pagefind.js, or from disk its own pagefind-file.js): Pagefind keeps its WebAssembly in a
   * module-wide variable, so two bundles sharing one module would overwrite each other.
   */
  function modules() {
    if (!FROM_DISK) {
      return Promise.all(BUNDLES.map(function (folder) {
        return import(new URL(folder + "pagefind.js", ROOT).href);
      }));
    }
    window.__akhbarFileFetch = fileFetch;
    // One after the other: each disk loader hands its module over through the same global.
    return BUNDLES.reduce(function (chain, folder) {
      return chain.then(function (list) {
        return loadScript(new URL(folder + "pagefind-file.js", ROOT).href).then(function () {
          return list.concat([window.akhbarPagefind]);
        });
      });
    }, Promise.resolve([]));
  }

  /** One Pagefind instance per bundle, created once, in bundle order. */
  function instances() {
    if (!ready) {
      ready = modules().then(function (list) {
        return Promise.all(list.map(function (pagefind, i) {
          var instance = pagefind.createInstance({
            basePath: new URL(BUNDLES[i], ROOT).href,
            baseUrl: "/",
            noWorker: FROM_DISK
          });
          // Pagefind counts filter values only over the filter chunks it has loaded: load them all
          // once, so that every search's `filters` counts every value
          return instance.init().then(function () { return instance.filters(); })
            .then(function () { return instance; });
        }));
      });
      ready.catch(function () { ready = null; }); // a failed load may be retried
    }
    return ready;
  }

  // ------------------------------------------------------------ results

  function escapeHtml(text) {
    return text.replace(/[&<>"']/g, function (ch) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[ch];
    });
  }

  /** Undo akhbar.search.hide_words: the original text is stored with no word characters. */
  function reveal(text) {
    var out = "";
    for (var i = 0; i < text.length; i++) {
      var code = text.charCodeAt(i);
      if (code === 0x2580) {
        var end = text.indexOf("\u2581", i);
        var hex = reveal(text.slice(i + 1, end));
        out += String.fromCodePoint(parseInt(hex, 16));
        i = end;
      } else if (code >= 0x2800 && code <= 0x28ff) {
        out += String.fromCharCode(0x0600 + code - 0x2800);
      } else if (code >= 0x2500 && code <= 0x255d) {
        out += String.fromCharCode(0x21 + code - 0x2500);
      } else {
        out += text[i];
      }
    }
    return out;
  }

  var WORD_PARTS = /^([^\p{L}\p{N}]*)([\s\S]*?)([^\p{L}\p{N}]*)$/u;

  function marked(word) {
    var parts = WORD_PARTS.exec(word);
    if (!parts || !parts[2]) return escapeHtml(word);
    return escapeHtml(parts[1]) + "<mark>" + escapeHtml(parts[2]) + "</mark>" + escapeHtml(parts[3]);
  }

  /** The window of EXCERPT_WORDS body words holding the most matches (after the headline's `skip`). */
  function excerptWindow(count, skip, hits) {
    var body = hits.filter(function (at) { return at >= skip && at < count; });
    var start = skip;
    var best = -1;
    body.forEach(function (first) {
      var inside = body.filter(function (at) { return at >= first && at < first + EXCERPT_WORDS; }).length;
      if (inside > best) { best = inside; start = Math.max(skip, first - CONTEXT_BEFORE); }
    });
    var end = Math.min(count, start + EXCERPT_WORDS);
    return [Math.max(skip, Math.min(start, end - EXCERPT_WORDS)), end];
  }

  /** An excerpt of the article's original words, with the matched words in <mark>. */
  function excerpt(text, skip, hits) {
    var words = text ? text.split(" ").map(reveal) : [];
    if (words.length <= skip) return { html: "", text: "" };
    var span = excerptWindow(words.length, skip, hits);
    var matched = new Set(hits);
    var shown = words.slice(span[0], span[1]);
    var before = span[0] > skip ? "… " : "";
    var after = span[1] < words.length ? " …" : "";
    var html = shown.map(function (word, i) {
      return matched.has(span[0] + i) ? marked(word) : escapeHtml(word);
    }).join(" ");
    return { html: before + html + after, text: before + shown.join(" ") + after };
  }

  /** A link to the site path `path` from the current page, relative so that it works from disk. */
  function linkTo(path) {
    var target = path.replace(/^\/+/, "");
    try { target = decodeURI(target); } catch (error) { /* keep it as it is */ }
    if (!INDEX_LINKS) target = target.replace(/(^|\/)index\.html$/, "$1");
    target = target.split("/").map(encodeURIComponent).join("/");
    var here = location.href.split(/[?#]/)[0];
    if (here.indexOf(ROOT.href) !== 0) return new URL(target, ROOT).href;
    var depth = here.slice(ROOT.href.length).split("/").length - 1;
    return ("../".repeat(depth) + target) || "./";
  }

  function item(result) {
    return result.data().then(function (data) {
      var meta = data.meta || {};
      var hits = (data.locations || result.words || []).slice();
      var shown = excerpt(meta.text || "", Number(meta.tn) || 0, hits);
      return {
        url: linkTo(data.raw_url || data.url),
        title: meta.title || "",
        date: meta.date || "",
        date_label: meta.date_label || "",
        section: meta.section || "",
        source: meta.source || "",
        place: meta.place || "",
        excerpt: shown.html,
        excerpt_text: shown.text,
        score: result.score
      };
    });
  }

  // ------------------------------------------------------------ searching

  function pagefindOptions(options) {
    var out = {};
    var filters = {};
    Object.keys(options.filters || {}).forEach(function (name) {
      var value = options.filters[name];
      if (value !== "" && value !== null && value !== undefined && !(Array.isArray(value) && !value.length)) {
        filters[name] = value;
      }
    });
    if (Object.keys(filters).length) out.filters = filters;
    var sort = options.sort;
    if (sort === "newest" || sort === "date") out.sort = { date: "desc" };
    else if (sort === "oldest") out.sort = { date: "asc" };
    else if (sort && typeof sort === "object") out.sort = sort;
    return out;
  }

  function addCounts(into, counts) {
    Object.keys(counts || {}).forEach(function (name) {
      var values = into[name] || (into[name] = {});
      Object.keys(counts[name]).forEach(function (value) {
        values[value] = (values[value] || 0) + counts[name][value];
      });
    });
    return into;
  }

  /** Bundles hold runs of dates, newest first: for a date sort, bundle order is date order. */
  function mergeResults(responses, sort) {
    var lists = responses.map(function (response) { return response.results; });
    if (sort && sort.date === "asc") lists.reverse();
    var all = [].concat.apply([], lists);
    if (!sort) all.sort(function (a, b) { return b.score - a.score; });
    return all;
  }

  function emptySearch(terms) {
    return {
      terms: terms, total: 0, filters: {}, totalFilters: {},
      page: function () { return Promise.resolve([]); }
    };
  }

  /** Run a search; the result pages through matches without loading them all. */
  function open(query, options) {
    options = options || {};
    var terms = normalise.terms(query || "");
    var settings = pagefindOptions(options);
    if (!terms.length && !settings.filters) return Promise.resolve(emptySearch(terms));
    if (!terms.length && !settings.sort) settings.sort = { date: "desc" }; // browsing a filter
    return instances().then(function (list) {
      return Promise.all(list.map(function (instance) {
        return instance.search(terms.length ? terms.join(" ") : null, settings);
      }));
    }).then(function (responses) {
      var results = mergeResults(responses, settings.sort);
      return {
        terms: terms,
        total: results.length,
        // counts per filter value within these results (Pagefind leaves `filters` empty when none is set)
        filters: responses.reduce(function (all, r) {
          return addCounts(all, settings.filters ? r.filters : r.totalFilters);
        }, {}),
        totalFilters: responses.reduce(function (all, r) { return addCounts(all, r.totalFilters); }, {}),
        page: function (start, count) {
          return Promise.all(results.slice(start, start + count).map(item));
        }
      };
    });
  }

  function archiveSearch(query, options) {
    options = options || {};
    var limit = options.limit === undefined || options.limit === null ? 20 : Math.max(0, Math.floor(options.limit));
    return open(query, options).then(function (search) { return search.page(0, limit); });
  }

  archiveSearch.open = open;
  archiveSearch.terms = function (query) { return normalise.terms(query || ""); };
  archiveSearch.filters = function () {
    return instances().then(function (list) {
      return Promise.all(list.map(function (instance) { return instance.filters(); }));
    }).then(function (all) {
      return all.reduce(addCounts, {});
    });
  };
  archiveSearch.bundles = BUNDLES.slice();
  window.archiveSearch = archiveSearch;
})();
