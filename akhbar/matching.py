"""How search reads words: the rules shared by the index and the query. Pure functions.

The browser applies the same rules to queries (theme/static/assets/js/search-normalise.js, with
the table this module writes beside each search bundle); tests check that the two agree.

A word of an article is folded and split as before (akhbar.arabic.search_words) and read with
its attached clitics removed in every way they can be read (`readings`). Each reading then gets a
*group*: the name under which every spelling of the word meets. The group comes from the variant
table when the reading, or what light stemming makes of it, is in the table (akhbar/
search_variants.txt, site.yaml `search: synonyms:`, and spellings of long names found in the
archive itself); otherwise it is the light stem: the reading without a plural, dual, feminine,
people-adjective or accusative ending, while at least MIN_STEM letters remain (so that قطر never
meets قطرات, nor درعا درع). The index stores, per reading, one key: the group, SEARCH_END, then a
two-letter mark of the reading itself. A query word's group followed by SEARCH_END is a prefix of
every key of its group (Pagefind matches prefixes), so one term finds every spelling; the full key
finds the exact spelling, which ranks first.

Phrases of the table (حلف شمال الأطلسي) and compounds written in two words (واتس آب) add their
group's key at their first word, so the one-word name finds them too.
"""

from __future__ import annotations

import functools
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .arabic import search_key, search_words

SEARCH_END = "\u06a7"  # ڧ: a letter that never ends a folded Arabic word
PLACEHOLDER = "·"  # stands in for a chunk with no letters, so positions stay aligned
MIN_STEM = 4  # light stemming keeps at least this many letters
MIN_SPELLING = 6  # spellings of names are matched across the archive only from this length
WHOLE_AFTER_ARTICLE = 2  # a word seen after ال in this many articles keeps its first letter (ورقة)
COMPOUND_SHARE = 0.5  # two words form a compound when they stand together this often
VARIANTS = Path(__file__).with_name("search_variants.txt")

_ARABIC = re.compile("[\u0621-\u064a]+")
_CONJUNCTIONS = ("", "و", "ف")
_PREPOSITIONS = ("", "ب", "ك", "ل", "لل")  # لل is ل before ال, whose alef is dropped
MIN_FORM = 2  # a clitic is read off only when at least this many letters remain
# (suffix, what replaces it), longest first: people adjectives, duals, plurals, feminine, accusative
_SUFFIXES = (("يين", ""), ("يون", ""), ("يات", ""), ("يتين", ""), ("يتان", ""), ("تين", "ه"), ("تان", "ه"),
             ("ات", ""), ("ات", "ه"), ("ين", ""), ("ون", ""), ("يه", ""), ("يا", ""), ("ي", ""), ("ه", ""),
             ("اء", "ا"), ("ا", ""))
_LETTER = re.compile(r"[^\W\d_]")
_NISBA_BASE = re.compile("(?:يا|يه|ا|ه|ي)$")
_MARK_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
_VOWELS = frozenset("اوي")


def readings(word: str, whole: frozenset[str] = frozenset()) -> list[str]:
    """Every stem a folded word may be once its clitics are read off: [وف]? [بكل لل]? (ال)* stem, sorted.

    A word of `whole` (one the archive also writes after ال: ورقة, الورقة) keeps its first letter:
    it is not read as و + رقة.
    """
    forms = {word}
    for conjunction in _CONJUNCTIONS:
        for preposition in _PREPOSITIONS:
            if (conjunction or preposition) and word in whole:
                continue
            prefix = conjunction + preposition
            stem = word[len(prefix):] if word.startswith(prefix) else ""
            while len(stem) >= MIN_FORM:
                forms.add(stem)
                if not stem.startswith("ال"):
                    break
                stem = stem[2:]
    return sorted(form for form in forms if search_key(form) == form)


def stems(form: str) -> list[str]:
    """The form, then what light stemming makes of it, one ending at a time (at most two)."""
    steps = [form]
    if not _ARABIC.fullmatch(form):
        return steps
    for _ in range(2):
        for suffix, replacement in _SUFFIXES:
            if form.endswith(suffix) and len(form) - len(suffix) + len(replacement) >= MIN_STEM:
                form = form[:-len(suffix)] + replacement
                steps.append(form)
                break
        else:
            break
    return steps


