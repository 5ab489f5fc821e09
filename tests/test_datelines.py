"""Datelines as scraped news writes them. Expected values are written by hand from reading each line
(who is a place, an agency or outlet, a reporter), not derived from the rules in akhbar/datelines.py."""

from __future__ import annotations

import pytest

from akhbar.content import parse_article
from akhbar.datelines import Dateline, is_outlet, leading_dateline, read_dateline
from akhbar.problems import Problems


def read(line: str) -> tuple[str, str, str] | None:
    found = read_dateline(line)
    return None if found is None else (found.place, found.source, found.author)


@pytest.mark.parametrize(
    ("line", "place", "source"),
    [
        ("موسكو-سانا", "موسكو", "سانا"),  # the seed article: no spaces round the dash
        ("برلين - د ب أ", "برلين", "د ب أ"),
        ("واشنطن – أ ف ب", "واشنطن", "أ ف ب"),  # en dash
        ("لندن - فرانس برس", "لندن", "فرانس برس"),
        ("باريس - رويرتز", "باريس", "رويرتز"),  # the outlet's own misspelling of رويترز
        ("نيويورك - أسوشيتدبرس", "نيويورك", "أسوشيتدبرس"),
        ("طوكيو - واس", "طوكيو", "واس"),
        ("بيونغ تشانغ - د ب أ", "بيونغ تشانغ", "د ب أ"),  # a place of two words
        ("علي آغا (تركيا) - رويترز", "علي آغا", "رويترز"),  # a town that looks like a man's name
        ("سوتشي (روسيا) - فرانس برس", "سوتشي", "فرانس برس"),
        ("رام الله (الضفة الغربية) - رويترز", "رام الله", "رويترز"),
        ("موسكـو - سانا", "موسكـو", "سانا"),  # a tatweel inside a word is not a dash
    ],
)
def test_place_and_agency(line: str, place: str, source: str) -> None:
    assert read(line) == (place, source, "")


@pytest.mark.parametrize(
    ("line", "place", "source"),
    [
        ("دبي ـ العربية.نت", "دبي", "العربية.نت"),  # a tatweel with spaces is a dash
        ("دبي - العربية نت", "دبي", "العربية نت"),
        ("أبوظبي - سكاي نيوز عربية", "أبوظبي", "سكاي نيوز عربية"),
        ("دبي - قناة العربية", "دبي", "قناة العربية"),
        ("دبي ـ البوابة العربية للأخبار التقنية", "دبي", "البوابة العربية للأخبار التقنية"),
        ("القاهرة – العربية.نت", "القاهرة", "العربية.نت"),
        ("واشنطن - العربية.نت ، وكالات", "واشنطن", "العربية.نت"),  # the outlet, then "agencies"
        ("الرياض - Arabnews.com", "الرياض", "Arabnews.com"),
        ("عمّان - CNN", "عمّان", "CNN"),
    ],
)
def test_place_and_outlet(line: str, place: str, source: str) -> None:
    assert read(line) == (place, source, "")


@pytest.mark.parametrize(
    ("line", "source", "author"),
    [
        ("العربية.نت - إسلام سيف", "العربية.نت", "إسلام سيف"),  # the example: the outlet is no place
        ("العربية.نت ـ عماد البليك", "العربية.نت", "عماد البليك"),
        ("العربية.نت – جمال نازي", "العربية.نت", "جمال نازي"),
        ("العربية.نت - وكالات", "العربية.نت", ""),  # agencies, not a person
    ],
)
def test_outlet_and_reporter(line: str, source: str, author: str) -> None:
    assert read(line) == ("", source, author)


@pytest.mark.parametrize(
    ("line", "place", "author"),
    [
        ("القاهرة - أحمد الريدي", "القاهرة", "أحمد الريدي"),
        ("اليمن ـ إسلام سيف", "اليمن", "إسلام سيف"),
        ("الخرطوم - عبدالعزيز إبراهيم محمد", "الخرطوم", "عبدالعزيز إبراهيم محمد"),
        ("عمان - غسان أبو لوز", "عمان", "غسان أبو لوز"),
        ("دبي - نور عمَاشة", "دبي", "نور عمَاشة"),
        ("الحدود السعودية اليمنية - هاني الصفيان", "الحدود السعودية اليمنية", "هاني الصفيان"),
        ("هاني الصفيان - اليمن", "اليمن", "هاني الصفيان"),  # reporter first
    ],
)
def test_place_and_reporter(line: str, place: str, author: str) -> None:
    assert read(line) == (place, "", author)


@pytest.mark.parametrize(
    ("text", "dateline", "place", "source"),
    [
        ("لندن (رويترز)", "لندن (رويترز)", "لندن", "رويترز"),
        ("بيروت (أ ف ب)", "بيروت (أ ف ب)", "بيروت", "أ ف ب"),
    ],
)
def test_place_and_agency_in_brackets_on_a_line(text: str, dateline: str, place: str, source: str) -> None:
    assert read_dateline(text) == Dateline(dateline, place, source)


