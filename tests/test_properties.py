"""Property-based tests (Hypothesis) on the parsers, Arabic normalisation and "see also" resolution.

The text strategies mix what archives really contain with what breaks parsers: Arabic letters,
diacritics, tatweel, presentation forms, Arabic-Indic digits, direction marks and overrides,
control characters, YAML's special characters and `---` lines. The properties:
  * no input crashes: a parser either returns a result or reports problems, with real lines;
  * what a parser keeps is clean: NFC, no control characters, no direction overrides;
  * normalisation is idempotent;
  * rendered Markdown never carries active markup, whatever was typed;
  * resolution never links an article to one whose normalised headline differs (unless the
    entry names it by slug or address), never to itself, and backlinks mirror the links.
Example counts are bounded so the whole module runs in well under a minute.
"""

from __future__ import annotations

import tempfile
import unicodedata
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from akhbar import site as pipeline
from akhbar.arabic import CONTROL_CHARS, clean_text, fold, headline_key, latin_digits, search_fold
from akhbar.content import Article, SeeAlso, check_slug, parse_article, parse_date, read_text
from akhbar.links import resolve
from akhbar.problems import Problems, SiteError
from akhbar.yamltext import load_mapping
from tests.test_hostile_input import Page

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ARABIC_LETTERS = [chr(c) for c in range(0x0621, 0x064B)]
DIACRITICS = [chr(c) for c in (*range(0x064B, 0x0660), 0x0670, 0x0610, 0x0615, 0x06D6, 0x06ED)]
PRESENTATION = [chr(c) for c in (0xFE8D, 0xFE8E, 0xFE91, 0xFEE3, 0xFEFB, 0xFEF5, 0xFDF2, 0xFB50, 0xFE80, 0xFEFC)]
BIDI = ["\u200e", "\u200f", "\u061c", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
        "\u2066", "\u2067", "\u2068", "\u2069", "\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad"]
DIGITS = list("0123456789٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹")
YAML_SPECIAL = list(":#-[]{}&*!|>'\"%@`,?\\") + ["---", "...", "\n---\n", ": ", " #", "- "]
CONTROL = [chr(c) for c in (*range(0x00, 0x09), 0x0b, 0x0c, *range(0x0e, 0x20), 0x7f, 0x85, 0xfffe, 0xffff)]
OTHER = list("aAzZéß İ.؟،؛…«»()/") + ["\u0301", "\u0654", "\u2028", "ـ", "ﷺ", "ﻻ", "\r\n", "\t", "<script>", "{{", "}}"]

piece = st.sampled_from(ARABIC_LETTERS + DIACRITICS + PRESENTATION + BIDI + DIGITS + YAML_SPECIAL + CONTROL + OTHER)
hostile_text = st.lists(piece, max_size=40).map("".join) | st.text(max_size=40)
line = hostile_text.map(lambda t: t.replace("\n", " ").replace("\r", " "))


@st.composite
def article_source(draw: st.DrawFn) -> str:
    """An article file as an editor or a scraper might leave it, right or wrong."""
    parts = []
    if draw(st.booleans()):
        keys = draw(st.lists(st.sampled_from(["title", "date", "place", "tags", "slug", "see_also", "summary",
                                              "source_url", "lang", "aliases", "titel", "- x", "? a"]), max_size=6))
        values = draw(st.lists(line | st.sampled_from(["2017-09-17", "٢٠١٧-٠٩-١٧", "2017-13-45", "[a, b]",
                                                       "{title: x}", '"\\0"', "&a [*a]", "|"]),
                               min_size=len(keys), max_size=len(keys)))
        parts.append("---")
        parts += [f"{k}: {v}" for k, v in zip(keys, values, strict=True)]
        if draw(st.booleans()):
            parts.append("---")
    parts += draw(st.lists(line, max_size=8))
    return "\n".join(parts)


# ------------------------------------------------------------------ normalisation


@FAST
@given(hostile_text)
def test_normalisation_is_idempotent(text: str) -> None:
    for normalise in (clean_text, fold, headline_key, latin_digits):
        once = normalise(text)
        assert normalise(once) == once, normalise.__name__


@FAST
@given(st.lists(st.sampled_from(ARABIC_LETTERS + DIACRITICS + PRESENTATION + BIDI + DIGITS + list(" ـ.،")),
                max_size=40).map("".join))