def exact_mark(form: str) -> str:
    """Two letters that tell one spelling of a group from another (FNV-1a of its code points)."""
    value = 0x811C9DC5
    for ch in form:
        value = ((value ^ ord(ch)) * 0x01000193) & 0xFFFFFFFF
    return _MARK_LETTERS[value % 28] + _MARK_LETTERS[value // 28 % 28]


def skeleton(stem: str) -> str:
    """Where a long name's spellings meet: its first letter, then its consonants, with ج for غ."""
    folded = stem.replace("غ", "ج")
    return folded[0] + "".join(ch for ch in folded[1:] if ch not in _VOWELS)


def same_spelling(a: str, b: str) -> bool:
    """Are a and b one name spelt with more or fewer long vowels (نتنياهو, نتانياهو), ج or غ alike?"""
    if a == b or skeleton(a) != skeleton(b):
        return False
    longer, shorter = (a, b) if len(a) >= len(b) else (b, a)
    longer, shorter = longer.replace("غ", "ج"), shorter.replace("غ", "ج")
    i = 0
    for ch in longer:
        if i < len(shorter) and ch == shorter[i]:
            i += 1
        elif ch not in _VOWELS:
            return False
    return i == len(shorter)


# ---------------------------------------------------------------- the variant table


@dataclass(frozen=True)
class Rules:
    """The variant table: reading or stem → group, phrases (tuples of keys) → group, the spellings
    of long names and the broken plurals found in an archive (a stem → the stem its group is named
    by), and the archive's words that begin with a clitic's letter but are read whole."""

    groups: Mapping[str, str] = field(default_factory=dict)
    phrases: Mapping[tuple[str, ...], str] = field(default_factory=dict)
    spellings: Mapping[str, str] = field(default_factory=dict)
    whole: frozenset[str] = frozenset()  # words read whole when indexed (readings); never sent to the browser
    plurals: frozenset[str] = frozenset()  # stems that spellings joins as broken plurals (بنوك: بنك)
    # word → (its index keys, its readings), filled by index_tokens as it goes: a word is worked out
    # once per table, not at every occurrence (the same few thousand words make most of the text)
    memo: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(
        default_factory=dict, compare=False, repr=False)

    def group(self, form: str) -> str:
        """The group of a reading: from the table (the reading, one of its stems, or the reading
        without an accusative ا: طفلا), else its stem."""
        steps = stems(form)
        for step in steps:
            if step in self.groups:
                return self.groups[step]
        if form.endswith("ا") and form[:-1] in self.groups:
            return self.groups[form[:-1]]
        return self.spellings.get(steps[-1], steps[-1])

    def is_plural(self, form: str) -> bool:
        """Is the form a broken plural that the archive joins to its singular (not by the table)?"""
        steps = stems(form)
        return steps[-1] in self.plurals and not any(step in self.groups for step in steps)

    def longest_phrase(self) -> int:
        return self._longest

    @functools.cached_property
    def _longest(self) -> int:
        return max((len(p) for p in self.phrases), default=0)

    @functools.cached_property
    def phrase_starts(self) -> frozenset[str]:
        """The first words of the table's phrases: a phrase can begin only at one of them."""
        return frozenset(phrase[0] for phrase in self.phrases)

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Rules:
        """The table as_json wrote (for tests that read a bundle's table)."""
        phrases = data.get("phrases", [])
        assert isinstance(phrases, list)
        return cls(dict(data.get("groups", {})), {tuple(p[:-1]): p[-1] for p in phrases},  # type: ignore[call-overload]
                   dict(data.get("spellings", {})), plurals=frozenset(data.get("plurals", [])))  # type: ignore[call-overload]

    def as_json(self) -> str:
        """The table for the browser (search-normalise.js), sorted so the bytes never change."""
        data = {"groups": dict(sorted(self.groups.items())),
                "phrases": sorted([*phrase, group] for phrase, group in self.phrases.items()),
                "spellings": dict(sorted(self.spellings.items())), "plurals": sorted(self.plurals)}
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def spelling_keys(spelling: str) -> list[str]:
    """A spelling of the table read as search reads text: the key of each of its words."""
    return [search_key(word) for word in search_words(spelling)]


def _place_forms(key: str) -> list[str]:
    """A place's key, its people adjective (مصر → مصري, سوريا → سوري), and the adjective's stem when
    at least MIN_STEM letters long (أمريكا → أمريك, where الأمريكيين ends; never ترك, from تركيا)."""
    base = _NISBA_BASE.sub("", key) if len(_NISBA_BASE.sub("", key)) >= 2 else key
    return [key, base + "ي", *([base] if len(base) >= MIN_STEM else [])]


def parse_variants(text: str, source: str = "search_variants.txt") -> list[tuple[bool, list[str]]]:
    """Lines of a variant table: (is a place, spellings). Raises ValueError naming a bad line."""
    groups: list[tuple[bool, list[str]]] = []
    places = False
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if line in ("[places]", "[words]"):
            places = line == "[places]"
            continue
        spellings = [s.strip() for s in line.split("|")]
        if not all(spelling_keys(s) for s in spellings):
            raise ValueError(f"{source}:{number}: every spelling needs letters")
        groups.append((places, spellings))
    return groups


def build_rules(groups: Iterable[tuple[bool, Sequence[str]]], extra: Mapping[str, str] | None = None) -> Rules:
    """The table for some groups of spellings; later groups win where two claim one form."""
    table: dict[str, str] = {}
    phrases: dict[tuple[str, ...], str] = {}
    for is_place, spellings in groups:
        name = "".join(spelling_keys(spellings[0]))  # named by a key, never a stem; no space in a key
        for spelling in spellings:
            keys = spelling_keys(spelling)
            if len(keys) > 1:
                phrases[tuple(keys)] = name
                continue
            for form in _place_forms(keys[0]) if is_place else keys:
                table[form] = name
    table.update(extra or {})
    return Rules(table, phrases)


@functools.cache
def builtin_groups() -> tuple[tuple[bool, tuple[str, ...]], ...]:
    """The groups of akhbar/search_variants.txt."""
    return tuple((place, tuple(s)) for place, s in parse_variants(VARIANTS.read_text(encoding="utf-8")))


def site_rules(synonyms: Sequence[Sequence[str]] = ()) -> Rules:
    """The built-in table with a site's own synonyms (site.yaml search: synonyms:) added."""
    return build_rules([*builtin_groups(), *((False, tuple(group)) for group in synonyms)])


# ---------------------------------------------------------------- what an archive adds


@dataclass
class Vocabulary:
    """The words of a bundle's articles: how many articles use each key, and each key's spellings."""

    articles: Counter[str] = field(default_factory=Counter)  # key → articles using it
    spellings: dict[str, Counter[str]] = field(default_factory=dict)  # key → its spellings, as written
    defined: Counter[str] = field(default_factory=Counter)  # key → articles using it after ال (a noun)

    def add_article(self, chunks: Sequence[str]) -> None:
        """Count the words of one article (its whitespace-separated chunks)."""
        seen: set[str] = set()
        defined: set[str] = set()
        for chunk in chunks:
            words = search_words(chunk)
            for word in words:
                key = search_key(word)
                seen.add(key)
                if key != word:
                    defined.add(key)
                self.spellings.setdefault(key, Counter())[_shown(chunk) if len(words) == 1 else word] += 1
        self.articles.update(seen)
        self.defined.update(defined)

    def merge(self, other: Vocabulary) -> None:
        self.articles.update(other.articles)
        self.defined.update(other.defined)
        for key, counts in other.spellings.items():
            self.spellings.setdefault(key, Counter()).update(counts)


_EDGES = re.compile(r"^[\W_]+|[\W_]+$")
_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u0640\u06d6-\u06ed]")


