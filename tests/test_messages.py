"""Counted phrases: English and Arabic plural forms."""

from __future__ import annotations

import pytest

from akhbar.messages import count, count_ar
from akhbar.problems import Problem
from akhbar.serve import ERRORS_AR, MORE_AR, overlay


@pytest.mark.parametrize("n, said", [(0, "0 warnings"), (1, "1 warning"), (2, "2 warnings"), (21, "21 warnings")])
def test_english_counts_say_one_thing_and_many_things(n: int, said: str) -> None:
    assert count(n, "{n} warning", "{n} warnings") == said


@pytest.mark.parametrize("n, said", [
    (0, "لا أخطاء"), (1, "خطأ واحد"), (2, "خطآن"), (3, "3 أخطاء"), (10, "10 أخطاء"),
    (11, "11 خطأً"), (99, "99 خطأً"), (100, "100 خطأ"), (102, "102 خطأ"), (103, "103 أخطاء"),
    (111, "111 خطأً"),
])
def test_arabic_counts_follow_the_six_plural_categories(n: int, said: str) -> None:
    assert count_ar(n, ERRORS_AR) == said


def test_a_missing_arabic_category_falls_back_to_other() -> None:
    assert count_ar(0, MORE_AR) == "… و0 خطأ آخر تجدها في الطرفية"


def test_the_preview_overlay_counts_in_both_languages() -> None:
    one = overlay([Problem("content/a.md", 3, "bad date")])
    assert one["title"] == "تعذّر بناء الموقع: خطأ واحد"
    assert one["title_en"] == "The site could not be built: 1 error"
    assert "(s)" not in repr(one) and "more" not in one
    many = overlay([Problem(f"content/{n}.md", 1, "bad") for n in range(32)])
    assert many["title"] == "تعذّر بناء الموقع: 32 خطأً"
    assert len(many["problems"]) == 30
    assert many["more"] == "… وخطآن آخران تجدهما في الطرفية"
    assert many["more_en"] == "… and 2 more in the terminal"
