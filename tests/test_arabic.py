"""Arabic normalisation, digits and direction: pure functions on in-memory strings."""

import pytest

from akhbar.arabic import arabic_digits, clean_text, fold, headline_key, language_direction, latin_digits


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("مُوسْكُو", "موسكو"),  # diacritics
        ("موسكـــو", "موسكو"),  # tatweel
        ("أحمد", "احمد"), ("إسرائيل", "اسرائيل"), ("آسيا", "اسيا"),  # hamza forms of alef
        ("مدرسة", "مدرسه"),  # ta marbuta
        ("مستشفى", "مستشفي"),  # alef maqsura
        ("مسؤول", "مسوول"), ("مسئول", "مسيول"),
        ("ﻣﻮﺳﻜﻮ", "موسكو"),  # presentation forms
        ("٢٠١٨", "2018"), ("۲۰۱۸", "2018"),
        ("\u200fموسكو\u200e", "موسكو"),  # direction marks
        ("THE Voice", "the voice"),
    ],
)
def test_fold_makes_spelling_variants_equal(a: str, b: str) -> None:
    assert fold(a) == fold(b)


def test_headline_key_ignores_punctuation_and_spacing() -> None:
    assert headline_key("الدفاع الروسية: الطيران  الحربي (داعش).. الوضع") == headline_key(
        "الدفاع الروسية الطيران الحربي داعش الوضع"
    )


def test_headline_key_keeps_different_words_apart() -> None:
    assert headline_key("روسيا تضرب داعش") != headline_key("روسيا تضرب النصرة")


@pytest.mark.parametrize("text", ["الدِّفاعُ: أهدافٌ", "ﻣﻮﺳﻜﻮ-سانا", "  a  b ", "٢٠١٨ مُسْتَشْفَى"])
def test_normalisation_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)
    assert headline_key(headline_key(text)) == headline_key(text)


def test_digits_round_trip() -> None:
    assert arabic_digits("17 أيلول 2018") == "١٧ أيلول ٢٠١٨"
    assert latin_digits("١٧ أيلول ٢٠١٨") == "17 أيلول 2018"


def test_clean_text_composes_nfd_and_drops_marks() -> None:
    nfd = "\u0627\u0653"  # alef + combining madda: NFC gives آ
    assert clean_text(nfd) == "آ"
    assert clean_text("\u202eabc\u202c") == "abc"


@pytest.mark.parametrize(("tag", "expected"), [("ar", "rtl"), ("ar-SY", "rtl"), ("fa", "rtl"),
                                                ("en", "ltr"), ("fr-FR", "ltr")])
def test_language_direction(tag: str, expected: str) -> None:
    assert language_direction(tag) == expected
