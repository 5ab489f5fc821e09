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
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)



def clean_text(text: str) -> str:
    """Put text in a canonical stored form: NFC, no invisible direction marks."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFC", text))


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
    return text.translate(_LETTER_FOLD).translate(_DIGITS).casefold()


def headline_key(text: str) -> str:
    """Key under which two spellings of one headline meet: folded, punctuation and spacing ignored."""
    return " ".join(_NON_WORD.sub(" ", fold(text)).replace("_", " ").split())


RTL_LANGUAGES = frozenset({"ar", "fa", "ur", "he", "ps", "ku", "ckb", "sd", "ug", "yi", "dv"})


def language_direction(lang: str) -> str:
    """The writing direction of a BCP 47 language tag."""
    return "rtl" if lang.split("-")[0].lower() in RTL_LANGUAGES else "ltr"
