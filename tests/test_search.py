"""Search: Arabic normalisation for the index and the query, index sources, bundles, and builds."""

from __future__ import annotations

import base64
import gzip
import html
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from akhbar import matching, search, workers
from akhbar import site as pipeline
from akhbar.arabic import search_fold, search_key, search_words
from akhbar.content import Article
from akhbar.matching import SEARCH_END
from akhbar.pagefind_bundle import (
    CborMap,
    SearchError,
    cbor_decode,
    cbor_encode,
    classic_loader,
    file_twins,
    pack_of,
    pack_script,
    read_data,
)
from akhbar.render import Renderer
from tests import tools

ARTICLES = {
    "content/gov.md": """
        ---
        title: والحكومة تعلن خطة جديدة
        date: 2018-03-01
        section: سياسة
        source: سانا
        place: دمشق
        ---
        قال المسؤولين إن للحكومة خطة، ومسئول آخر قال «لا».

        ## عنوان فرعي

        زار الوزير بيروت في ٢٠١٨ – ثم عاد.
        """,
    "content/old.txt": """
        ---
        date: 2017-05-02
        section: اقتصاد
        ---
        أسعار النفط ترتفع

        لندن - رويترز

        ارتفعت أسعار النفط اليوم في الأسواق العالمية.
        """,
    "content/undated.md": "---\ntitle: خبر بلا تاريخ\n---\nنص قصير عن إسرائيل.\n",
}


def rules_for(*texts: str) -> matching.Rules:
    """The table a bundle of these texts (one article each) would be indexed with."""
    vocabulary = matching.Vocabulary()
    for text in texts:
        vocabulary.add_article(text.split())
    pairs = Counter(p for t in texts for p in matching.compound_pairs(t.split(), vocabulary.articles))
    return matching.derive_rules(matching.site_rules(), vocabulary, pairs)


def matches(query: str, text: str, rules: matching.Rules | None = None) -> bool:
    """Does the query find the text: is each query term a prefix of a key of the text's tokens?"""
    rules = rules or rules_for(text)
    keys = [k for token in matching.index_tokens(text.split(), rules) for k in token.split("-")]
    terms = matching.query_terms(query, rules)
    return bool(terms) and all(any(k.startswith(t.group) for k in keys) for t in terms)