def _shown(chunk: str) -> str:
    """A chunk as a suggestion shows it: no punctuation around it, no diacritics or tatweel."""
    return _MARKS.sub("", _EDGES.sub("", chunk))


def compound_pairs(chunks: Sequence[str], known: Mapping[str, int]) -> set[tuple[str, str]]:
    """Keys of two one-word chunks side by side that, joined, are a known word (واتس آب: واتساب)."""
    pairs = set()
    keys = [search_key(w[0]) if len(w) == 1 else "" for w in map(search_words, chunks)]
    for first, second in zip(keys, keys[1:], strict=False):
        if len(first) >= MIN_FORM and len(second) >= MIN_FORM and len(first + second) >= 5 and first + second in known:
            pairs.add((first, second))
    return pairs


def _is_compound(pair: tuple[str, str], articles: int, known: Mapping[str, int]) -> bool:
    """Do two words mostly stand together when they appear (واتس آب), unlike words that merely can (أن تقام)?"""
    return articles >= COMPOUND_SHARE * min(known.get(pair[0], 0), known.get(pair[1], 0))


# Broken plurals, by the templates of Arabic plurals (over folded keys: ء for a hamza on a seat): the
# plural's pattern, and the singulars it may stand for, tried in order. Each pair is joined only
# when the archive shows both as nouns (see broken_plurals); the templates were checked against
# sample-2k's words, and the pairs they make against a dictionary's plurals (README, Quality).
_C = "([\u0621-\u064a])"
_NOT_H = "([\u0621-\u063a\u0641-\u0646\u0648\u064a])"  # any letter but ه
_NOT_Y = "([\u0621-\u063a\u0641-\u0648])"  # any letter but ي
_BROKEN_PLURALS = tuple((re.compile(pattern), singulars) for pattern, singulars in (
    (f"^([^اه]){_C}{_C}اء$", (r"\1\2ي\3", r"\1ا\2\3")),  # فُعَلاء: وزراء → وزير, علماء → عالم
    (f"^{_C}{_C}ايا$", (r"\1\2يه",)),  # فعايا: ضحايا → ضحية
    (f"^{_C}وا{_C}ي{_NOT_H}$", (r"\1ا\2و\3",)),  # فواعيل: صواريخ → صاروخ
    (f"^{_C}{_C}ا{_C}ي{_NOT_H}$", (r"\1\2\3و\4", r"\1\2\3ي\4")),  # مفاعيل: مشاريع → مشروع, تقارير → تقرير
    (f"^{_C}{_C}اء{_NOT_H}$", (r"\1\2ي\3ه", r"\1\2ا\3ه", r"\1\2ي\3")),  # فعائل: رسائل → رسالة
    (f"^([^و])وا{_C}{_NOT_Y}$", (r"\1ا\2\3", r"\1ا\2\3ه")),  # فواعل: شوارع → شارع, عواصم → عاصمة
    (f"^([^اتنيهو]){_C}ا{_C}([^اتيه])$", (r"\1\2\3\4", r"\1\2\3\4ه")),  # مفاعل: مساجد → مسجد
    (f"^ا{_C}{_C}{_C}ه$", (r"\1\2ا\3", r"\1\2ي\3", r"\1ا\2ي", r"\1\2اء")),  # أفعِلة: أسلحة → سلاح, أندية → نادي
    (f"^ا{_C}{_C}ا{_C}$", (r"\1\2\3", r"\1ا\2\3")),  # أفعال: أطفال → طفل, أصحاب → صاحب
    (f"^([^اتنيو])([^او])و{_C}$", (r"\1\2\3",)),  # فُعول: بنوك → بنك
    (f"^([^اتنيه]){_C}{_C}ي$", (r"\1\2ي\3",)),  # فَعْلى: جرحى → جريح
    (f"^{_C}ا{_C}ه$", (r"\1اء\2",)),  # فَعَلة of a hollow root: قادة → قائد
))
# A people's plural of the template مفاعلة (المغاربة): joined to a place whose adjective the archive uses.
_PEOPLE_PLURAL = re.compile(f"^{_C}{_C}ا{_C}{_C}ه$")
# Closed classes that look like plurals and are not: numbers (أربعة: أفعِلة), pronouns (هؤلاء: فُعَلاء).
_NOT_PLURALS = frozenset({"اربعه", "خمسه", "سته", "سبعه", "ثمانيه", "تسعه", "عشره", "ثلاثه", "هءلاء", "اولاء"})
# Templates whose shape an elative's feminine shares (عظمى, سوداء: أعظم, أسود): skipped when أفعل is a word.
_ELATIVE = re.compile(f"^{_C}{_C}{_C}(?:ي|اء)$")