def test_search_normalisation_of_arabic_is_idempotent(text: str) -> None:
    # Latin is left out: 'İ'.lower() is 'i' plus a combining dot, which a second pass drops
    # (search_fold strips marks before lower-casing; its JavaScript twin does the same).
    assert search_fold(search_fold(text)) == search_fold(text)


@FAST
@given(hostile_text)
def test_clean_text_keeps_no_control_or_direction_characters(text: str) -> None:
    cleaned = clean_text(text)
    assert unicodedata.is_normalized("NFC", cleaned)
    assert not CONTROL_CHARS.search(cleaned)
    assert not any(ch in cleaned for ch in BIDI)


@FAST
@given(hostile_text)
def test_headline_key_ignores_what_matching_ignores(text: str) -> None:
    key = headline_key(text)
    assert key == key.strip() and "  " not in key
    assert headline_key(f"\u200f{text}\u200e") == key  # direction marks
    assert headline_key(text.replace("ب", "بـ")) == key  # tatweel
    assert headline_key(text.replace("ب", "بَ")) == key  # a fatha, which composes with nothing
    assert headline_key(text.replace("أ", "ا").replace("ة", "ه")) == key  # spelling variants


# ------------------------------------------------------------------ parsers never crash


@FAST
@given(st.binary(max_size=300) | article_source().map(lambda s: s.encode("utf-8", "surrogatepass")))
def test_reading_any_bytes_gives_clean_text_or_a_problem(data: bytes) -> None:
    problems = Problems()
    text = read_text(data, "content/x.md", problems)
    if text is None:
        assert problems.errors
    else:
        assert not CONTROL_CHARS.search(text) and unicodedata.is_normalized("NFC", text)
        assert "\r" not in text
    assert all(p.line >= 1 for p in problems.items)


@FAST
@given(article_source(), st.sampled_from(["content/a.md", "content/a.txt", "content/ﻻ ب.md", "content/-x.txt"]))
def test_parsing_any_article_returns_it_or_reports_why(source: str, path: str) -> None:
    problems = Problems()
    data = source.encode("utf-8", "surrogatepass")
    article = parse_article(path, data, problems)
    lines = source.count("\n") + 2
    assert all(1 <= p.line <= lines for p in problems.items), [p.format() for p in problems.items]
    assert all("\n" not in p.format() for p in problems.items)
    if article is None:
        assert problems.errors
        return
    assert not problems.errors
    assert article.title and article.title == clean_text(article.title).strip()
    assert check_slug(article.slug) is None
    for text in (article.title, article.place, article.source, article.summary, *article.tags):
        assert not CONTROL_CHARS.search(text) and "\u202e" not in text


@FAST
@given(hostile_text)
def test_yaml_front_matter_never_crashes(text: str) -> None:
    problems = Problems()
    entries = load_mapping(text, "content/x.md", 2, problems, "the front matter")
    assert (entries is None) == bool(problems.errors) or entries is not None
    assert all(p.line >= 2 for p in problems.items)


@FAST
@given(st.one_of(hostile_text, st.integers(), st.floats(), st.none(), st.lists(st.integers(), max_size=3)))
def test_a_date_parses_or_says_why(value: object) -> None:
    try:
        parsed = parse_date(value)
    except ValueError as exc:
        assert str(exc)
    else:
        assert isinstance(parsed, date)


@FAST
@given(hostile_text)
def test_an_accepted_slug_stays_in_its_folder(slug: str) -> None:
    if check_slug(slug) is not None:
        return
    base = Path("/site/articles")
    assert (base / slug).resolve().parent == base
    assert not any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Zs") for ch in slug)
    assert 0 < len(slug) <= 200


@FAST
@given(st.lists(hostile_text | st.sampled_from(
    ["<script>alert(1)</script>", "[x](javascript:alert(1))", "![x](x\" onerror=\"alert(1))", "<a href=x>",
     "[r]: javascript:x", "[r]", "> ", "- ", "```", "    code", "|a|\n|-|", "<!--", "&#106;avascript:",
     "[x](<javascript:alert(1)>)", "<javascript:alert(1)>", "~~", "**", "# ", "\\"]), max_size=12).map("".join))