@pytest.mark.parametrize(
    ("paragraph", "dateline", "place", "source"),
    [
        ("دبي، الإمارات العربية المتحدة (CNN)-- وقع ولي العهد السعودي اتفاقاً.",
         "دبي، الإمارات العربية المتحدة (CNN)", "دبي", "CNN"),
        ("واشنطن، الولايات المتحدة الأمريكية (CNN) -- وجّه الرئيس الأمريكي رسالة.",
         "واشنطن، الولايات المتحدة الأمريكية (CNN)", "واشنطن", "CNN"),
        ("تركيا (CNN)— قال مسؤول تركي إن الحدود مغلقة.", "تركيا (CNN)", "تركيا", "CNN"),
        ("(CNN)-- أعلن الرئيس الأميركي انسحاب بلاده.", "(CNN)", "", "CNN"),
        ("لندن (رويترز) - قالت الشركة إن أرباحها ارتفعت.", "لندن (رويترز)", "لندن", "رويترز"),
    ],
)
def test_dateline_opening_a_paragraph(paragraph: str, dateline: str, place: str, source: str) -> None:
    assert leading_dateline(paragraph) == Dateline(dateline, place, source)


@pytest.mark.parametrize(
    "line",
    [
        "رام الله - أحمد علي",  # a two-word place or a person? either side could be either
        "موسكو - نوفيكوف",  # one word each: a place and a surname, or a surname and a place
        "كوريا الشمالية - الولايات المتحدة",  # two places (a sub-headline after the headline)
    ],
)
def test_ambiguous_datelines_go_into_no_taxonomy(line: str) -> None:
    assert read_dateline(line) == Dateline(line)


@pytest.mark.parametrize(
    "line",
    [
        "هذه فقرة طويلة - فيها شرطة لكنها تنتهي بنقطة.",
        "فاز الأهلي المصري على مضيفه الفجيرة 4 - 1 في المباراة الودية التي جرت مساء أمس الأحد",
        "أرسل القمر الصناعي GOES-17 أول بيانات تصور مخطط صواعق البرق على الأرض",
        "عنوان فرعي بلا شرطة",
    ],
)
def test_lines_that_are_not_datelines(line: str) -> None:
    assert read_dateline(line) is None


@pytest.mark.parametrize(
    "paragraph",
    [
        "أعلنت وزارة الدفاع (البنتاغون) - أمس - أنها سترسل قوات.",  # brackets, but no outlet
        "قال مصدر إن الاتفاق (المبدئي) جاهز.",
    ],
)
def test_paragraphs_without_a_dateline(paragraph: str) -> None:
    assert leading_dateline(paragraph) is None


def parse(text: str):  # type: ignore[no-untyped-def]
    problems = Problems()
    article = parse_article("content/a.txt", text.encode(), problems)
    assert not problems.errors, problems.errors
    return article


def test_outlet_and_reporter_fill_source_and_author_not_place() -> None:
    article = parse("عنوان الخبر\n\nالعربية.نت - إسلام سيف\n\nنص الخبر.\n")
    assert (article.place, article.source, article.authors) == ("", "العربية.نت", ("إسلام سيف",))
    assert article.dateline == "العربية.نت - إسلام سيف" and article.dateline_read
    assert "إسلام سيف" not in article.body_html  # the dateline is not a paragraph


def test_front_matter_wins_over_the_dateline() -> None:
    article = parse("---\nplace: صنعاء\nauthor: محرر الموقع\n---\nعنوان الخبر\n\nاليمن ـ إسلام سيف\n\nنص الخبر.\n")
    assert (article.place, article.authors) == ("صنعاء", ("محرر الموقع",))


def test_an_ambiguous_dateline_is_kept_as_text_only() -> None:
    article = parse("عنوان الخبر\n\nرام الله - أحمد علي\n\nنص الخبر.\n")
    assert (article.place, article.source, article.authors) == ("", "", ())
    assert article.dateline == "رام الله - أحمد علي" and not article.dateline_read
    assert "<h2>" not in article.body_html  # not taken for a sub-headline either


def test_a_dateline_opening_the_first_paragraph_stays_in_it() -> None:
    article = parse("عنوان الخبر\n\nدبي، الإمارات العربية المتحدة (CNN)-- قال مسؤول إن المحادثات انتهت.\n\nفقرة ثانية.\n")
    assert (article.place, article.source) == ("دبي", "CNN")
    assert article.dateline == ""  # not a line of its own: links and teasers read the paragraph as written
    assert article.body_html.startswith('<p id="p1">دبي، الإمارات العربية المتحدة (CNN)-- قال')


def test_sample_2k_dateline_lines_are_read_and_none_files_an_outlet_as_a_person() -> None:
    """Every dateline the manifest records is taken from its article; report how many were classified."""
    from tests.conftest import sample_2k_manifest
    from tests.tools import require_shared

    corpus = require_shared("the sample-2k corpus") / "corpus" / "sample-2k"
    rows = [r for r in sample_2k_manifest().values() if r["dateline"]]
    classified = 0
    for row in rows:
        problems = Problems()
        article = parse_article(f"content/{row['id']}.txt", (corpus / f"{row['id']}.txt").read_bytes(), problems)
        assert article is not None and article.dateline == row["dateline"], row["id"]
        classified += article.dateline_read
        assert not any(is_outlet(name) for name in article.authors), (row["id"], article.authors)
        assert not is_outlet(article.place), (row["id"], article.place)
    share = classified / len(rows)
    print(f"\nsample-2k: {classified} of {len(rows)} dateline lines classified ({share:.1%})")
    assert len(rows) == 1198 and share >= 0.95
