"""Counted phrases and the preview overlay, in English and in Arabic (the catalogs: tests/test_i18n.py)."""

from __future__ import annotations

import pytest

from akhbar.i18n import set_language
from akhbar.messages import count
from akhbar.problems import Problem
from akhbar.serve import overlay


@pytest.mark.parametrize("n, said", [(0, "0 warnings"), (1, "1 warning"), (2, "2 warnings"), (21, "21 warnings")])
def test_english_counts_say_one_thing_and_many_things(n: int, said: str) -> None:
    assert count(n, "{n} warning", "{n} warnings") == said


@pytest.mark.parametrize("n, said", [
    (0, "لا أخطاء:"), (1, "خطأ واحد:"), (2, "خطآن:"), (3, "3 أخطاء:"), (10, "10 أخطاء:"),
    (11, "11 خطأً:"), (99, "99 خطأً:"), (100, "100 خطأ:"), (102, "102 خطأ:"), (103, "103 أخطاء:"),
    (111, "111 خطأً:"),
])
def test_arabic_counts_follow_the_six_plural_categories(n: int, said: str) -> None:
    set_language("ar")
    assert count(n, "{n} error:", "{n} errors:") == said


def test_the_preview_overlay_speaks_english_left_to_right() -> None:
    one = overlay([Problem("content/a.md", 3, "bad date")])
    assert one["title"] == "The site could not be built: 1 error"
    assert (one["lang"], one["dir"]) == ("en", "ltr")
    assert one["problems"] == ["content/a.md:3: error: bad date"] and one["where"] == ["content/a.md:3"]
    assert "(s)" not in repr(one) and "more" not in one
    many = overlay([Problem(f"content/{n}.md", 1, "bad") for n in range(32)])
    assert len(many["problems"]) == 30
    assert many["more"] == "… and 2 more in the terminal"


def test_the_preview_overlay_speaks_arabic_right_to_left() -> None:
    set_language("ar")
    one = overlay([Problem("content/a.md", 3, "bad date")])
    assert one["title"] == "تعذّر بناء الموقع: خطأ واحد"
    assert (one["lang"], one["dir"], one["close"]) == ("ar", "rtl", "إغلاق ×")
    assert one["problems"] == ["content/a.md:3: خطأ: bad date"] and one["where"] == ["content/a.md:3"]
    many = overlay([Problem(f"content/{n}.md", 1, "bad") for n in range(32)])
    assert many["title"] == "تعذّر بناء الموقع: 32 خطأً"
    assert len(many["problems"]) == 30
    assert many["more"] == "… وخطآن آخران تجدهما في الطرفية"
    assert overlay([Problem(f"c/{n}.md", 1, "x") for n in range(33)])["more"] == "… و3 أخطاء أخرى تجدها في الطرفية"