def _takes_sound_suffix(key: str, known: Mapping[str, int], defined: Mapping[str, int]) -> bool:
    """Is the key a singular, since the archive gives it a sound plural, a feminine or a people
    adjective (معارض: معارضون; جنوب: جنوبي), or is it itself a sound plural or an adjective (هدافين, أرضية)?"""
    forms = [key + s for s in ("ين", "ون", "ات", "ان")]
    if key.endswith("ه"):
        forms += [key[:-1] + s for s in ("ات", "تين", "تان")]
    if key.endswith("ي"):
        forms += [key + "ين", key + "ون"]
        if known.get(key + "ه", 0) >= 2:  # a people adjective's feminine (أسرية is one article: أسرى stays)
            return True
    if known.get(key + "ي", 0) >= 2 or known.get(key + "يه", 0) >= 2:
        return True
    if key[-2:] in ("ين", "ون", "ات", "يه") and len(key) >= 5 and key[:-2] in defined:
        return True  # the ending's base is a noun of the archive (أرضية: الأرض), not a rare word (أندية: آند)
    return any(form in known for form in forms)


def _is_noun(key: str, vocabulary: Vocabulary) -> bool:
    """Does the archive use the key as a noun: after ال, or (four letters or more) with a plural
    ending, or as فعيل in the accusative (جريحاً)? A three-letter word must have been seen after ال:
    it may be a verb (وصل, دخل) that takes none of the others, so it must be seen after ال in at least
    half the articles that use it (بنك, not دخل or حضر)."""
    if len(key) < 4:
        return 2 * vocabulary.defined.get(key, 0) >= vocabulary.articles.get(key, 0)
    if vocabulary.defined.get(key, 0):
        return True
    if key[2] == "ي" and key + "ا" in vocabulary.articles:
        return True
    return any(key + s in vocabulary.articles for s in ("ين", "ون", "ات", "ان"))