# Should-match and should-not-match pairs for every rule; tests/test_search_browser.py also checks
# that the browser reads each query (and each text) exactly as Python does.
FINDS = [
    # spelling (folding) and attached clitics
    ("الحكومة", "والحكومة"), ("حكومه", "للحكومة"), ("الحكومة", "حكومة"), ("والحكومة", "الحكومة"),
    ("مسئول", "المسؤولين"), ("مسؤول", "مسئول"), ("إيران", "لإيران"), ("ايران", "إيران"),
    ("اسرائيل", "وإسرائيل"), ("مُوسْكُو", "موسكو"), ("الحكـــومة", "بالحكومة"),
    ("ﺩﻣﺸﻖ", "ودمشق"), ("٢٠١٨", "2018"), ("۲۰۱۸", "2018"), ("مصطفى", "مصطفي"), ("شىء", "شيء"),
    ("التزام", "بالالتزام"), ("بالرياض", "الرياض"), ("والقاهرة", "القاهرة"), ("وزير", "الوزير"),
    ("لبنان", "للبنان"), ("\u200fموسكو", "موسكو"), ("كأس", "كاس"), ("آسيا", "أسيا"), ("سؤال", "سئال"),
    ("THE", "the"),
    # plurals, duals, feminines (light stemming), both ways
    ("انتخاب", "الانتخابات"), ("الانتخابات", "انتخاب"), ("ولاية", "الولايات"), ("الحكومات", "حكومة"),
    ("المسؤولين", "مسؤول"), ("مسؤول", "المسؤولون"), ("اللاعبين", "لاعب"), ("الدولتين", "الدولة"),
    # broken plurals (the table)
    ("الدول", "دولة"), ("دولة", "دول"), ("السفن", "سفينة"), ("سفينة", "السفن"), ("الأطفال", "طفل"),
    ("النساء", "المرأة"), ("الوزراء", "وزير"),
    # people adjectives (nisba) and final letters of countries
    ("لبنان", "اللبنانيين"), ("اللبنانية", "لبنان"), ("مصر", "المصريون"), ("المصري", "مصر"),
    ("العراق", "العراقية"), ("اليمنيين", "اليمن"), ("قطر", "القطري"), ("الصين", "الصينية"),
    ("سوريا", "سورية"), ("سورية", "السوريين"), ("تركيا", "التركية"), ("تركيا", "الأتراك"),
    ("روسيا", "الروس"), ("كوريا", "الكوريتين"), ("الحوثيون", "الحوثي"), ("الحوثيين", "حوثية"),
    ("اسبانيا", "الإسبان"), ("سنغافورا", "سنغافورة"), ("الأمريكيين", "أميركا"), ("موريتانيا", "الموريتانية"),
    # names and acronyms (the table), Latin names, compounds split or joined
    ("ترمب", "ترامب"), ("ترامب", "ترمب"), ("غوتيريس", "غوتيريش"), ("الناتو", "حلف شمال الأطلسي"),
    ("حلف الأطلسي", "الناتو"), ("WhatsApp", "واتساب"), ("واتساب", "واتس آب"), ("واتس اب", "واتساب"),
    ("فيس بوك", "فيسبوك"), ("Facebook", "فيس بوك"), ("يو تيوب", "يوتيوب"),
    # spellings of one long name found in the archive (long vowels, ج/غ)
    ("نتنياهو", "نتانياهو"), ("نتانياهو", "نتنياهو"), ("الكونجرس", "الكونغرس"), ("تليفزيون", "التلفزيون"),
    ("الديموقراطية", "الديمقراطية"), ("بطرسبورغ", "بطرسبرغ"), ("ميونخ", "ميونيخ"), ("جرمان", "جيرمان"),
]
MISSES = [
    ("سلام", "سلم"),  # whole words only: a group never finds a longer or shorter word
    ("بلد", "ولد"),  # a clitic is read off only when at least two letters remain
    ("كانت", "أنت"),  # a query keeps its single-letter prefixes
    ("مصر", "مصرف"), ("مصر", "مصرع"),
    ("الله", "له"),  # an article group is dropped from a query only when three letters remain
    # short names never meet longer words once endings are stripped (at least four letters remain)
    ("قطر", "قطرات"), ("قطر", "قطرة"), ("درعا", "درع"), ("عدن", "عدنان"), ("حلب", "حلبة"),
    ("البحرين", "البحر"), ("طالبان", "طالب"), ("ترك", "تركيا"), ("تركيا", "ترك"), ("الدولي", "دولة"),
    # long words join only when one is the other with long vowels added
    ("الاستقلال", "الاستغلال"), ("تعادل", "تعديل"), ("احتلال", "احتيال"), ("مدنيين", "الميدانيين"),
    ("الإمارات", "أمراً"), ("سعيد", "سيعيد"),  # stems of four letters never join
]


@pytest.mark.parametrize(("query", "text"), FINDS)
def test_a_query_finds_every_spelling_of_a_word(query: str, text: str) -> None:
    assert matches(query, text, rules_for(query, text))


@pytest.mark.parametrize(("query", "text"), MISSES)
def test_a_query_does_not_find_other_words(query: str, text: str) -> None:
    assert not matches(query, text, rules_for(query, text))


def test_the_exact_spelling_has_its_own_key() -> None:
    rules = rules_for("ترامب ترمب")
    (term,) = matching.query_terms("ترمب", rules)
    keys = matching.index_tokens(["ترمب", "ترامب", "وترمب"], rules)
    assert [key.startswith(term.group) for key in keys] == [True, True, True]
    assert [term.exact in key.split("-") for key in keys] == [True, False, True]


def test_spellings_found_in_an_archive_join_stems_not_the_steps_to_them() -> None:
    rules = rules_for("الشركات", "الشركة", "شركاتها", "شركتها")  # شركات(ها) and شركت(ها) pair as stems
    assert matches("الشركات", "الشركة", rules) and matches("شركة", "الشركات", rules)


