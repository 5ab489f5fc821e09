"""Datelines of scraped news: which part is a place, which an agency or outlet, which a reporter. Pure.

The forms that occur (counted in the 2,000 articles of ../shared/corpus/sample-2k, where 1,198
articles have a dateline line and about 175 CNN articles open their first paragraph with one):

| form | example | read as |
|---|---|---|
| place - agency or outlet | `موسكو-سانا`, `دبي ـ العربية.نت`, `أبوظبي - سكاي نيوز عربية` | place, source |
| outlet - reporter | `العربية.نت - إسلام سيف` | source, author |
| outlet - agencies | `العربية.نت - وكالات` | source |
| place - reporter | `القاهرة - أحمد الريدي` | place, author |
| reporter - place | `هاني الصفيان - اليمن` | author, place |
| place (agency) | `لندن (رويترز)`, `دبي، الإمارات العربية المتحدة (CNN)-- قال …` | place, source |

A part is an *outlet* when it is in OUTLETS or has an outlet's shape (`.نت`, `.com`, a final
`نت`, a Latin acronym such as `CNN`, single letters such as `د ب أ`, a first word such as `قناة`
or `وكالة`, a word such as `نيوز` or `برس`). A *reporter* is two to four Arabic words whose first
word does not start with `ال` (given names do not; places and outlets often do) and none of which
is a feminine adjective such as `الشمالية`. A *place* is what stands beside an outlet, or a
single word (or, before a reporter, words starting with `ال`) beside a reporter;
`دبي، الإمارات العربية المتحدة` and `سوتشي (روسيا)` give the city, `دبي` and `سوتشي`.
Anything else is ambiguous (`رام الله - أحمد علي`: two names that could each be a place or a
person): the dateline is kept as text and nothing goes into a taxonomy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .arabic import headline_key

MAX_LENGTH = 60  # a longer line is a paragraph, not a dateline
_FINAL_PUNCTUATION = ".!?؟…:؛,،"

# Agencies and outlets whose names have no outlet shape. Names that are also places or common
# words (الرياض, الخليج, الشرق الأوسط, البيان) are left out on purpose: they would turn places
# into sources.
OUTLETS = frozenset({
    # news agencies
    "رويترز", "رويرتز", "فرانس برس", "أسوشيتد برس", "أسوشيتدبرس", "الأناضول", "شينخوا", "سبوتنيك",
    "نوفوستي", "تاس", "إرنا", "يونهاب", "كيودو", "وكالات",
    # state agencies of Arab countries, known by their acronyms
    "سانا", "واس", "وام", "قنا", "كونا", "بنا", "بترا", "العمانية", "واج", "وات", "ومع", "سبأ", "معا", "وفا",
    # broadcasters and sites
    "العربية", "الحدث", "الجزيرة", "بي بي سي", "بي بي سي عربي", "سي إن إن", "سي إن إن عربية",
    "روسيا اليوم", "الحرة", "يورونيوز",
})
_OUTLET_KEYS = frozenset(headline_key(name).replace(" ", "") for name in OUTLETS)
_OUTLET_FIRST_WORDS = frozenset({"قناة", "وكالة", "صحيفة", "جريدة", "موقع", "إذاعة", "تلفزيون", "راديو",
                                 "مجلة", "شبكة", "البوابة"})
_OUTLET_WORDS = re.compile(r"(?:^|\s)(?:\S*(?:نيوز|برس|بوست|تايمز)|\d+)(?:\s|$)")  # فرانس 24
_DOMAIN = re.compile(r"\.(?:نت|كوم|com|net|org|tv|news)\b|(?:^|\s)(?:نت|كوم)$", re.IGNORECASE)
_LATIN_ACRONYM = re.compile(r"^[A-Z]{2,6}$")
_LETTERS = re.compile(r"^[\u0621-\u064a](?:[\s.]+[\u0621-\u064a])+\.?$")  # د ب أ, أ.ف.ب
_ARABIC_WORD = re.compile(r"^[\u0621-\u064a\u064b-\u0652]+$")
_ADJECTIVE = re.compile(r"^ال\S+ي[\u064b-\u0652]*ة$")
_SEPARATORS = (re.compile(r"\s+[-–—ـ]+\s+"), re.compile(r"\s+[-–—ـ]+|[-–—]+\s+"), re.compile(r"[-–—]+"))
_PAREN = re.compile(r"^(?P<place>[^()\-–—]{0,50}?)\s*\((?P<source>[^()]{1,30})\)\s*(?P<rest>[-–—ـ:]+|$)")
_QUALIFIER = re.compile(r"\s*(?:\([^()]*\)|[،,].*)$")  # 'سوتشي (روسيا)', 'دبي، الإمارات العربية المتحدة'
_LIST = re.compile(r"\s*[،,]\s*|\s+و(?=وكالات)")


@dataclass(frozen=True)
class Dateline:
    """A dateline as written, and what it was read as (empty where a part is not known for sure)."""

    text: str
    place: str = ""
    source: str = ""
    author: str = ""

    @property
    def classified(self) -> bool:
        return bool(self.place or self.source or self.author)


def is_outlet(name: str) -> bool:
    """Is this the name of a news agency, channel, paper or site?"""
    name = name.strip()
    if not name:
        return False
    if headline_key(name).replace(" ", "") in _OUTLET_KEYS:
        return True
    if _DOMAIN.search(name) or _LATIN_ACRONYM.match(name) or _LETTERS.match(name):
        return True
    return name.split()[0] in _OUTLET_FIRST_WORDS or bool(_OUTLET_WORDS.search(name))


def is_person(name: str) -> bool:
    """Does this read as a reporter's name: two to four Arabic words, the first not starting with ال,
    none a feminine adjective such as الشمالية or العربية (those name places and outlets)?"""
    words = name.split()
    return (2 <= len(words) <= 4 and all(_ARABIC_WORD.match(w) for w in words)
            and not words[0].startswith("ال") and not any(_ADJECTIVE.match(w) for w in words)
            and not is_outlet(name))


def place_name(text: str) -> str:
    """The place a dateline names: the city before a comma or a bracketed region."""
    return _QUALIFIER.sub("", text).strip()


def _is_place(text: str, beside_person: bool) -> bool:
    name = place_name(text)
    words = name.split()
    if not words or len(words) > 4 or is_outlet(name) or any(ch.isdigit() for ch in name):
        return False
    # beside an outlet anything short is a place; beside a reporter, only what cannot be a name
    return not beside_person or len(words) == 1 or words[0].startswith("ال")


def _first_outlet(text: str) -> str:
    """The first outlet of a list such as 'العربية.نت ، وكالات'; empty when the first item is none."""
    first = _LIST.split(text.strip())[0].strip()
    return first if is_outlet(first) else ""


def split_dateline(text: str) -> tuple[str, str] | None:
    """The two sides of a dateline line around its dash, or None when the line is not shaped like one.

    A tatweel counts as a dash only with a space beside it: between letters it lengthens a word.
    """
    if not text or len(text) > MAX_LENGTH or text[-1] in _FINAL_PUNCTUATION:
        return None
    for separator in _SEPARATORS:
        parts = separator.split(text, maxsplit=1)
        if len(parts) == 2:
            left, right = parts[0].strip(), parts[1].strip()
            if len(left) >= 2 and right and len(left.split()) <= 4 and len(right.split()) <= 5:
                return left, right
            return None
    return None


def read_pair(text: str, left: str, right: str) -> Dateline:
    """Read the two sides of 'A - B' by the rules in this module's docstring."""
    source = _first_outlet(right)
    if source and not is_outlet(left):
        return Dateline(text, place=place_name(left) if _is_place(left, False) else "", source=source)
    if is_outlet(left):
        return Dateline(text, source=left, author=right if is_person(right) else "")
    if is_person(right) and not is_person(place_name(left)) and _is_place(left, True):
        return Dateline(text, place=place_name(left), author=right)
    if is_person(left) and len(place_name(right).split()) == 1 and _is_place(right, True):
        return Dateline(text, place=place_name(right), author=left)
    return Dateline(text)


def read_dateline(text: str) -> Dateline | None:
    """Read a dateline line ('موسكو-سانا', 'لندن (رويترز)'); None when the line is not one.

    A line shaped like a dateline whose parts cannot be told apart comes back unclassified.
    """
    text = text.strip()
    paren = _PAREN.match(text)
    if paren and not paren.group("rest") and is_outlet(paren.group("source")):
        return _paren_dateline(text, paren)
    sides = split_dateline(text)
    return read_pair(text, *sides) if sides else None


def leading_dateline(paragraph: str) -> Dateline | None:
    """The dateline that opens a paragraph, as CNN writes it: 'دبي، الإمارات العربية المتحدة (CNN)-- قال …'."""
    paren = _PAREN.match(paragraph)
    if not paren or not paren.group("rest") or not is_outlet(paren.group("source")):
        return None
    return _paren_dateline(paragraph[: paren.start("rest")].strip(), paren)


def _paren_dateline(text: str, match: re.Match[str]) -> Dateline:
    place = match.group("place").strip()
    source = match.group("source").strip()
    if place and not _is_place(place, False):
        return Dateline(text, source=source)
    return Dateline(text, place=place_name(place), source=source)