def _is_verbal_noun(key: str, vocabulary: Vocabulary) -> bool:
    """Is an ا-initial key mostly written with إ (إطلاق, a verbal noun), not with أ (أطفال, a plural)?"""
    written = vocabulary.spellings.get(key, Counter())
    below = sum(n for s, n in written.items() if "إ" in s)
    above = sum(n for s, n in written.items() if "أ" in s)
    return below > above


def broken_plurals(vocabulary: Vocabulary, minimum: int = 2) -> dict[str, str]:
    """Plural key → singular key, for words of the archive shaped like a broken plural whose singular
    the archive also uses, in at least `minimum` articles each. The singular must be used as a noun
    (after ال, with a plural ending or accusative: never a verb, so وصول does not become وصل), and the
    plural must take no sound plural or feminine ending itself (مقاتل, معارض are singulars:
    مقاتلون, معارضون)."""
    known = vocabulary.articles
    found: dict[str, str] = {}
    for key in sorted(known):
        if known[key] < minimum or key in _NOT_PLURALS or key.endswith("ه") and not vocabulary.defined.get(key):
            continue  # a form ending in ه may be a verb with its pronoun (أعلنه) unless used after ال
        elative = _ELATIVE.match(key)
        if elative and "ا" + "".join(elative.groups()) in known:
            continue
        if _takes_sound_suffix(key, known, vocabulary.defined):
            continue
        people = _PEOPLE_PLURAL.match(key)
        if people:
            single = "".join(people.groups())
            if vocabulary.defined.get(single + "ي", 0) >= minimum and _is_noun(single, vocabulary):
                found[key] = single
                continue
        for pattern, singulars in _BROKEN_PLURALS:
            match = pattern.match(key)
            if not match:
                continue
            if key.startswith("ا") and _is_verbal_noun(key, vocabulary):
                break
            for singular in singulars:  # the first noun of the archive; a three-letter word that is
                single = match.expand(singular)  # not one is a verb and ends the search (أبطال: بطل, never باطل)
                if single != key and known.get(single, 0) >= minimum:
                    if _is_noun(single, vocabulary):
                        found[key] = single
                        break
                    if len(single) == 3:
                        break
            if key in found:
                break
    return found


def not_duals(vocabulary: Vocabulary, rules: Rules) -> dict[str, str]:
    """Words that end like a feminine dual (تين, تان) but whose singular in ة, or plural in ات, the
    archive never uses, each named by itself: names (الأرجنتين, أفغانستان), not duals (الدولتين)."""
    found = {}
    for key in sorted(vocabulary.articles):
        if key[-3:] in ("تين", "تان") and _ARABIC.fullmatch(key) and len(key) - 2 >= MIN_STEM:
            singular = key[:-3] + "ه"
            if (singular not in vocabulary.articles and key[:-3] + "ات" not in vocabulary.articles
                    and not any(step in rules.groups for step in stems(key))):
                found[key] = key
    return found