# Broken plurals found in an archive (the templates of akhbar/matching.py), each text in two articles:
# (query, text, the archive's words). Joined when both are nouns of the archive...
PLURAL_FINDS = [
    ("البنوك", "بنك", ["البنوك", "البنك"]),  # فُعول
    ("المساجد", "مسجد", ["المساجد", "المسجد"]),  # مفاعل
    ("الأندية", "النادي", ["الأندية", "النادي", "نداي"]),  # أفعِلة (نداي, a word but not a noun, is passed over)
    ("الرسائل", "رسالة", ["الرسائل", "الرسالة"]),  # فعائل
    ("الشوارع", "شارع", ["الشوارع", "الشارع"]),  # فواعل
    ("الصواريخ", "صاروخ", ["الصواريخ", "الصاروخ"]),  # فواعيل
    ("المشاريع", "مشروع", ["المشاريع", "المشروع"]),  # مفاعيل
    ("السجناء", "سجين", ["السجناء", "سجين", "سجيناً"]),  # فُعَلاء, the singular a noun by its accusative
    ("الجرحى", "جريح", ["الجرحى", "جريح", "جريحا"]),  # فَعْلى
    ("الضحايا", "ضحية", ["الضحايا", "الضحية"]),  # فعايا
    ("القادة", "قائد", ["القادة", "القائد"]),  # فَعَلة of a hollow root
    ("بنك", "البنوك", ["البنوك", "البنك"]),  # and the other way
    ("المغاربة", "المغربي", ["المغاربة", "المغرب", "المغربي"]),  # a people's plural, when the adjective is used
]
# ...and not when the singular is a verb, the "plural" takes a plural ending of its own, or it is
# an elative's feminine, a number or a word that the archive writes with إ (a verbal noun).
PLURAL_MISSES = [
    ("الوصول", "وصل", ["الوصول", "وصل"]),  # وصل is never after ال: a verb
    ("المعارض", "المعرض", ["المعارض", "المعرض", "المعارضون"]),  # معارض takes ون: a singular
    ("الجنوب", "الجنب", ["الجنوب", "الجنب", "الجنوبي"]),  # جنوب has an adjective: not a plural
    ("العظمى", "العظيم", ["العظمى", "العظيم", "أعظم"]),  # فُعلى of أفعل
    ("الأربعة", "الربيع", ["الأربعة", "الربيع"]),  # a number
    ("الإطلاق", "الطلق", ["الإطلاق", "الطلق"]),  # إفعال, a verbal noun, not أفعال
]


def _archive(words: list[str]) -> matching.Rules:
    return rules_for(*words, *words)


@pytest.mark.parametrize(("query", "text", "archive"), PLURAL_FINDS)
def test_broken_plurals_of_an_archive_join_their_singulars(query: str, text: str, archive: list[str]) -> None:
    assert matches(query, text, _archive(archive))


@pytest.mark.parametrize(("query", "text", "archive"), PLURAL_MISSES)
def test_words_shaped_like_plurals_stay_apart(query: str, text: str, archive: list[str]) -> None:
    assert not matches(query, text, _archive(archive))


def test_a_name_ending_like_a_feminine_dual_is_read_whole() -> None:
    rules = _archive(["الأرجنتين", "الأرجنتيني", "باكستان", "الباكستانيين", "الأوروغواي", "الدولتين", "الدولة"])
    assert matches("الأرجنتين", "الأرجنتيني", rules) and matches("الباكستانيين", "باكستان", rules)
    assert not matches("الأرجنتين", "الأوروغواي", rules)
    assert matches("الدولتين", "الدولة", rules)  # a dual whose singular the archive uses stays a dual
    assert "ارجنتين" not in _archive(["الأرجنتين", "الأرجنة"]).groups  # the singular is a word: a dual


def test_in_a_name_of_several_words_a_broken_plural_keeps_its_number() -> None:
    rules = _archive(["الشيوخ", "الشيخ", "مجلس"])
    assert matches("الشيوخ", "الشيخ", rules) and matches("مجلس الشيوخ", "مجلس الشيوخ", rules)
    assert not matches("مجلس الشيوخ", "مجلس الشيخ", rules)
    assert matches("مجلس الوزراء", "مجلس الوزير", rules)  # the table's plurals are the reader's word


