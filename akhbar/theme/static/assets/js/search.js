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
 *   archiveSearch.open(query, options) → Promise<{total, filters, totalFilters, page(start, count), unknown, suggestion}>
 *            filters: {section: {value: count}, …} within this search's results (filters applied);
 *            totalFilters: the same for the query alone, as if no filter were set;
 *            unknown: the words of the query that no article has (then nothing matches: every word
 *            must); suggestion: the query with each of them spelt as the closest word the archive
 *            has (or written as two words the archive has: بلايستيشن, بلاي ستيشن), or null; when
 *            every word is known but they never meet, the same for the words of RARE articles or
 *            fewer (كرة القدن: القدن is a typo found in one article). A query word finds every spelling of itself (see search-normalise.js);
 *            by relevance, articles where the words stand together come first, then those with the
 *            reader's own spelling, then Pagefind's score (which ranks the headline above the body).
 *   archiveSearch.suggest(query) → Promise<[query, …]>: spelling corrections (also offered to the
 *            search page through window.akhbarSearchSuggestions)
 *   archiveSearch.filters() → Promise<{section: {value: count}, source: …, place: …, year: …}>
 *   archiveSearch.terms(query) → the normalised Pagefind terms (for debugging)
 *
 *   archiveSearch.unreachable() → Promise<[{shard, url}]>: in a sharded archive, the shards whose index
 *            could not be loaded (their articles are missing from results; the others' still show).
 *
 * Load search-normalise.js first, then this file with <script src=…> (not as a module); its
 * data-bundles attribute names the index folders (default "pagefind/"). In a sharded archive it
 * also names the other shards' bundles by absolute address (their sites answer cross-origin
 * requests, as GitHub Pages does), and data-shards gives each bundle's shard name, in order;
 * a result from another shard links to its page there. Over HTTP it uses
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
  var SHARDS = (script.getAttribute("data-shards") || "").split(/\s+/).filter(Boolean);
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

  var tables = new Map(); // script URL → data, filled by __akhbarSearchRules and __akhbarSearchWords

  /** Called by each bundle's akhbar-rules.js: the variant table its index was made with. */
  window.__akhbarSearchRules = function (rules) {
    tables.set(document.currentScript.src, rules);
  };

  /** Called by each bundle's akhbar-words.js: the spellings a query may be corrected to. */
  window.__akhbarSearchWords = function (list) {
    tables.set(document.currentScript.src, list);
  };

  /** A bundle's table script, or `fallback` when it cannot be loaded (an index made before it existed). */
  function bundleTable(folder, file, fallback) {
    var src = new URL(folder + file, ROOT).href;
    return loadScript(src).then(function () { return tables.get(src) || fallback; }, function () { return fallback; });
  }

  var packed = new Map(); // fragment URL → its bytes, filled when a pack is unpacked
  var unpacking = new Map(); // pack script URL → Promise of its unpacking, set by __akhbarPagefindPack
  var packs = new Map(); // pack script URL → Promise, so that each pack loads once

  /** Called by each fragment pack: its fragments gzipped together (base64) and [[name, length], …].
   *  Each fragment's bytes start with Pagefind's signature: Pagefind takes them as decompressed. */
  window.__akhbarPagefindPack = function (base64, files) {
    var base = document.currentScript.src;
    var stream = new Blob([decode(base64)]).stream().pipeThrough(new DecompressionStream("gzip"));
    unpacking.set(base, new Response(stream).arrayBuffer().then(function (buffer) {
      var bytes = new Uint8Array(buffer);
      var at = 0;
      files.forEach(function (file) {
        packed.set(new URL(file[0], base).href, bytes.slice(at, at + file[1]));
        at += file[1];
      });
    }));
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
        var loading = loadScript(pack).then(function (src) { return unpacking.get(src); });
        loading.catch(function () { packs.delete(pack); }); // a failed load may be retried
        packs.set(pack, loading);
      }
      return packs.get(pack).then(function () {
        var bytes = packed.get(url.href);
        if (bytes === undefined) throw new Error("no data for " + url.href + " in " + pack);
        return response(bytes);
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
  /** Is bundle `i` another shard's (on another site)? Its loading may fail without failing the search. */
  function remote(i) {
    return new URL(BUNDLES[i], ROOT).href.indexOf(ROOT.href) !== 0;
  }

  /** The root of the site bundle `i` belongs to (bundles sit at the top of their site). */
  function siteRoot(i) {
    return remote(i) ? new URL("../", new URL(BUNDLES[i], ROOT)) : ROOT;
  }

  /** Pagefind's module for bundle `i`; from disk, `chain` keeps the disk loaders one after the other. */
  var diskChain = Promise.resolve();

  function module(i) {
    var folder = BUNDLES[i];
    if (!FROM_DISK) return import(new URL(folder + "pagefind.js", ROOT).href);
    window.__akhbarFileFetch = fileFetch;
    // One after the other: each disk loader hands its module over through the same global.
    var loaded = diskChain.then(function () {
      return loadScript(new URL(folder + "pagefind-file.js", ROOT).href).then(function () {
        return window.akhbarPagefind;
      });
    });
    diskChain = loaded.catch(function () { /* the next bundle still loads */ });
    return loaded;
  }

  var unreachable = []; // {shard, url} of other shards whose bundles could not be loaded

  /** One Pagefind instance per bundle, created once, in bundle order, each with its variant table. */
  function instances() {
    if (!ready) {
      unreachable = [];
      ready = Promise.all(BUNDLES.map(function (folder, i) {
        var rules = bundleTable(folder, "akhbar-rules.js", { groups: {}, phrases: [] });
        var made = Promise.all([module(i), rules]).then(function (loaded) {
          var instance = loaded[0].createInstance({
            basePath: new URL(folder, ROOT).href,
            baseUrl: "/",
            noWorker: FROM_DISK || remote(i) // a worker must come from the page's own origin
          });
          instance.akhbarRules = loaded[1];
          instance.akhbarRoot = siteRoot(i);
          // Pagefind counts filter values only over the filter chunks it has loaded: load them all
          // once, so that every search's `filters` counts every value
          return instance.init().then(function () { return instance.filters(); })
            .then(function () { return instance; });
        });
        if (!remote(i)) return made;
        return made.catch(function (error) {
          var shard = SHARDS[i] || folder;
          if (!unreachable.some(function (u) { return u.shard === shard; })) {
            unreachable.push({ shard: shard, url: siteRoot(i).href });
          }
          if (window.console) console.warn("search: shard " + shard + " could not be loaded", error);
          return null;
        });
      })).then(function (list) {
        var found = list.filter(Boolean);
        if (!found.length) throw new Error("no search index could be loaded");
        return found;
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
    var body = hits.filter(function (at) { return at >= skip && at < count; })
      .sort(function (a, b) { return a - b; });
    var start = skip;
    var best = -1;
    // One pass with two ends: `end` only moves forward, so an article with 100,000 matches takes
    // time in proportion to them, not to their square.
    for (var first = 0, end = 0; first < body.length; first++) {
      while (end < body.length && body[end] < body[first] + EXCERPT_WORDS) end++;
      if (end - first > best) { best = end - first; start = Math.max(skip, body[first] - CONTEXT_BEFORE); }
    }
    var last = Math.min(count, start + EXCERPT_WORDS);
    return [Math.max(skip, Math.min(start, last - EXCERPT_WORDS)), last];
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

  /** A link to the site path `path` from the current page, relative so that it works from disk;
   *  a page of another shard (its site's `root`) by its absolute address there. */
  function linkTo(path, root) {
    var target = path.replace(/^\/+/, "");
    try { target = decodeURI(target); } catch (error) { /* keep it as it is */ }
    if (!INDEX_LINKS) target = target.replace(/(^|\/)index\.html$/, "$1");
    target = target.split("/").map(encodeURIComponent).join("/");
    if (root && root.href !== ROOT.href) return new URL(target, root).href;
    var here = location.href.split(/[?#]/)[0];
    if (here.indexOf(ROOT.href) !== 0) return new URL(target, ROOT).href;
    var depth = here.slice(ROOT.href.length).split("/").length - 1;
    return ("../".repeat(depth) + target) || "./";
  }

  /** The headline: the first `tn` words of the hidden text (the `title` metadata holds its search keys). */
  function headline(text, count) {
    return text ? text.split(" ").slice(0, count).map(reveal).join(" ") : "";
  }

  function item(result) {
    return result.data().then(function (data) {
      var meta = data.meta || {};
      var hits = (data.locations || result.words || []).slice();
      var count = Number(meta.tn) || 0;
      var shown = excerpt(meta.text || "", count, hits);
      return {
        url: linkTo(data.raw_url || data.url, result.root),
        title: headline(meta.text || "", count),
        date: reveal(meta.date || ""),
        date_label: reveal(meta.date_label || ""),
        section: reveal(meta.section || ""),
        source: reveal(meta.source || ""),
        place: reveal(meta.place || ""),
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

  function emptySearch(terms, unknown, suggestion) {
    return {
      terms: terms, total: 0, filters: {}, totalFilters: {}, unknown: unknown || [], suggestion: suggestion || null,
      unreachable: unreachable.slice(),
      page: function () { return Promise.resolve([]); }
    };
  }

  // ------------------------------------------------------------ matching and ranking

  var PHRASE_FIRST = 1e8; // articles where the query's words stand together, in order, come first,
  var EXACT_FIRST = 1e6; // then by how many words appear in the reader's own spelling, then by score

  var LAST_MARK = "\u064a\u064a"; // يي: no key of a group sorts after group + END + these two letters

  /**
   * Load every index chunk that holds keys of a group. Pagefind loads the one chunk whose range
   * holds the term itself; a group's keys (term + mark) may run on into the next chunk.
   */
  function preload(instance, term) {
    return term.slice(-1) === normalise.END ? instance.preload(term + LAST_MARK) : Promise.resolve();
  }

  /** Every page of one bundle that has a term (no filters): id → sorted word positions. */
  function pagesWith(instance, term, cache) {
    if (!cache.has(term)) {
      cache.set(term, preload(instance, term).then(function () {
        return instance.search(term);
      }).then(function (response) {
        var pages = new Map();
        response.results.forEach(function (result) { pages.set(result.id, result.words || []); });
        return pages;
      }));
    }
    return cache.get(term);
  }

  /** How many pages in all bundles have each term: [[count per term] per bundle] summed per term. */
  function counts(list, plans, caches) {
    return Promise.all(list.map(function (instance, i) {
      return Promise.all(plans[i].map(function (term) {
        return pagesWith(instance, term.group, caches[i]).then(function (pages) { return pages.size; });
      }));
    })).then(function (perBundle) {
      return plans[0].map(function (_, t) {
        return perBundle.reduce(function (sum, bundle) { return sum + bundle[t]; }, 0);
      });
    });
  }

  /** A term for two words read as one (نيو يورك: نيويورك), in a bundle's table. */
  function joined(first, second, rules) {
    var key = normalise.key(first.text) + normalise.key(second.text);
    var name = normalise.group(key, rules);
    return { text: first.text + " " + second.text, group: name + normalise.END, exact: normalise.keyOf(name, key) };
  }

  /**
   * The query's terms in every bundle: [[term]] (one list per bundle, the same length). Two words
   * that the archive writes as one word are read as that word.
   */
  function plan(query, list, caches) {
    var plans = list.map(function (instance) { return normalise.queryTerms(query, instance.akhbarRules); });
    var single = function (term) { return term.text.indexOf(" ") < 0; };
    var step = function (t) {
      if (t >= plans[0].length - 1) return Promise.resolve(plans);
      if (!plans.every(function (p) { return single(p[t]) && single(p[t + 1]); })) return step(t + 1);
      var candidates = plans.map(function (p, i) { return joined(p[t], p[t + 1], list[i].akhbarRules); });
      return Promise.all(list.map(function (instance, i) {
        return pagesWith(instance, candidates[i].group, caches[i]);
      })).then(function (found) {
        if (!found.some(function (pages) { return pages.size; })) return step(t + 1);
        plans.forEach(function (p, i) { p.splice(t, 2, candidates[i]); });
        return step(t);
      });
    };
    return step(0);
  }

  /** Are the terms' positions consecutive somewhere in a page (the words stand together, in order)? */
  function together(positions) {
    if (positions.length < 2) return false;
    var later = positions.slice(1).map(function (list) { return new Set(list); });
    return positions[0].some(function (start) {
      return later.every(function (set, k) { return set.has(start + k + 1); });
    });
  }

  /** A bundle's results in relevance order: phrase, then the reader's own spellings, then score. */
  function rank(instance, results, terms, cache) {
    var exact = Promise.all(terms.map(function (term) { return pagesWith(instance, '"' + term.exact + '"', cache); }));
    var broad = Promise.all(terms.map(function (term) { return pagesWith(instance, term.group, cache); }));
    return Promise.all([exact, broad]).then(function (found) {
      return results.map(function (result) {
        var own = found[0].filter(function (pages) { return pages.has(result.id); }).length;
        var near = together(found[1].map(function (pages) { return pages.get(result.id) || []; }));
        return {
          id: result.id, words: result.words, data: result.data,
          score: (near ? PHRASE_FIRST : 0) + own * EXACT_FIRST + result.score
        };
      }).sort(function (a, b) { return b.score - a.score; });
    });
  }

  // ------------------------------------------------------------ suggestions

  var suggestionWords = null;

  /** Every bundle's suggestion words, commonest first in each, with their keys (loaded once). */
  function vocabulary() {
    if (!suggestionWords) {
      suggestionWords = Promise.all(BUNDLES.map(function (folder) {
        return bundleTable(folder, "akhbar-words.js", []);
      })).then(function (lists) {
        var seen = new Map();
        lists.forEach(function (list) {
          list.forEach(function (word) {
            var key = normalise.key(normalise.words(word).join(""));
            if (!seen.has(key)) seen.set(key, word);
          });
        });
        return Array.from(seen, function (entry) { return { key: entry[0], word: entry[1] }; });
      });
    }
    return suggestionWords;
  }

  var VOWEL = /[\u0627\u0648\u064a\u0621]/; // ا و ي ء: left out or added more often than other letters

  function gap(letter) {
    return VOWEL.test(letter) ? 0.5 : 1;
  }

  /** Edit distance (with transpositions; a long vowel left out or added costs half), or more than limit. */
  function distance(a, b, limit) {
    if (Math.abs(a.length - b.length) > 2 * limit) return limit + 1;
    var rows = [[0]];
    for (var j = 1; j <= b.length; j++) rows[0][j] = rows[0][j - 1] + gap(b[j - 1]);
    for (var i = 1; i <= a.length; i++) {
      rows[i] = [rows[i - 1][0] + gap(a[i - 1])];
      var best = rows[i][0];
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var value = Math.min(rows[i - 1][j] + gap(a[i - 1]), rows[i][j - 1] + gap(b[j - 1]), rows[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, rows[i - 2][j - 2] + 1);
        rows[i][j] = value;
        best = Math.min(best, value);
      }
      if (best > limit) return limit + 1;
    }
    return rows[a.length][b.length];
  }

  var CANDIDATES = 5; // spellings tried for one unknown word
  var MIN_PART = 3; // letters of each half of a word split in two
  var RARE = 2; // a word in this many articles or fewer is suspect when a query finds nothing

  /**
   * The archive's closest spellings of a word no article has: those within half a letter of the
   * closest, closest and then commonest first (at most CANDIDATES), as {word, distance}.
   */
  function closest(word, known) {
    var key = normalise.key(normalise.words(word).join(""));
    var limit = Array.from(key).length <= 4 ? 1 : 2;
    var found = [];
    var ranks = new Map();
    known.forEach(function (entry, rank) {
      if (!ranks.has(entry.key)) ranks.set(entry.key, rank);
      if (entry.key === key) return;
      var d = distance(key, entry.key, limit);
      if (d <= limit) found.push({ word: entry.word, distance: d, rank: rank });
    });
    // a name written as one word that the archive writes as two (بلايستيشن: بلاي ستيشن, كرةالقدم): a
    // space costs half a letter; both halves must be words of the archive, of MIN_PART letters or more
    var letters = Array.from(key);
    for (var cut = MIN_PART; cut <= letters.length - MIN_PART; cut++) {
      var first = letters.slice(0, cut).join(""), second = normalise.key(letters.slice(cut).join(""));
      if (ranks.has(first) && ranks.has(second)) {
        found.push({ word: known[ranks.get(first)].word + " " + known[ranks.get(second)].word, distance: 0.5,
          rank: Math.max(ranks.get(first), ranks.get(second)) });
      }
    }
    if (!found.length) return [];
    var best = Math.min.apply(null, found.map(function (f) { return f.distance; }));
    return found.filter(function (f) { return f.distance <= best + 0.5; })
      .sort(function (a, b) { return a.distance - b.distance || a.rank - b.rank; }).slice(0, CANDIDATES);
  }

  /**
   * The query with each unknown word spelt as the archive does, or null: the closest spelling
   * with which the whole query finds something, the one that finds most of those equally close
   * (كأس العالن: كأس العالم, as كأس العلن finds nothing).
   */
  function correct(query, unknown) {
    if (!unknown.length) return Promise.resolve(null);
    var isUnknown = function (chunk) {
      var key = normalise.key(normalise.words(chunk).join(""));
      return unknown.some(function (word) { return normalise.key(normalise.words(word).join("")) === key; });
    };
    return vocabulary().then(function (known) {
      var chunks = query.trim().split(/\s+/);
      return chunks.reduce(function (chain, chunk, i) {
        return chain.then(function (current) {
          var options = isUnknown(chunk) ? closest(chunk, known) : [];
          if (!options.length) return current;
          return Promise.all(options.map(function (option) {
            var text = current.slice(0, i).concat([option.word], current.slice(i + 1)).join(" ");
            return open(text, { suggest: false }).then(function (s) { return s.total; });
          })).then(function (totals) {
            var level = options.filter(function (o, k) { return totals[k] > 0; })
              .reduce(function (low, o) { return Math.min(low, o.distance); }, Infinity);
            var best = 0;
            options.forEach(function (o, k) {
              if (o.distance === level && totals[k] > totals[best]) best = k;
              if (o.distance === level && totals[best] === 0) best = k;
            });
            return current.slice(0, i).concat([options[best].word], current.slice(i + 1));
          });
        });
      }, Promise.resolve(chunks)).then(function (corrected) {
        var text = corrected.join(" ");
        return text === chunks.join(" ") ? null : text;
      });
    });
  }

  // ------------------------------------------------------------ searching

  /** Run a search; the result pages through matches without loading them all. */
  function open(query, options) {
    options = options || {};
    query = query || "";
    var settings = pagefindOptions(options);
    var typed = normalise.terms(query);
    if (!typed.length && !settings.filters) return Promise.resolve(emptySearch(typed));
    if (!typed.length && !settings.sort) settings.sort = { date: "desc" }; // browsing a filter
    return instances().then(function (list) {
      var caches = list.map(function () { return new Map(); });
      return plan(query, list, caches).then(function (plans) {
        return counts(list, plans, caches).then(function (found) {
          var unknown = plans[0].filter(function (_, t) { return found[t] === 0; }).map(function (t) { return t.text; });
          if (unknown.length) {
            if (options.suggest === false) return emptySearch([], unknown, null);
            return correct(query, unknown).then(function (suggestion) {
              return emptySearch(plans[0].map(function (t) { return t.group; }), unknown, suggestion);
            });
          }
          return search(list, plans, settings, caches).then(function (result) {
            // every word is in some article but never all together: a rare one may be misspelt
            // (كرة القدن: القدن is in one article), so suggest as for an unknown word
            var rare = plans[0].filter(function (_, t) { return found[t] <= RARE; }).map(function (t) { return t.text; });
            if (result.total || !rare.length || options.suggest === false || settings.filters) return result;
            return correct(query, rare).then(function (suggestion) {
              return Object.assign(result, { suggestion: suggestion });
            });
          });
        });
      });
    });
  }

  function search(list, plans, settings, caches) {
    return Promise.all(list.map(function (instance, i) {
      var terms = plans[i].map(function (term) { return term.group; });
      return instance.search(terms.length ? terms.join(" ") : null, settings).then(function (response) {
        if (settings.sort || !terms.length) return response;
        return rank(instance, response.results, plans[i], caches[i]).then(function (ranked) {
          return Object.assign({}, response, { results: ranked });
        });
      }).then(function (response) {
        var results = response.results.map(function (r) {
          return { id: r.id, words: r.words, data: r.data, score: r.score, root: instance.akhbarRoot };
        });
        return Object.assign({}, response, { results: results });
      });
    })).then(function (responses) {
      var results = mergeResults(responses, settings.sort);
      return {
        terms: plans.length ? plans[0].map(function (term) { return term.group; }) : [],
        total: results.length,
        // counts per filter value within these results (Pagefind leaves `filters` empty when none is set)
        filters: responses.reduce(function (all, r) {
          return addCounts(all, settings.filters ? r.filters : r.totalFilters);
        }, {}),
        totalFilters: responses.reduce(function (all, r) { return addCounts(all, r.totalFilters); }, {}),
        unknown: [],
        suggestion: null,
        unreachable: unreachable.slice(),
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
  archiveSearch.suggest = function (query) {
    return open(query).then(function (found) { return found.suggestion ? [found.suggestion] : []; });
  };
  window.akhbarSearchSuggestions = window.akhbarSearchSuggestions || [];
  window.akhbarSearchSuggestions.push(archiveSearch.suggest);
  archiveSearch.filters = function () {
    return instances().then(function (list) {
      return Promise.all(list.map(function (instance) { return instance.filters(); }));
    }).then(function (all) {
      return all.reduce(addCounts, {});
    });
  };
  archiveSearch.bundles = BUNDLES.slice();
  archiveSearch.unreachable = function () {
    return instances().then(function () { return unreachable.slice(); });
  };
  window.archiveSearch = archiveSearch;
})();