def derive_rules(rules: Rules, vocabulary: Vocabulary, pairs: Mapping[tuple[str, str], int] | None = None) -> Rules:
    """`rules` with what the archive shows: spellings of one long name, and compounds written split.

    Two stems join when one is the other with long vowels added (or ج for غ) and the words are
    long: both stems of five letters or more, one of their words of MIN_SPELLING or more; or stems
    of four letters whose words all have MIN_SPELLING + 1 or more (تلفزيون, تليفزيون). Shorter
    words are too often two native words (أمراً, الإمارات). A group's name is its most used stem.
    Two words side by side whose joined form is also a word of the archive (واتس آب, واتساب)
    become a phrase of that word's group when, in at least COMPOUND_SHARE of the articles using
    the rarer of the two, they stand together (`pairs`: each with the articles where it stands).
    A word ending like a feminine dual (تين, تان) whose singular (ة) the archive never uses is a
    name read whole (الأرجنتين, باكستان: not الأرجنة, باكسة).
    """
    rules = Rules({**not_duals(vocabulary, rules), **rules.groups}, rules.phrases, rules.spellings, rules.whole,
                  rules.plurals)
    counts: Counter[str] = Counter()
    longest: dict[str, int] = {}
    shortest: dict[str, int] = {}
    for key, n in vocabulary.articles.items():
        stem = rules.group(key)
        counts[stem] += n
        longest[stem] = max(longest.get(stem, 0), len(key))
        shortest[stem] = min(shortest.get(stem, len(key)), len(key))
    named = set(rules.groups.values())
    buckets: dict[str, list[str]] = {}
    for stem in sorted(counts):
        if len(stem) >= MIN_STEM and _ARABIC.fullmatch(stem) and stem not in named:
            buckets.setdefault(skeleton(stem), []).append(stem)
    parent: dict[str, str] = {}

    def root(stem: str) -> str:
        while parent.get(stem, stem) != stem:
            stem = parent[stem]
        return stem

    def long_enough(a: str, b: str) -> bool:
        if min(len(a), len(b)) >= MIN_SPELLING - 1:
            return max(longest[a], longest[b]) >= MIN_SPELLING
        return min(shortest[a], shortest[b]) >= MIN_SPELLING + 1

    for members in buckets.values():
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                if long_enough(a, b) and same_spelling(a, b):
                    ra, rb = root(a), root(b)
                    if ra != rb:
                        keep, drop = sorted((ra, rb), key=lambda s: (-counts[s], s))
                        parent[drop] = keep
    spellings = {stem: root(stem) for stem in sorted(parent)}
    joined = Rules(rules.groups, rules.phrases, {**rules.spellings, **spellings})
    plurals: dict[str, str] = {}
    for plural, singular in sorted(broken_plurals(vocabulary).items()):
        if any(step in rules.groups for step in stems(plural)):
            continue  # the table decides
        stem, target = stems(plural)[-1], joined.group(singular)
        if stem not in joined.spellings and stem != target:
            plurals.setdefault(stem, target)
    for stem in sorted(plurals):  # a plural's singular may itself be a plural's stem: follow to the end
        target, seen = plurals[stem], {stem}
        while target in plurals and target not in seen:
            seen.add(target)
            target = plurals[target]
        if target != stem:
            spellings[stem] = target
    for stem, name in list(spellings.items()):  # spellings renamed to a plural's stem follow it too
        spellings[stem] = spellings.get(name, name) if name in plurals else name
    phrases = dict(rules.phrases)
    for (first, second), articles in sorted((pairs or {}).items()):
        if _is_compound((first, second), articles, vocabulary.articles):
            phrases.setdefault((first, second), rules.group(first + second))
    whole = frozenset(key for key, n in vocabulary.defined.items() if n >= WHOLE_AFTER_ARTICLE and key[0] in "وفبكل")
    joined_plurals = frozenset(stem for stem in plurals if stem in spellings)
    return Rules(rules.groups, phrases, {**rules.spellings, **spellings}, rules.whole | whole,
                 rules.plurals | joined_plurals)