def test_a_word_the_archive_writes_after_al_keeps_its_first_letter() -> None:
    rules = _archive(["الورقة", "ورقة", "الرقة"])
    assert not matches("الرقة", "ورقة", rules) and matches("الرقة", "والرقة", rules)
    assert matches("الرقة", "ورقة", _archive(["ورقة", "الرقة"]))  # never after ال: و may be a clitic


def test_same_spelling_joins_long_vowels_only() -> None:
    assert matching.same_spelling("نتنياهو", "نتانياهو") and matching.same_spelling("غريزمان", "جريزمان")
    assert not matching.same_spelling("تعادل", "تعديل") and not matching.same_spelling("استقلال", "استغلال")


def test_stems_keep_four_letters() -> None:
    assert matching.stems("لبنانيين") == ["لبنانيين", "لبنان"]
    assert matching.stems("قطرات") == ["قطرات", "قطره"] and matching.stems("حكومات") == ["حكومات", "حكوم"]
    assert matching.stems("2018") == ["2018"]


def test_the_variant_table_reads_and_reports_bad_lines() -> None:
    assert matching.builtin_groups()
    with pytest.raises(ValueError, match="x.txt:2: every spelling needs letters"):
        matching.parse_variants("[words]\nفيسبوك | ؟؟\n", "x.txt")


def test_site_synonyms_join_their_spellings() -> None:
    rules = matching.derive_rules(matching.site_rules([("بلاد الشام", "سوريا"), ("الحرة", "قناة الحرة")]),
                                  matching.Vocabulary())
    assert matches("بلاد الشام", "في سوريا اليوم", rules) and matches("سوريا", "قال إن بلاد الشام", rules)
    assert not matches("بلاد", "في سوريا", rules)


def test_suggestion_words_are_the_commonest_spellings() -> None:
    vocabulary = matching.Vocabulary()
    for text in ("قال ترامب،", "إن ترامب", "والحكومة قالت", "الحكومة", "نادر"):
        vocabulary.add_article(text.split())
    assert matching.suggestion_words(vocabulary) == ["ترامب", "الحكومة"]


def test_search_words_split_compounds_and_drop_punctuation() -> None:
    assert search_words("العربية.نت (والحكومة)، #حمزة_لبيض") == ["العربيه", "نت", "والحكومه", "حمزه", "لبيض"]


def test_fold_keeps_letters_that_differ() -> None:
    assert search_fold("قال") != search_fold("كال")
    assert search_fold("ء") == "ء"


@settings(deadline=None)  # no timed assertions: a loaded machine is slow, not wrong
@given(st.text(max_size=40))
def test_search_key_is_idempotent_and_among_the_readings(text: str) -> None:
    rules = matching.site_rules()
    for word in search_words(text):
        key = search_key(word)
        assert search_key(key) == key
        assert key in matching.readings(word)
        assert all(search_key(form) == form for form in matching.readings(word))
    keys = [k for token in matching.index_tokens(text.split(), rules) for k in token.split("-")]
    for term in matching.query_terms(text, rules):  # every word of a text finds the text, exactly too
        assert any(k.startswith(term.group) for k in keys) and term.exact in keys


# ---------------------------------------------------------------- index sources


def test_each_chunk_becomes_exactly_one_token() -> None:
    for chunk in ("والحكومة", "(الحكومة)،", "العربية.نت", "–", "«", "2018", "ـــ"):
        token = search.index_token(chunk)
        assert token and not re.search(r"\s", token)
    assert search.index_token("–") == search.PLACEHOLDER
    assert [k.split(SEARCH_END)[0] for k in search.index_token("والحكومات").split("-")] == ["حكوم"]


def test_query_terms_reduce_and_mark_every_word() -> None:
    assert search.query_terms("والحكومة الحكومة مسئول") == [f"حكوم{SEARCH_END}", f"مسءول{SEARCH_END}"]
    assert search.query_terms(" ؟! ") == []


