"""The two article forms, front matter, dates, slugs and encodings."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from akhbar.content import check_slug, parse_article, parse_date
from akhbar.problems import Problems
from tests.tools import REPO_ROOT

SEED = REPO_ROOT / "tests" / "data" / "000_2d05afcdf4556ed0.txt"


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


def test_each_see_also_item_keeps_its_own_line() -> None:
    text = """---
title: عنوان
see_also:
  - أول
  -   ثان
  - title: ثالث
    teaser: "نص…"
  # a comment line between items

  - رابع
tags: [أ, ب]
---
نص.
"""
    article, problems = parse("content/x.md", text)
    assert not problems.items
    assert [(e.text, e.line) for e in article.see_also] == [("أول", 4), ("ثان", 5), ("ثالث", 6), ("رابع", 10)]
    flow, _ = parse("content/y.md", "---\ntitle: ع\nsee_also: [أول, ثان]\n---\nنص.\n")
    assert [e.line for e in flow.see_also] == [3, 3]
    single, _ = parse("content/z.md", "---\ntitle: ع\nsee_also: أول\n---\nنص.\n")
    assert [e.line for e in single.see_also] == [3]


def test_a_bad_see_also_item_is_reported_at_its_line() -> None:
    _, problems = parse("content/x.md", "---\ntitle: ع\nsee_also:\n  - أول\n  - [1, 2]\n---\nنص.\n")
    [error] = problems.errors
    assert (error.line, error.message) == (5, "every see_also item must be a headline, a slug or an address")


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


# ---------------------------------------------------------------- newsroom keys: author, image*, updated


def front(lines: str, body: str = "نص الخبر.\n") -> str:
    return f"---\ntitle: عنوان\ndate: 2018-03-01\n{lines}---\n{body}"


def messages(problems: Problems) -> list[str]:
    return [p.format() for p in problems.errors]


@pytest.mark.parametrize(
    ("value", "authors"),
    [
        ("أحمد الريدي", ("أحمد الريدي",)),
        ("أحمد الريدي، فيصل الحربي", ("أحمد الريدي", "فيصل الحربي")),
        ("[أحمد الريدي, فيصل الحربي, أحمد الريدي]", ("أحمد الريدي", "فيصل الحربي")),
        ('"<b>محرر</b>"', ("<b>محرر</b>",)),  # text; escaped wherever it is shown
        ('""', ()),
    ],
)
def test_author_is_a_name_or_a_list_of_names(value: str, authors: tuple[str, ...]) -> None:
    article, problems = parse("content/a.md", front(f"author: {value}\n"))
    assert not problems.items
    assert article.authors == authors


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("{name: أحمد}", "content/a.md:4: error: 'author' must be a name or a list of names "
                        "(such as author: أحمد الريدي, or author: [أحمد الريدي, فيصل الحربي])"),
        ("[أحمد, {name: فيصل}]", "content/a.md:4: error: every item of 'author' must be text"),
        ("x" * 101, "content/a.md:4: error: the author's name is 101 characters long; names are at most 100 "
                    "(put one name per item, such as author: [أحمد الريدي, فيصل الحربي])"),
    ],
)
def test_bad_author_values_are_errors_at_their_line(value: str, message: str) -> None:
    article, problems = parse("content/a.md", front(f"author: {value}\n"))
    assert article is None
    assert messages(problems) == [message]


@pytest.mark.parametrize(
    ("value", "src"),
    [
        ("photo.jpg", "photo.jpg"),
        ("../images/photo.jpg", "../images/photo.jpg"),
        ("/images/photo.jpg", "/images/photo.jpg"),
        ("https://images.example.org/2018/photo.jpg", "https://images.example.org/2018/photo.jpg"),
    ],
)
def test_image_is_a_file_path_or_an_https_address(value: str, src: str) -> None:
    article, problems = parse("content/a.md", front(f"image: {value}\nimage_alt: وصف\nimage_caption: تعليق\n"
                                                    "image_credit: رويترز\n"))
    assert not problems.items
    assert article.image is not None and (article.image.src, article.image.line) == (src, 4)
    assert (article.image_alt, article.image_caption, article.image_credit) == ("وصف", "تعليق", "رويترز")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("http://example.org/photo.jpg", "the image 'http://example.org/photo.jpg' is an http:// address; pages do "
         "not load insecure images (use its https:// address, or save the image beside the article and give its "
         "file name)"),
        ("javascript:alert(1)", "the image address starts with 'javascript:'; javascript: images are refused (save "
         "the image as a file beside the article and give its file name, or give an https:// address)"),
        ('"data:image/png;base64,iVBORw0KGgo="', "the image address starts with 'data:'; data: images are refused "
         "(save the image as a file beside the article and give its file name, or give an https:// address)"),
        ("//cdn.example.org/photo.jpg", "the image '//cdn.example.org/photo.jpg' has no https: in front (write "
         "https://cdn.example.org/photo.jpg, or give the file's path inside content/)"),
        ('"images\\\\photo.jpg"', "the image path 'images\\photo.jpg' is written the Windows way (use '/' between "
         "folders, relative to the article or to content/ (such as /images/photo.jpg))"),
        ('"https://exa mple.org/x.jpg"', "'https://exa mple.org/x.jpg' is not a web address (write it like "
         "https://www.example.com/photo.jpg)"),
        ("[a.jpg, b.jpg]", "'image' must be text, not a list or mapping (write the text after the key, in quotes "
         "if it starts with '[', '{' or '-')"),
    ],
)
def test_bad_image_values_are_errors_at_their_line(value: str, message: str) -> None:
    article, problems = parse("content/a.md", front(f"image: {value}\n"))
    assert article is None
    assert messages(problems) == [f"content/a.md:4: error: {message}"]


@pytest.mark.parametrize("key", ["image_alt", "image_caption", "image_credit"])
def test_image_text_keys_need_an_image_and_must_be_text(key: str) -> None:
    article, problems = parse("content/a.md", front(f"{key}: نص\n"))
    assert article is None
    assert messages(problems) == [f"content/a.md:4: error: '{key}' is given but the article has no 'image:' "
                                  "(add image: with the picture's file name, or remove this line)"]
    article, problems = parse("content/a.md", front(f"image: a.jpg\n{key}: [نص, آخر]\n"))
    assert article is None
    assert messages(problems) == [f"content/a.md:5: error: '{key}' must be text, not a list or mapping (write the "
                                  "text after the key, in quotes if it starts with '[', '{' or '-')"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2018-03-02", date(2018, 3, 2)),
        ("٢٠١٨-٠٣-٠٢", date(2018, 3, 2)),
        ("2018-03-02T09:15", datetime(2018, 3, 2, 9, 15)),
        ("2018-03-02T09:15:00+03:00", datetime(2018, 3, 2, 9, 15, tzinfo=timezone(timedelta(hours=3)))),
        ("2018-03-01T00:00:00Z", datetime(2018, 3, 1, tzinfo=UTC)),  # the same day as the date: not before it
    ],
)
def test_updated_takes_the_forms_of_date(value: str, expected: date) -> None:
    article, problems = parse("content/a.md", front(f"updated: '{value}'\n"))
    assert not problems.items
    assert article.updated == expected


def test_an_update_dated_by_its_day_alone_may_fall_on_the_publication_day() -> None:
    text = "---\ntitle: عنوان\ndate: 2018-03-05T10:00:00+03:00\nupdated: 2018-03-05\n---\nنص.\n"
    article, problems = parse("content/a.md", text)
    assert not problems.items and article.updated == date(2018, 3, 5)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("أمس", "'أمس' is not a date; write it like 2017-09-17 or 2017-09-17T14:30:00"),
        ("2018-02-30", "2018-02-30 is not a real date (check the month, day and time)"),
        ("[2018, 3, 2]", "updated must look like 2017-09-17 or 2017-09-17T14:30:00"),
        ("2018-02-27", "the article was updated (2018-02-27) before it was published (2018-03-01) "
         "(check both dates; 'updated' is the later one)"),
    ],
)
def test_bad_updated_values_are_errors_at_their_line(value: str, message: str) -> None:
    article, problems = parse("content/a.md", front(f"updated: {value}\n"))
    assert article is None
    assert messages(problems) == [f"content/a.md:4: error: {message}"]


@pytest.mark.parametrize(("typo", "key"), [("autor", "author"), ("image_captoin", "image_caption"),
                                           ("imge", "image"), ("updaed", "updated"), ("image_credits", "image_credit")])
def test_misspelt_newsroom_keys_get_a_suggestion(typo: str, key: str) -> None:
    article, problems = parse("content/a.md", front(f"{typo}: x\n"))
    assert messages(problems) == [f"content/a.md:4: error: unknown front-matter key '{typo}' (did you mean '{key}'?)"]


def test_markdown_images_are_noted_with_their_lines_and_left_as_placeholders() -> None:
    body = "فقرة أولى\nتمتد على سطرين ![خريطة *المنطقة*](maps/area.png \"العنوان\").\n\n![](/images/x.jpg)\n"
    article, problems = parse("content/a.md", front("", body))
    assert not problems.items
    assert [(i.src, i.line, i.alt, i.title, i.block) for i in article.images] == [
        ("maps/area.png", 6, "خريطة المنطقة", "العنوان", 1), ("/images/x.jpg", 8, "", "", 2)]
    assert '<img data-image="0">' in article.body_html and '<img data-image="1">' in article.body_html
    assert "src=" not in article.body_html


@pytest.mark.parametrize(
    ("src", "message"),
    [
        ("http://example.org/a.png", "the image 'http://example.org/a.png' is an http:// address; pages do not "
         "load insecure images (use its https:// address, or save the image beside the article and give its file "
         "name)"),
        ("data:image/png;base64,iVBORw0KGgo=", "the image address starts with 'data:'; data: images are refused "
         "(save the image as a file beside the article and give its file name, or give an https:// address)"),
    ],
)
def test_markdown_images_with_refused_addresses_are_errors_at_their_line(src: str, message: str) -> None:
    article, problems = parse("content/a.md", front("", f"فقرة.\n\nنص ![صورة]({src}) نص.\n"))
    assert article is None
    assert messages(problems) == [f"content/a.md:7: error: {message}"]


def test_a_javascript_image_in_markdown_is_never_made() -> None:
    article, problems = parse("content/a.md", front("", "![x](javascript:alert(1))\n"))
    assert not problems.items and not article.images
    assert "<img" not in article.body_html