def suggestion_words(vocabulary: Vocabulary, limit: int = 60_000) -> list[str]:
    """Spellings a query may be corrected to: each key's commonest spelling, used in two articles or more."""
    keys = sorted((k for k, n in vocabulary.articles.items() if n >= 2 and _LETTER.search(k)),
                  key=lambda k: (-vocabulary.articles[k], k))[:limit]
    return [min(vocabulary.spellings[k].items(), key=lambda kv: (-kv[1], kv[0]))[0] for k in keys]


# ---------------------------------------------------------------- tokens and terms


def key_of(group: str, form: str) -> str:
    """The index key of one reading: its group, SEARCH_END, and the mark of the reading."""
    return group + SEARCH_END + exact_mark(form)


def index_tokens(chunks: Sequence[str], rules: Rules) -> list[str]:
    """One whitespace-free token per chunk (so positions stay those of the original words).

    A token holds the keys of every reading of every word in the chunk, joined by '-' (Pagefind
    indexes each part of a hyphenated word at the word's position); the first word of a phrase of
    the table, or of a compound, also holds the phrase's key.
    """
    words = [search_words(chunk) for chunk in chunks]
    keys: list[dict[str, None]] = [dict.fromkeys(key for word in chunk for key in _word_keys(word, rules)[0])
                                   for chunk in words]
    if rules.phrases:
        singles = [[search_key(w[0]), *_word_keys(w[0], rules)[1]] if len(w) == 1 else [] for w in words]
        longest, starts = rules.longest_phrase(), rules.phrase_starts
        for start in range(len(words)):
            if starts.isdisjoint(singles[start]):
                continue
            for length in range(min(longest, len(words) - start), 1, -1):
                group = _phrase_at(singles, start, length, rules)
                if group is not None:
                    keys[start][key_of(group, " ".join(singles[start + i][0] for i in range(length)))] = None
                    break
    return ["-".join(k) or PLACEHOLDER for k in keys]


def _word_keys(word: str, rules: Rules) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The index keys of every reading of a folded word, and the readings (remembered in rules.memo)."""
    known = rules.memo.get(word)
    if known is None:
        forms = tuple(readings(word, rules.whole))
        known = rules.memo[word] = (tuple(key_of(rules.group(form), form) for form in forms), forms)
    return known


def _phrase_at(singles: list[list[str]], start: int, length: int, rules: Rules) -> str | None:
    """The group of a phrase of the table starting at `start` (its first word read any way)."""
    span = singles[start:start + length]
    if any(not s for s in span):
        return None
    tail = tuple(s[0] for s in span[1:])
    for first in dict.fromkeys(span[0]):
        group = rules.phrases.get((first, *tail))
        if group is not None:
            return group
    return None


@dataclass(frozen=True)
class Term:
    """One word (or phrase) of a query: the term that finds every spelling, and the exact one."""

    text: str  # as the reader typed it
    group: str  # Pagefind term: group + SEARCH_END, a prefix of every key of the group
    exact: str  # the key of this very spelling


def query_terms(query: str, rules: Rules) -> list[Term]:
    """The terms of a reader's query (mirrors terms() in search-normalise.js)."""
    words = search_words(query)
    keys = [search_key(word) for word in words]
    terms: list[Term] = []
    i = 0
    longest = rules.longest_phrase()
    while i < len(keys):
        for length in range(min(longest, len(keys) - i), 1, -1):
            group = rules.phrases.get(tuple(keys[i:i + length]))
            if group is not None:
                phrase = " ".join(keys[i:i + length])
                terms.append(Term(" ".join(words[i:i + length]), group + SEARCH_END, key_of(group, phrase)))
                i += length
                break
        else:
            group = rules.group(keys[i])
            exact = key_of(group, keys[i])
            # in a name of several words a broken plural keeps its number (مجلس الشيوخ: never شيخ)
            terms.append(Term(words[i], exact if len(keys) > 1 and rules.is_plural(keys[i]) else group + SEARCH_END,
                              exact))
            i += 1
    unique: dict[str, Term] = {}
    for term in terms:
        unique.setdefault(term.exact, term)
    return list(unique.values())
