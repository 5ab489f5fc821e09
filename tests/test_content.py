"""The two article forms, front matter, dates, slugs and encodings."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from akhbar.content import check_slug, parse_article, parse_date, parse_dateline
from akhbar.problems import Problems
from tests.tools import REPO_ROOT

SEED = REPO_ROOT / "content" / "000_2d05afcdf4556ed0.txt"


def parse(path: str, text: str | bytes):
    problems = Problems()
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse_article(path, data, problems), problems


def test_seed_article_is_parsed_into_its_parts() -> None:
    article, problems = parse("content/000_2d05afcdf4556ed0.txt", SEED.read_bytes())
    assert not problems.errors
    assert article.title.startswith("الدفاع الروسية: الطيران الحربي يضرب أهدافا محددة")
    assert article.title.endswith("الوضع بمناطق تخفيف التوتر مستقر")
    assert (article.place, article.source, article.dateline) == ("موسكو", "سانا", "موسكو-سانا")
    assert article.body_html.count("<h2>") == 2
    assert "<h2>الوضع بمناطق تخفيف التوتر في سورية مستقر</h2>" in article.body_html
    assert article.body_html.count("<p id=") == 16
    assert article.lead.startswith("أكدت وزارة الدفاع الروسية")
    assert "انظر ايضاً" not in article.body_html and "مسيرة أوكرانية" not in article.body_html
    [entry] = article.see_also
    assert entry.text == "الدفاع الروسية: إسقاط أكثر من 100 مسيرة أوكرانية"
    assert entry.teaser.startswith("موسكو-سانا أعلنت") and entry.teaser.endswith("…")
    assert entry.line == 43
    assert article.date is None


def test_text_article_with_front_matter_keeps_line_numbers() -> None:
    text = "---\ndate: 2018-02-27\nsection: culture\n---\nعنوان الخبر\n\nدبي ـ العربية.نت\n\nفقرة أولى.\n\nانظر ايضاً\n\nخبر آخر\n"
    article, problems = parse("content/a.txt", text)
    assert not problems.items
    assert article.title == "عنوان الخبر"
    assert (article.place, article.source) == ("دبي", "العربية.نت")
    assert article.date == date(2018, 2, 27) and article.section == "culture"
    assert article.see_also[0].line == 13
    assert article.lines["section"] == 3


def test_markdown_article_renders_with_raw_html_off() -> None:
    text = """---
title: "<script>alert(1)</script> عنوان"
date: 2018-03-01T10:30:00+03:00
tags: [سياسة, اقتصاد]
see_also:
  - عنوان آخر
  - {title: ثالث, teaser: "نص…"}
---
# عنوان فرعي

فقرة فيها <b>وسم</b> و[رابط](javascript:alert(1)).

## قسم
"""
    article, problems = parse("content/x.md", text)
    assert not problems.items
    assert article.title == "<script>alert(1)</script> عنوان"  # text; escaped when rendered
    assert article.date == datetime(2018, 3, 1, 10, 30, tzinfo=timezone(timedelta(hours=3)))
    assert article.tags == ("سياسة", "اقتصاد")
    assert [e.text for e in article.see_also] == ["عنوان آخر", "ثالث"]
    assert "&lt;b&gt;" in article.body_html and "<b>" not in article.body_html
    assert "href" not in article.body_html  # markdown-it refuses javascript: links
    assert "<h2>عنوان فرعي</h2>" in article.body_html  # body headings move one level down
    assert "<h3>قسم</h3>" in article.body_html
    assert '<p id="p1">' in article.body_html


def test_markdown_title_may_come_from_first_heading() -> None:
    article, problems = parse("content/x.md", "# العنوان\n\nنص.\n")
    assert article.title == "العنوان"
    assert "<h1>" not in article.body_html and "<h2>العنوان" not in article.body_html


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2017-09-17", date(2017, 9, 17)),
        ("٢٠١٧-٠٩-١٧", date(2017, 9, 17)),
        ("2017-09-17T14:30", datetime(2017, 9, 17, 14, 30)),
        ("2017-09-17 14:30:05", datetime(2017, 9, 17, 14, 30, 5)),
        ("2017-09-17T14:30:00Z", datetime(2017, 9, 17, 14, 30, tzinfo=UTC)),
    ],
)
def test_dates_that_parse(value: str, expected: date) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2017-13-45", "2017-13-45 is not a real date (check the month, day and time)"),
        ("2017-02-30", "2017-02-30 is not a real date (check the month, day and time)"),
        ("أمس", "'أمس' is not a date; write it like 2017-09-17 or 2017-09-17T14:30:00"),
        (20170917, "date must look like 2017-09-17 or 2017-09-17T14:30:00"),
    ],
)
def test_dates_that_do_not_parse_say_why(value: object, message: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_date(value)
    assert str(info.value) == message


@pytest.mark.parametrize("slug", ["moscow-2017", "موسكو-سانا", "AL-culture-101-20180227", "a_b.c"])
def test_safe_slugs(slug: str) -> None:
    assert check_slug(slug) is None


@pytest.mark.parametrize(
    "slug", ["", "..", "../x", "a/b", "a\\b", "a\x00b", "a\u202eb", "a b", ".hidden", "x" * 201, "a?b", "a#b"]
)
def test_unsafe_slugs_are_refused(slug: str) -> None:
    assert check_slug(slug)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("موسكو-سانا", ("موسكو", "سانا")),
        ("دبي ـ العربية.نت", ("دبي", "العربية.نت")),
        ("برلين - د ب أ", ("برلين", "د ب أ")),
        ("أبوظبي - سكاي نيوز عربية", ("أبوظبي", "سكاي نيوز عربية")),
        ("هذه فقرة طويلة - فيها شرطة لكنها تنتهي بنقطة.", None),
    ],
)
def test_datelines(line: str, expected: tuple[str, str] | None) -> None:
    assert parse_dateline(line) == expected


def test_utf8_bom_crlf_and_nfd_are_read_as_text() -> None:
    text = "\ufeffعنوان\r\n\r\nفقرة\u0627\u0653.\r\n"
    article, problems = parse("content/a.txt", text)
    assert not problems.items
    assert article.title == "عنوان"
    assert "فقرةآ." in article.body_html


def test_utf16_file_is_read_with_a_warning() -> None:
    article, problems = parse("content/a.txt", "عنوان\n\nفقرة.\n".encode("utf-16"))
    assert article.title == "عنوان"
    [warning] = problems.warnings
    assert warning.format() == (
        "content/a.txt:1: warning: the file is UTF-16; it was read, but UTF-8 is expected "
        "(convert it with: iconv -f UTF-16 -t UTF-8)")