@settings(deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Zs", "Zl", "Zp", "Cc", "Cs")), max_size=60))
def test_hidden_text_has_no_word_characters_and_round_trips(text: str) -> None:
    hidden = search.hide_words(text)
    assert not re.search(r"\w", hidden)
    assert search.reveal_words(hidden) == text


def test_index_source_keeps_positions_and_metadata() -> None:
    article = Article("content/x.md", "x", "والحكومة: خطة", body_html="<p>نص <em>الخبر</em> – هنا</p>",
                      section="سياسة", source="سانا", place="دمشق", url="articles/x/index.html")
    page = search.index_source(article, "1 آذار 2018")

    def meta(name: str) -> str:
        return html.unescape(re.search(rf'data-pagefind-meta="{name}\[content\]" content="([^"]*)"', page).group(1))

    units = [search.reveal_words(u) for u in meta("text").split(" ")]
    assert units == ["والحكومة:", "خطة", "نص", "الخبر", "–", "هنا"]
    body = re.search(r"<h1>(.*)</h1>\n<p>(.*)</p>", page)
    assert len(body.group(1).split()) + len(body.group(2).split()) == len(units)
    assert meta("title") == body.group(1) == " ".join(matching.index_tokens(["والحكومة:", "خطة"], matching.site_rules()))
    assert search.reveal_words(meta("date_label")) == "1 آذار 2018" and search.reveal_words(meta("place")) == "دمشق"
    assert not re.search(r"\w", meta("date_label") + meta("section") + meta("source") + meta("place"))
    assert '<html lang="und">' in page
    for needle in ('data-pagefind-filter="section[content]" content="سياسة"',
                   'data-pagefind-meta="tn[content]" content="2"', 'data-pagefind-sort="date[content]" content="0000"'):
        assert needle in page


def dated(slug: str, day: str) -> Article:
    from akhbar.content import parse_date

    return Article(f"content/{slug}.md", slug, slug, date=parse_date(day) if day else None)


def test_a_small_archive_has_one_bundle() -> None:
    bundles = search.plan_bundles([dated("a", "2018-01-01"), dated("b", "2017-01-01")])
    assert [(b.folder, len(b.articles)) for b in bundles] == [("pagefind", 2)]


def test_an_empty_archive_has_no_bundle_and_a_search_page_that_says_so(make_site, tmp_path: Path) -> None:
    assert search.plan_bundles([]) == []
    out = tmp_path / "out"
    pipeline.build(pipeline.load(make_site({})), out)
    assert not (out / "pagefind").exists()
    assert 'data-bundles=""' in (out / "search/index.html").read_text()


def test_a_large_archive_is_split_by_date_keeping_years_together() -> None:
    articles = [dated(f"a{n}", f"{2015 + n % 4}-0{1 + n % 9}-1{n % 10}") for n in range(40)] + [dated("u", "")]
    bundles = search.plan_bundles(articles, split_above=12)
    assert bundles[0].folder == "pagefind" and [b.folder for b in bundles[1:]] == [
        f"pagefind-{n}" for n in range(2, len(bundles) + 1)]
    assert all(len(b.articles) <= 12 for b in bundles)
    flat = [a for b in bundles for a in b.articles]
    assert sorted(map(id, flat)) == sorted(map(id, articles))
    keys = [a.sort_key for a in flat if a.date]
    assert keys == sorted(keys, reverse=True)  # bundle order is date order


# ---------------------------------------------------------------- Pagefind's files


def test_cbor_round_trips() -> None:
    value = ["1.5.2", [["und_1", 626], ["und_2", 0]], CborMap([("a", [1, -3, b"x", None, True])]), 70000]
    decoded, end = cbor_decode(cbor_encode(value))
    assert end == len(cbor_encode(value))
    assert cbor_encode(decoded) == cbor_encode(value)


def test_classic_loader_rewrites_the_module() -> None:
    module = "let a=import.meta.url;async function search(){return fetch(a)};var x=1;export{search,x};"
    classic = classic_loader(module)
    assert "export" not in classic and "import.meta" not in classic
    assert "window.akhbarPagefind = { search, x };" in classic
    with pytest.raises(SearchError):
        classic_loader("import x from './y.js'; export{x};")


def test_file_twins_cover_every_data_file_and_fragments_share_packs() -> None:
    assert [name for name, _ in file_twins("index/und_1.pf_index", b"\x1f\x8b")] == ["index/und_1.pf_index.js"]
    assert [name for name, _ in file_twins("pagefind-entry.json", b"{}")] == ["pagefind-entry.json.js"]
    assert list(file_twins("fragment/und_1.pf_fragment", b"\x1f\x8b")) == []  # packed instead
    assert list(file_twins("pagefind-worker.js", b"")) == []
    assert pack_of("fragment/und_a3f09c1.pf_fragment") == pack_of("fragment/und_a3bb.pf_fragment") == \
        "fragment/pack-a3.js"
    assert pack_of("fragment/und_a4f09c1.pf_fragment") == "fragment/pack-a4.js"
    assert pack_of("index/und_a3f09c1.pf_index") is None and pack_of("und_a3.pf_fragment") is None
    script = pack_script([("fragment/und_a3b.pf_fragment", gzip.compress(b"pagefind_dcd{b}")),
                          ("fragment/und_a3a.pf_fragment", gzip.compress(b"pagefind_dcd{aa}"))])
    assert unpack(script) == {"und_a3a.pf_fragment": b"pagefind_dcd{aa}", "und_a3b.pf_fragment": b"pagefind_dcd{b}"}
    assert script.startswith('__akhbarPagefindPack("') and script.endswith(
        '",\n[["und_a3a.pf_fragment",16],["und_a3b.pf_fragment",15]]);\n')


def unpack(script: str) -> dict[str, bytes]:
    """A fragment pack's files: its gzip of them all, split by the lengths it lists (as search.js does)."""
    match = re.fullmatch(r'__akhbarPagefindPack\("([A-Za-z0-9+/=]*)",\n(\[.*\])\);\n', script, re.S)
    assert match, script[:200]
    data, files, at = gzip.decompress(base64.b64decode(match.group(1))), {}, 0
    for name, length in json.loads(match.group(2)):
        files[name], at = data[at:at + length], at + length
    assert at == len(data)
    return files


# ---------------------------------------------------------------- whole builds


def fragments(bundle: Path) -> list[dict]:
    return [json.loads(gzip.decompress(p.read_bytes())[12:]) for p in sorted((bundle / "fragment").glob("*.pf_fragment"))]


@pytest.fixture
def built(make_site, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    pipeline.build(pipeline.load(make_site(ARTICLES)), out)
    return out


def test_build_writes_the_bundle_the_twins_and_the_search_page(built: Path) -> None:
    bundle = built / "pagefind"
    for name in ("pagefind.js", "pagefind-worker.js", "pagefind-entry.json", "pagefind-entry.json.js",
                 "pagefind-file.js", "wasm.unknown.pagefind", "wasm.unknown.pagefind.js"):
        assert (bundle / name).is_file(), name
    data = [p for p in bundle.rglob("*") if p.suffix in (".pf_index", ".pf_filter", ".pf_meta")]
    assert data and all(Path(f"{p}.js").is_file() for p in data)
    packs = {}
    for fragment in (bundle / "fragment").glob("*.pf_fragment"):
        pack = bundle / (pack_of(f"fragment/{fragment.name}") or "")
        files = packs.setdefault(pack, unpack(pack.read_text()))
        assert files[fragment.name] == gzip.decompress(fragment.read_bytes())
    assert packs and sorted(packs) == sorted((bundle / "fragment").glob("pack-*.js"))
    assert not list(bundle.rglob("*.pf_fragment.js"))
    assert not list(bundle.glob("pagefind-ui.*")) and not list(bundle.glob("pagefind-component-ui.*"))
    entry = json.loads((bundle / "pagefind-entry.json").read_text())
    assert entry["version"] == "1.5.2" and entry["languages"]["und"]["page_count"] == 3
    page = (built / "search/index.html").read_text()
    assert 'data-bundles="pagefind/"' in page and 'name="q"' in page and '<label for="search-q">' in page


def test_only_articles_are_indexed_and_positions_match_the_original_words(built: Path, make_site) -> None:
    found = fragments(built / "pagefind")
    assert sorted(f["url"] for f in found) == ["/articles/gov/index.html", "/articles/old/index.html",
                                              "/articles/undated/index.html"]
    script = (built / "pagefind" / search.RULES_FILE).read_text(encoding="utf-8")
    rules = matching.Rules.from_json(json.loads(script[script.index("(") + 1:script.rindex(")")]))
    # what Pagefind indexed (its locations count these words): each article's index source
    articles = {"/" + a.url: a for a in pipeline.load(make_site(ARTICLES)).articles}
    for fragment in found:
        # akhbar shows the original words kept in the metadata: Pagefind's copy of the indexed text is dropped
        assert fragment["content"] == "" and fragment["word_count"] > 0
        units = [search.reveal_words(u) for u in fragment["meta"]["text"].split(" ")]
        source = search.index_source(articles[fragment["url"]], "", None, rules)
        indexed = re.search(r"<h1>(.*?)</h1>\n<p>(.*?)</p>", source, re.S)
        assert indexed is not None
        tokens = html.unescape(f"{indexed.group(1)} {indexed.group(2)}").split(" ")
        assert len(tokens) == len(units)
        title = int(fragment["meta"]["tn"])
        expected = matching.index_tokens(units[:title], rules) + matching.index_tokens(units[title:], rules)
        assert [t.rstrip(".") for t in tokens] == expected


def test_each_bundle_carries_its_variant_table_and_suggestion_words(built: Path) -> None:
    bundle = built / "pagefind"
    rules = (bundle / search.RULES_FILE).read_text(encoding="utf-8")
    words = (bundle / search.WORDS_FILE).read_text(encoding="utf-8")
    assert rules.startswith("window.__akhbarSearchRules({") and '"groups"' in rules
    assert words.startswith("window.__akhbarSearchWords([")


def test_every_page_offers_the_search_box(built: Path) -> None:
    for rel in ("index.html", "articles/gov/index.html", "archive/index.html", "404.html"):
        page = (built / rel).read_text()
        assert 'class="site-search"' in page and 'for="site-search-q"' in page, rel


def test_filters_and_sort_values_are_indexed(built: Path) -> None:
    bundle = built / "pagefind"
    meta = read_data(next(bundle.glob("*.pf_meta")))
    assert [name for name, _ in meta[3]] == ["place", "section", "source", "year"]
    years = read_data(next(p for p in (bundle / "filter").glob("*.pf_filter") if read_data(p)[0] == "year"))
    assert [value for value, _pages in years[1]] == ["2017", "2018"]


def test_search_false_builds_no_index_and_no_search_box(make_site, tmp_path: Path) -> None:
    root = make_site({**ARTICLES, "site.yaml": "title: ت\nbase_url: https://example.org/\nsearch: false\n"})
    out = tmp_path / "out"
    pipeline.build(pipeline.load(root), out)
    assert not (out / "pagefind").exists() and not (out / "search").exists()
    assert "site-search" not in (out / "index.html").read_text()


def test_server_only_sites_get_no_disk_twins(make_site, tmp_path: Path) -> None:
    root = make_site({**ARTICLES, "site.yaml": "title: ت\nbase_url: https://example.org/\nindex_links: false\n"})
    out = tmp_path / "out"
    pipeline.build(pipeline.load(root), out)
    assert (out / "pagefind/pagefind.js").is_file()
    assert sorted(p.name for p in (out / "pagefind").rglob("*.js")) == [search.RULES_FILE, search.WORDS_FILE,
                                                                     "pagefind-worker.js", "pagefind.js"]
    assert not (out / "pagefind/pagefind-file.js").exists()


def test_a_failed_index_leaves_the_previous_site(make_site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_site(ARTICLES)
    out = tmp_path / "out"
    pipeline.build(pipeline.load(root), out)
    before = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))

    def broken(source: Path, bundle: Path, started: object = None) -> None:
        raise SearchError("Pagefind failed to index the site (simulated)")

    monkeypatch.setattr(search, "run_pagefind", broken)
    with pytest.raises(SearchError):  # a clean build: an incremental one would reuse the index
        pipeline.build(pipeline.load(root), out, incremental_build=False)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == before
    assert not list(tmp_path.glob(".out.staging-*"))


def test_pagefind_failure_is_reported_for_the_editor(tmp_path: Path) -> None:
    with pytest.raises(SearchError, match="pagefind"):
        search.run_pagefind(tmp_path / "missing", tmp_path / "bundle")


def test_split_archives_build_one_bundle_per_run_of_dates(make_site, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "SPLIT_ABOVE", 2)
    out = tmp_path / "out"
    pipeline.build(pipeline.load(make_site(ARTICLES)), out)
    assert (out / "pagefind/pagefind-entry.json").is_file() and (out / "pagefind-2/pagefind-entry.json").is_file()
    assert 'data-bundles="pagefind/ pagefind-2/"' in (out / "search/index.html").read_text()
    urls = [f["url"] for b in ("pagefind", "pagefind-2") for f in fragments(out / b)]
    assert sorted(urls) == ["/articles/gov/index.html", "/articles/old/index.html", "/articles/undated/index.html"]


def test_the_disk_loader_is_valid_javascript(built: Path) -> None:
    node = tools.require("node", "node is missing: install Node.js (scripts/setup-system.sh)")
    for name in ("pagefind/pagefind-file.js", "assets/js/search.js", "assets/js/search-page.js",
                 "assets/js/search-normalise.js", "pagefind/pagefind-entry.json.js"):
        done = subprocess.run([node, "--check", str(built / name)], capture_output=True, text=True)
        assert done.returncode == 0, (name, done.stderr)


def test_scratch_folders_of_killed_builds_are_swept(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    for name in (f"akhbar-search-{dead.pid}-abc", f"akhbar-search-{os.getppid()}-live", f"akhbar-search-{os.getpid()}-mine",
                 "akhbar-search-oldstyle", "other"):
        (tmp_path / name / "site-0").mkdir(parents=True)
    assert search.sweep_scratch(str(tmp_path)) == [f"akhbar-search-{dead.pid}-abc"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f"akhbar-search-{os.getppid()}-live", f"akhbar-search-{os.getpid()}-mine", "akhbar-search-oldstyle", "other"])
    assert search.sweep_scratch(str(tmp_path / "missing")) == []


def test_index_sources_go_to_memory_only_with_room_to_spare(tmp_path: Path) -> None:
    free = os.statvfs(tmp_path).f_bavail * os.statvfs(tmp_path).f_frsize
    assert search.scratch_folder(free // 8, tmp_path) == str(tmp_path)
    assert search.scratch_folder(free // 2, tmp_path) is None
    assert search.scratch_folder(1, tmp_path / "missing") is None


def test_index_sources_are_created_in_the_articles_order_whatever_the_workers(
        make_site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pagefind numbers pages in the order it lists them, which in tmpfs is creation order."""
    memory = search.scratch_folder(1)
    if memory is None:
        pytest.skip("no tmpfs with room here (on other file systems the listing order is fixed)")
    files = {f"content/a{i:02d}.md": f"---\ntitle: خبر رقم {i}\ndate: 2018-01-{1 + i % 28:02d}\n---\nنص الخبر {i}.\n"
             for i in range(60)}
    site = pipeline.load(make_site({**files, "site.yaml": "title: ت\nbase_url: https://example.org/\n"}))
    renderer = Renderer(site.settings, site.root)
    real = search.index_source

    def jittery(*args: Any) -> str:  # workers finish their shares in a different order each time
        time.sleep(random.random() / 200)
        return real(*args)

    monkeypatch.setattr(search, "index_source", jittery)
    monkeypatch.setattr(workers, "PARALLEL_FROM", 2)
    orders = []
    with tempfile.TemporaryDirectory(dir=memory) as scratch:
        for run in range(3):
            source = Path(scratch) / str(run)
            search.write_sources(site.articles, renderer, None, source, parallel=run > 0)
            orders.append(os.listdir(source / "articles"))
    assert len(orders[0]) == 60 and orders[0] == orders[1] == orders[2]