def test_rendered_markdown_never_carries_active_markup(body: str) -> None:
    problems = Problems()
    article = parse_article("content/a.md", f"---\ntitle: t\n---\n{body}".encode("utf-8", "surrogatepass"), problems)
    assume(article is not None)
    assert article is not None
    page = Page("body")
    page.feed(article.body_html)
    page.close()
    assert page.active == []
    allowed = {"p", "h2", "h3", "h4", "h5", "h6", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li",
               "a", "img", "table", "thead", "tbody", "tr", "th", "td", "s", "br", "hr"}
    assert {tag for tag, _ in page.elements} <= allowed


# ------------------------------------------------------------------ the whole build


@SLOW
@given(st.lists(article_source(), min_size=1, max_size=4))
def test_no_site_crashes_the_build(sources: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "site"
        (root / "content").mkdir(parents=True)
        (root / "site.yaml").write_text("title: t\nbase_url: https://example.org/\nsearch: false\n",
                                        encoding="utf-8")
        for i, source in enumerate(sources):
            suffix = ".md" if i % 2 == 0 else ".txt"
            (root / "content" / f"a{i}{suffix}").write_bytes(source.encode("utf-8", "surrogatepass"))
        try:
            loaded = pipeline.load(root)
        except SiteError as exc:
            assert exc.problems.errors
            return
        pipeline.build(loaded, Path(tmp) / "out", cache=Path(tmp) / "cache")
        assert (Path(tmp) / "out" / "index.html").is_file()


# ------------------------------------------------------------------ "see also" resolution

VARIANTS = ["قمة الرياض", "قمّة الرِّياض", "قمه الرياض", "قمة  الرياض!", "ﻗﻤﺔ الرياض", "قمــة الرياض",
            "أمن الخليج", "امن الخليج", "إمن الخليج", "روسيا تضرب داعش", "روسيا تضرب النصرة", "\u202eقمة الرياض"]


@st.composite
def linked_articles(draw: st.DrawFn) -> list[Article]:
    count = draw(st.integers(min_value=1, max_value=8))
    articles = []
    for i in range(count):
        title = clean_text(draw(st.sampled_from(VARIANTS) | line.filter(lambda t: clean_text(t).strip()))).strip()
        assume(title)
        day = draw(st.none() | st.dates(min_value=date(2015, 1, 1), max_value=date(2015, 1, 5)))
        article = Article(path=f"content/a{i}.md", slug=f"a{i}", title=title, date=day,
                          lead=draw(st.sampled_from(["", "موسكو-سانا قالت الوزارة", title])))
        articles.append(article)
    for article in articles:
        names = st.sampled_from(VARIANTS + [a.slug for a in articles] + [f"https://example.org/articles/{a.slug}/"
                                                                          for a in articles]) | line
        for text in draw(st.lists(names, max_size=4)):
            text = clean_text(text).strip()
            if text:
                teaser = draw(st.sampled_from(["", "قالت الوزارة…", "موسكو-سانا قالت…"]))
                article.see_also.append(SeeAlso(text, teaser, 5))
    return articles


@FAST
@given(linked_articles())
def test_resolution_links_only_articles_of_the_same_headline(articles: list[Article]) -> None:
    problems = Problems()
    unresolved = resolve(articles, problems)
    slugs = {a.slug for a in articles}
    for article in articles:
        for entry in article.see_also:
            target = entry.target
            if target is None:
                continue
            assert target is not article
            named = entry.text == target.slug or entry.text.rstrip("/").endswith("/" + target.slug)
            assert named or headline_key(entry.text) == headline_key(target.title), (entry.text, target.title)
            if not named and entry.text not in slugs:
                assert headline_key(entry.text) == headline_key(target.title)
            assert article in target.backlinks
    linked = {(a.slug, e.target.slug) for a in articles for e in a.see_also if e.target}
    assert {(b.slug, a.slug) for a in articles for b in a.backlinks} == linked
    listed = {(u.article.slug, id(u.entry)) for u in unresolved}
    for article in articles:
        for entry in article.see_also:
            if entry.target is None and (article.slug, id(entry)) not in listed:  # then it names only itself
                assert {c.slug for c in articles if headline_key(c.title) == headline_key(entry.text)} <= {article.slug}
    assert all(p.level == "warning" for p in problems.items)
