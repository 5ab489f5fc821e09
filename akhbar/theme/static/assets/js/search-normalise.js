/*
 * Arabic search normalisation for queries: the browser's half of akhbar/arabic.py (search_fold,
 * search_words, search_key) and akhbar/matching.py (stems, exact_mark, query_terms). The two must
 * agree word for word; tests/test_search_browser.py runs both over the words of a corpus and
 * compares them. A classic script (no modules, no eval): it defines window.akhbarNormalise.
 *
 * The variant table a bundle was indexed with ({groups, phrases, spellings}, see akhbar/matching.py) comes
 * with the bundle (akhbar-rules.js); terms() without one uses only the rules written here.
 */
(function (root) {
  "use strict";

  var END = "\u06a7"; // ڧ, after every group in the index and in the query
  var MIN_KEY = 3;
  var MIN_STEM = 4;
  var LETTERS = {
    "\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627", // أ إ آ ٱ → ا
    "\u0624": "\u0621", "\u0626": "\u0621", // ؤ ئ → ء
    "\u0629": "\u0647", "\u0649": "\u064a", // ة → ه, ى → ي
    "\u06a9": "\u0643", "\u06cc": "\u064a", "\u06be": "\u0647", // ک ی ھ
    "\u0640": "" // tatweel
  };
  var FOLDED = /[\u0623\u0625\u0622\u0671\u0624\u0626\u0629\u0649\u06a9\u06cc\u06be\u0640\u0660-\u0669\u06f0-\u06f9]/g;
  var MARKS = /[\p{Mn}\p{Me}\p{Cf}]/gu;
  var WORD = /[\p{L}\p{N}]+/gu;
  var ARTICLE = /^(?:[\u0648\u0641]?[\u0628\u0643\u0644]?\u0627\u0644|[\u0648\u0641]?\u0644\u0644)/; // [وف]?[بكل]?ال | [وف]?لل
  var ARABIC = /^[\u0621-\u064a]+$/;
  // (suffix, replacement), longest first: as _SUFFIXES in akhbar/matching.py
  var SUFFIXES = [["يين", ""], ["يون", ""], ["يات", ""], ["يتين", ""], ["يتان", ""], ["تين", "ه"], ["تان", "ه"],
    ["ات", ""], ["ات", "ه"], ["ين", ""], ["ون", ""], ["يه", ""], ["يا", ""], ["ي", ""], ["ه", ""],
    ["اء", "ا"], ["ا", ""]];
  var MARK_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي";
  var EMPTY_RULES = { groups: {}, phrases: [], spellings: {}, plurals: [] };

  function foldLetter(ch) {
    var code = ch.charCodeAt(0);
    if (code >= 0x0660 && code <= 0x0669) return String(code - 0x0660);
    if (code >= 0x06f0 && code <= 0x06f9) return String(code - 0x06f0);
    return LETTERS[ch];
  }

  /** Fold text for search: NFKC, no marks or invisible characters, one spelling per letter. */
  function fold(text) {
    return String(text).normalize("NFKC").replace(MARKS, "").replace(FOLDED, foldLetter).toLowerCase();
  }

  /** The folded letter-and-digit runs of text. */
  function words(text) {
    return fold(text).match(WORD) || [];
  }

  function length(word) {
    return Array.from(word).length;
  }

  /** Drop leading definite-article groups (وال، بال، لل…) while at least MIN_KEY letters remain. */
  function key(word) {
    for (;;) {
      var match = ARTICLE.exec(word);
      if (!match || length(word) - length(match[0]) < MIN_KEY) return word;
      word = word.slice(match[0].length);
    }
  }

  /** The form, then what light stemming makes of it, one ending at a time (at most two). */
  function stems(form) {
    var steps = [form];
    if (!ARABIC.test(form)) return steps;
    for (var round = 0; round < 2; round++) {
      var next = null;
      for (var i = 0; i < SUFFIXES.length && next === null; i++) {
        var suffix = SUFFIXES[i][0];
        var rest = form.length - suffix.length + SUFFIXES[i][1].length;
        if (form.length > suffix.length && form.slice(-suffix.length) === suffix && rest >= MIN_STEM) {
          next = form.slice(0, -suffix.length) + SUFFIXES[i][1];
        }
      }
      if (next === null) break;
      form = next;
      steps.push(form);
    }
    return steps;
  }

  /** Two letters that tell one spelling of a group from another (FNV-1a of its code points). */
  function exactMark(form) {
    var value = 0x811c9dc5;
    for (var ch of form) value = Math.imul(value ^ ch.codePointAt(0), 0x01000193) >>> 0;
    return MARK_LETTERS[value % 28] + MARK_LETTERS[Math.floor(value / 28) % 28];
  }

  /** The group of a reading: from the table (the reading, a stem, or without an accusative ا), else its stem. */
  function group(form, rules) {
    var steps = stems(form);
    var groups = (rules || EMPTY_RULES).groups;
    var has = function (name) { return Object.prototype.hasOwnProperty.call(groups, name); };
    for (var i = 0; i < steps.length; i++) {
      if (has(steps[i])) return groups[steps[i]];
    }
    if (form.slice(-1) === "ا" && has(form.slice(0, -1))) return groups[form.slice(0, -1)];
    var stem = steps[steps.length - 1];
    var spellings = (rules || EMPTY_RULES).spellings || {};
    return Object.prototype.hasOwnProperty.call(spellings, stem) ? spellings[stem] : stem;
  }

  /** Is the form a broken plural that the archive joins to its singular (not by the table)? */
  function isPlural(form, rules) {
    var steps = stems(form);
    var groups = (rules || EMPTY_RULES).groups;
    if (steps.some(function (step) { return Object.prototype.hasOwnProperty.call(groups, step); })) return false;
    return ((rules || EMPTY_RULES).plurals || []).indexOf(steps[steps.length - 1]) >= 0;
  }

  function keyOf(name, form) {
    return name + END + exactMark(form);
  }

  function phraseTable(rules) {
    if (!rules.phraseTable) {
      var table = { map: Object.create(null), longest: 0 };
      (rules.phrases || []).forEach(function (entry) {
        table.map[entry.slice(0, -1).join(" ")] = entry[entry.length - 1];
        table.longest = Math.max(table.longest, entry.length - 1);
      });
      Object.defineProperty(rules, "phraseTable", { value: table });
    }
    return rules.phraseTable;
  }

  /**
   * The terms of a reader's query: [{text, group, exact}], group being the Pagefind term that
   * finds every spelling, exact the key of this very spelling (as query_terms in matching.py).
   */
  function queryTerms(query, rules) {
    rules = rules || EMPTY_RULES;
    var found = words(query);
    var keys = found.map(key);
    var phrases = phraseTable(rules);
    var terms = [];
    var i = 0;
    while (i < keys.length) {
      var matched = false;
      for (var n = Math.min(phrases.longest, keys.length - i); n > 1 && !matched; n--) {
        var phrase = keys.slice(i, i + n).join(" ");
        var name = phrases.map[phrase];
        if (name !== undefined) {
          terms.push({ text: found.slice(i, i + n).join(" "), group: name + END, exact: keyOf(name, phrase) });
          i += n;
          matched = true;
        }
      }
      if (!matched) {
        var own = group(keys[i], rules);
        var exact = keyOf(own, keys[i]);
        // in a name of several words a broken plural keeps its number (مجلس الشيوخ: never شيخ)
        terms.push({ text: found[i], group: keys.length > 1 && isPlural(keys[i], rules) ? exact : own + END, exact: exact });
        i += 1;
      }
    }
    var seen = {};
    return terms.filter(function (term) {
      if (seen[term.exact]) return false;
      seen[term.exact] = true;
      return true;
    });
  }

  /** The Pagefind terms for a reader's query, in order, without repeats. */
  function terms(query, rules) {
    var out = [];
    queryTerms(query, rules).forEach(function (term) {
      if (out.indexOf(term.group) < 0) out.push(term.group);
    });
    return out;
  }

  var api = {
    END: END, fold: fold, words: words, key: key, stems: stems, exactMark: exactMark, group: group,
    keyOf: keyOf, isPlural: isPlural, queryTerms: queryTerms, terms: terms
  };
  root.akhbarNormalise = api;
  if (typeof module === "object" && module.exports) module.exports = api;
})(typeof self !== "undefined" ? self : this);
