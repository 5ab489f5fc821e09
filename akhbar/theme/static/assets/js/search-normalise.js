/*
 * Arabic search normalisation for queries: the browser's half of akhbar/arabic.py
 * (search_fold, search_words, search_key, SEARCH_END). The two must agree word for word;
 * tests/test_search_browser.py runs both over the words of a corpus and compares them.
 * A classic script (no modules, no eval): it defines window.akhbarNormalise.
 */
(function (root) {
  "use strict";

  var END = "\u06a7"; // ڧ, appended to every key in the index and in the query
  var MIN_KEY = 3;
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

  /** The Pagefind terms for a reader's query, in order, without repeats. */
  function terms(query) {
    var seen = [];
    words(query).forEach(function (word) {
      var term = key(word) + END;
      if (seen.indexOf(term) < 0) seen.push(term);
    });
    return seen;
  }

  var api = { END: END, fold: fold, words: words, key: key, terms: terms };
  root.akhbarNormalise = api;
  if (typeof module === "object" && module.exports) module.exports = api;
})(typeof self !== "undefined" ? self : this);
