"""Arabic text helpers: normalisation for matching, digits, direction. Pure functions."""

from __future__ import annotations

import re
import unicodedata

# Harakat, Quranic marks, superscript alef: dropped when matching.
_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed]")
_TATWEEL = "\u0640"
# Invisible direction marks and joiners that scrapers leave behind.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\u061c\ufeff\u00ad]")
_LETTER_FOLD = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
    "ة": "ه", "ى": "ي",
    "ؤ": "و", "ئ": "ي",
    "ک": "ك", "ی": "ي", "ھ": "ه",
})
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_TO_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
_FOLD_AND_DIGITS: dict[int, str | int | None] = {**_LETTER_FOLD, **_DIGITS}  # one pass instead of two
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)



# Never text, and fatal in XML feeds: C0/C1 controls (not tab or newline), U+FFFE/U+FFFF, surrogates.
CONTROL_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Put text in a canonical stored form: NFC, no invisible direction marks or control characters."""
    # marks go first: dropping one between a letter and its accent can make a new NFC pair
    return unicodedata.normalize("NFC", CONTROL_CHARS.sub("", _INVISIBLE.sub("", text)))


def latin_digits(text: str) -> str:
    """Replace Arabic-Indic and Persian digits with Latin ones."""
    return text.translate(_DIGITS)


def arabic_digits(text: str) -> str:
    """Replace Latin digits with Arabic-Indic ones."""
    return text.translate(_TO_ARABIC_INDIC)


def fold(text: str) -> str:
    """Fold spelling variants so that two spellings of one word compare equal.

    Presentation forms become letters (NFKC), diacritics, tatweel and direction marks go,
    hamza-carrying alefs become bare alef, ta marbuta becomes ha, alef maqsura becomes ya,
    digits become Latin, Latin letters lower case.
    """
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    text = _DIACRITICS.sub("", text).replace(_TATWEEL, "")
    return text.translate(_FOLD_AND_DIGITS).casefold()


def headline_key(text: str) -> str:
    """Key under which two spellings of one headline meet: folded, punctuation and spacing ignored."""
    return " ".join(_NON_WORD.sub(" ", fold(text)).replace("_", " ").split())


RTL_LANGUAGES = frozenset({"ar", "fa", "ur", "he", "ps", "ku", "ckb", "sd", "ug", "yi", "dv"})


def language_direction(lang: str) -> str:
    """The writing direction of a BCP 47 language tag."""
    return "rtl" if lang.split("-")[0].lower() in RTL_LANGUAGES else "ltr"


# ---------------------------------------------------------------- search normalisation
#
# The search index and the query go through the same rules (mirrored in
# theme/static/assets/js/search-normalise.js; tests/test_search.py checks that the two agree).
# A word is folded (search_fold), split into letter-and-digit runs (search_words) and reduced
# to a key (search_key) by dropping a leading definite-article group. The index side stores,
# for every word of an article, each key a query could reduce to that still names the word
# (search_forms): the word without its attached و ف ب ك ل and ال, and a sound plural without
# its suffix. Every stored key ends in SEARCH_END so that Pagefind, which matches any word that
# *starts* with a query term, matches keys exactly.

SEARCH_END = "\u06a7"  # ڧ: a letter that never ends a folded Arabic word
_SEARCH_FOLD = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
    "ؤ": "ء", "ئ": "ء",
    "ة": "ه", "ى": "ي",
    "ک": "ك", "ی": "ي", "ھ": "ه",
    _TATWEEL: None,
})
_SEARCH_WORD = re.compile(r"[^\W_]+")
_ARTICLE_GROUP = re.compile("^(?:[وف]?[بكل]?ال|[وف]?لل)")
_CONJUNCTIONS = ("", "و", "ف")
_PREPOSITIONS = ("", "ب", "ك", "ل", "لل")  # لل is ل before ال, whose alef is dropped
_PLURALS = ("ون", "ين")
MIN_KEY = 3  # an article group is dropped only when at least this many letters remain
MIN_FORM = 2  # a clitic or suffix is dropped only when at least this many letters remain


class _FoldTable(dict):  # type: ignore[type-arg]
    """Code point → what search_fold makes of it (nothing for marks and invisible characters,
    else its folded spelling), worked out the first time the code point is met."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        folded = "" if unicodedata.category(ch) in ("Mn", "Me", "Cf") else ch.translate(_SEARCH_FOLD).translate(_DIGITS)
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def search_fold(text: str) -> str:
    """Fold text for search: NFKC, no marks or invisible characters, one spelling per letter."""
    return unicodedata.normalize("NFKC", text).translate(_FOLD_TABLE).lower()


def search_words(text: str) -> list[str]:
    """The folded letter-and-digit runs of text: 'والحكومة.نت' gives ['والحكومه', 'نت']."""
    return _SEARCH_WORD.findall(search_fold(text))


def search_key(word: str) -> str:
    """Reduce a folded word the way a query is reduced: drop leading article groups (وال، بال، لل…)."""
    while True:
        match = _ARTICLE_GROUP.match(word)
        if not match or len(word) - match.end() < MIN_KEY:
            return word
        word = word[match.end():]


def _clitic_forms(word: str) -> set[str]:
    """Every stem the word may be once its attached clitics are read off: [وف]? [بكل لل]? (ال)* stem."""
    forms = {word}
    for conjunction in _CONJUNCTIONS:
        for preposition in _PREPOSITIONS:
            prefix = conjunction + preposition
            stem = word[len(prefix):] if word.startswith(prefix) else ""
            while len(stem) >= MIN_FORM:
                forms.add(stem)
                if not stem.startswith("ال"):
                    break
                stem = stem[2:]
    return forms


def _plural_forms(word: str) -> set[str]:
    """The singular stems a sound plural may stand for: مسءولين → مسءول, حكومات → حكوم and حكومه."""
    stem = word[:-2]
    if len(stem) < MIN_FORM:
        return set()
    if word.endswith("ات"):
        return {stem, stem + "ه"}
    return {stem} if word.endswith(_PLURALS) else set()


def search_forms(word: str) -> list[str]:
    """Every key under which a folded word of an article is found, sorted; each is its own key."""
    forms = _clitic_forms(word)
    forms |= {plural for form in forms for plural in _plural_forms(form)}
    return sorted(form for form in forms if search_key(form) == form)
