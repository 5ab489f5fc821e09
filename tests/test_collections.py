"""Archive navigation: date archives, taxonomies, pagination, dates and neighbours."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from urllib.parse import unquote

import pytest

from akhbar import site as pipeline
from akhbar.collections import CalendarDay, display_names, month_calendar, paginate, readable_slug, term_key
from akhbar.config import Settings
from akhbar.content import Article
from akhbar.render import Renderer

LINK = re.compile(r'<h2 class="item-title"><a href="([^"]+)"')
TERM_COUNT = re.compile(r'<h2><a href="([^"]+)"><bdi>[^<]*</bdi></a></h2>\s*<p class="n">([^<]+)</p>')


def counted(label: str) -> int:
    """The number in a labelled count: 'مقال واحد' 1, 'مقالان' 2, '12 مقالاً' 12."""
    words = {"مقال واحد": 1, "مقالان": 2}
    return words[label] if label in words else int(label.split()[0])


COMPACT = re.compile(r'<ol class="headlines compact">(.*?)</ol>', re.S)


def listed(page: Path) -> list[str]:
    """Article addresses listed on a listing page (with teasers, or headlines only), resolved to paths inside the site."""
    text = page.read_text(encoding="utf-8")
    compact = COMPACT.search(text)
    hrefs = re.findall(r'<li><a href="([^"]+)"', compact.group(1)) if compact else LINK.findall(text)
    return [str((page.parent / unquote(href)).resolve()) for href in hrefs]


def all_pages(folder: Path) -> list[Path]:
    """A listing's first page and its /page/N/ pages."""
    return [folder / "index.html", *sorted((folder / "page").glob("*/index.html"))] if folder.is_dir() else []


@pytest.mark.parametrize(("a", "b"), [("موسكو", "موسكـو"), ("د ب أ", "د.ب.أ"), ("أبوظبي", "ابوظبي"),
                                      ("فرانس برس", "فرانس  برس")])
def test_variant_spellings_share_one_key(a: str, b: str) -> None:
    assert term_key(a) == term_key(b)


def test_display_name_is_the_most_common_spelling() -> None:
    names = display_names(["د ب أ", "د.ب.أ", "د ب أ", "موسكو"])
    assert names[term_key("د.ب.أ")] == "د ب أ"


@pytest.mark.parametrize(("name", "slug"), [("الشرق الأوسط", "الشرق-الأوسط"), ("د.ب.أ", "د-ب-أ"),
                                            ("../../etc", "etc"), ("Sky News", "sky-news"), ("...", "term")])
def test_term_slugs_are_readable_and_safe(name: str, slug: str) -> None:
    assert readable_slug(name) == slug


def test_pagination_has_stable_paths_and_covers_every_article_once() -> None:
    articles = [Article(path=f"c/{i}.md", slug=str(i), title=str(i)) for i in range(65)]
    pages = list(paginate("sections/x", "x", articles, 30, []))
    assert [p.path for p in pages] == ["sections/x/index.html", "sections/x/page/2/index.html",
                                       "sections/x/page/3/index.html"]
    assert [a for p in pages for a in p.data["articles"]] == articles
    assert pages[1].data["pager"].prev_path == "sections/x/index.html"
    assert pages[1].data["pager"].next_path == "sections/x/page/3/index.html"


@pytest.mark.parametrize(("locale", "month"), [("ar_SY", "أيلول"), ("ar_EG", "سبتمبر"), ("ar_LB", "أيلول")])
def test_month_names_follow_the_locale(locale: str, month: str) -> None:
    renderer = Renderer(Settings(title="t", base_url="https://e.org/", locale=locale), Path("."))
    assert renderer.format_date(date(2018, 9, 17)) == f"17 {month} 2018"


def test_arabic_indic_digits_and_hijri_date() -> None:
    renderer = Renderer(Settings(title="t", base_url="https://e.org/", locale="ar_SY", digits="arabic"), Path("."))
    assert renderer.format_date(date(2018, 9, 17)) == "١٧ أيلول ٢٠١٨"
    assert renderer.hijri_date(date(2018, 3, 14)) == "٢٦ جمادى الآخرة ١٤٣٩ هـ"


def test_small_site_pages_breadcrumbs_and_neighbours(make_site, tmp_path: Path) -> None:
    root = make_site({
        "site.yaml": "title: t\nbase_url: https://e.org/\nlabels: {section: {pol: سياسة}}\n",
        "content/a.md": "---\ntitle: أ\ndate: 2018-01-05\nsection: pol\nplace: موسكو\nsource: د ب أ\ntags: [نفط]\n---\nنص.\n",
        "content/b.md": "---\ntitle: ب\ndate: 2018-02-05\nsection: pol\nplace: موسكـو\nsource: د.ب.أ\n---\nنص.\n",
        "content/c.md": "---\ntitle: ج\ndate: 2018-02-06\nplace: موسكو\nsource: د ب أ\n---\nنص.\n",
        "content/d.md": "---\ntitle: د\n---\nنص.\n",
    })
    out = tmp_path / "out"
    pipeline.build(pipeline.load(root), out)
    for path in ("archive/index.html", "archive/2018/index.html", "archive/2018/01/index.html",
                 "archive/2018/02/index.html", "archive/undated/index.html", "archive/all/index.html",
                 "sections/index.html", "sections/سياسة/index.html", "places/موسكو/index.html",
                 "sources/index.html", "tags/نفط/index.html"):
        assert (out / path).is_file(), path
    assert len(list((out / "places").iterdir())) == 2  # the index and one page: spellings merged
    sources = (out / "sources/index.html").read_text(encoding="utf-8")
    assert re.search(r'<bdi>د ب أ</bdi></a></h2>\s*<p class="n">3 مقالات</p>', sources), sources
    b = unquote((out / "articles/b/index.html").read_text(encoding="utf-8"))
    assert 'rel="next" href="../c/index.html"' in b and 'rel="prev" href="../a/index.html"' in b
    assert 'href="../../sections/سياسة/index.html"' in b
    assert re.search(r'aria-label="مسار التصفح".*?الرئيسية.*?سياسة', b, re.S)
    feb = (out / "archive/2018/02/index.html").read_text(encoding="utf-8")
    assert "فبراير 2018" in feb and "يناير 2018" in feb  # its own title and the link to the older month
    assert '<time datetime="2018-02-06">' in feb


def test_authors_have_an_index_and_a_page_each_with_spellings_merged(make_site, tmp_path: Path) -> None:
    root = make_site({
        "site.yaml": "title: t\nbase_url: https://e.org/\n",
        "content/a.md": "---\ntitle: أ\ndate: 2018-01-05\nauthor: [نور عماشة, فيصل الحربي]\n---\nنص.\n",
        "content/b.md": "---\ntitle: ب\ndate: 2018-02-05\nauthor: نور عمَاشة\n---\nنص.\n",  # with a fatha
        "content/c.txt": "---\ndate: 2018-02-06\n---\nج\n\nدبي - نور عماشة\n\nنص.\n",  # from the dateline
        "content/d.md": "---\ntitle: د\ndate: 2018-02-07\nauthor: فيصل الحربي، نور عماشة\n---\nنص.\n",
    })
    out = tmp_path / "out"
    pipeline.build(pipeline.load(root), out)
    assert sorted(p.name for p in (out / "authors").iterdir()) == ["index.html", "فيصل-الحربي", "نور-عماشة"]
    index = (out / "authors/index.html").read_text(encoding="utf-8")
    assert "<h1>الكتّاب</h1>" in index
    counts = re.findall(r'<h2><a href="[^"]+"><bdi>(.*?)</bdi></a></h2>\s*<p class="n">(.*?)</p>', index)
    assert counts == [("نور عماشة", "4 مقالات"), ("فيصل الحربي", "مقالان")]
    person = (out / "authors/نور-عماشة/index.html").read_text(encoding="utf-8")
    assert [t for t in ("أ", "ب", "ج", "د") if f">{t}</a>" in person] == ["أ", "ب", "ج", "د"]
    assert "الكتّاب" in (out / "index.html").read_text(encoding="utf-8")  # in the menu
    d = unquote((out / "articles/d/index.html").read_text(encoding="utf-8"))
    byline = re.search(r'<span class="authors">(.*?)</span>', d).group(1)  # type: ignore[union-attr]
    assert re.findall(r"<bdi>(.*?)</bdi>", byline) == ["فيصل الحربي", "نور عماشة"]  # the article's order
    assert byline.startswith("بقلم ") and "</a> و<a" in byline
    assert 'href="../../authors/فيصل-الحربي/index.html" rel="author"' in byline


def test_sample_2k_every_article_in_exactly_one_month_page_of_its_month(
        sample_2k_site: pipeline.Site, sample_2k_public: Path) -> None:
    seen: Counter[str] = Counter()
    month_of = {a.slug: (a.date.year, a.date.month) for a in sample_2k_site.articles if a.date}
    for month_dir in sorted((sample_2k_public / "archive").glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]")):
        year, month = month_dir.parts[-2:]
        for page in all_pages(month_dir):
            for href in listed(page):
                seen[href] += 1
                article = href.split("/articles/")[1].split("/")[0]
                assert month_of[article] == (int(year), int(month))
    dated = [a for a in sample_2k_site.articles if a.date]
    assert len(seen) == len(dated) and set(seen.values()) == {1}


def test_sample_2k_taxonomy_counts_equal_the_articles_listed(sample_2k_public: Path) -> None:
    for taxonomy in ("sections", "sources", "places"):
        index = sample_2k_public / taxonomy / "index.html"
        entries = TERM_COUNT.findall(index.read_text(encoding="utf-8"))
        assert entries, taxonomy
        for href, shown in entries:
            folder = (index.parent / unquote(href)).parent
            articles = [h for page in all_pages(folder) for h in listed(page)]
            assert len(articles) == counted(shown) == len(set(articles)), href


def test_sample_2k_paginated_listings_contain_every_article_once(
        sample_2k_site: pipeline.Site, sample_2k_public: Path) -> None:
    everything = [h for page in all_pages(sample_2k_public / "archive/all") for h in listed(page)]
    assert len(everything) == len(set(everything)) == len(sample_2k_site.articles)
    by_year: dict[str, list[str]] = defaultdict(list)
    for year_dir in (sample_2k_public / "archive").glob("[0-9][0-9][0-9][0-9]"):
        by_year[year_dir.name] = [h for page in all_pages(year_dir) for h in listed(page)]
    assert sum(len(v) for v in by_year.values()) == len({h for v in by_year.values() for h in v}) == len(everything)


def test_sample_2k_teasers_are_on_month_and_section_pages_and_other_listings_list_headlines(
        sample_2k_public: Path) -> None:
    """A teaser is said on its month's page and its section's (and the home page), not in every listing."""
    month = next(p for p in sorted((sample_2k_public / "archive").glob("[0-9]" * 4 + "/[0-9][0-9]/index.html")))
    with_teasers = [month, next((sample_2k_public / "sections").glob("*/index.html"))]
    compact = [sample_2k_public / "archive/all/index.html", next((sample_2k_public / "archive").glob("[0-9]" * 4 + "/index.html")),
               next((sample_2k_public / "sources").glob("*/index.html")), next((sample_2k_public / "places").glob("*/index.html"))]
    days = sorted((sample_2k_public / "archive").glob("[0-9]" * 4 + "/[0-9][0-9]/[0-9][0-9]/index.html"))
    assert days, "sample-2k has day pages"
    for page in with_teasers:
        text = page.read_text(encoding="utf-8")
        assert '<p class="teaser">' in text and not COMPACT.search(text), page
    for page in [*compact, days[0]]:
        text = page.read_text(encoding="utf-8")
        assert '<p class="teaser">' not in text and COMPACT.search(text) and listed(page), page


def test_sample_2k_variant_spellings_of_a_place_land_on_one_page(sample_2k_site: pipeline.Site,
                                                                   sample_2k_public: Path) -> None:
    spellings: dict[str, set[str]] = defaultdict(set)
    for article in sample_2k_site.articles:
        if article.place:
            spellings[term_key(article.place)].add(article.place)
    variants = {k: v for k, v in spellings.items() if len(v) > 1}
    pages = list((sample_2k_public / "places").glob("*/index.html"))
    assert len(pages) == len(spellings)  # one page per normalised name, never one per spelling
    sources = {term_key(a.source) for a in sample_2k_site.articles if a.source}
    assert len(list((sample_2k_public / "sources").glob("*/index.html"))) == len(sources)
    assert variants is not None


# ---------------------------------------------------------------- what listings show a reader


@pytest.mark.parametrize(("n", "text"), [(1, "مقال واحد"), (2, "مقالان"), (3, "3 مقالات"), (10, "10 مقالات"),
                                         (11, "11 مقالاً"), (99, "99 مقالاً"), (100, "100 مقال"),
                                         (103, "103 مقالات"), (112, "112 مقالاً")])
def test_counts_are_labelled_with_the_noun_in_agreement(n: int, text: str) -> None:
    renderer = Renderer(Settings(title="t", base_url="https://e.org/"), Path("."))
    assert renderer.articles_count(n) == text
    arabic = Renderer(Settings(title="t", base_url="https://e.org/", digits="arabic"), Path("."))
    assert arabic.articles_count(12) == "١٢ مقالاً"


def test_a_month_calendar_starts_on_saturday_and_links_days_with_pages() -> None:
    # March 2018 began on a Thursday: five empty cells (Sat..Wed) before it
    weeks = month_calendar(2018, 3, {1: (4, "archive/2018/03/01/index.html"), 14: (2, None)})
    assert all(len(week) == 7 for week in weeks) and len(weeks) == 6  # 5 + 31 cells
    assert weeks[0][:5] == [None] * 5 and weeks[0][5] == CalendarDay(1, 4, "archive/2018/03/01/index.html")
    days = [cell for week in weeks for cell in week if cell]
    assert [d.day for d in days] == list(range(1, 32))
    assert days[13] == CalendarDay(14, 2, None) and days[1] == CalendarDay(2, 0, None)


def dense_site(make_site) -> Path:  # type: ignore[no-untyped-def]
    """Two sections; March 2018 dense enough (day_pages_from: 3) for day pages."""
    files = {"site.yaml": "title: t\nbase_url: https://e.org/\nday_pages_from: 3\n"}
    for i, (day, section) in enumerate([(1, "سياسة"), (1, "سياسة"), (2, "اقتصاد"), (14, "سياسة"), (20, "اقتصاد"),
                                        (21, "سياسة"), (22, "سياسة")]):
        files[f"content/a{i}.md"] = (f"---\ntitle: عنوان {i}\ndate: 2018-03-{day:02d}T0{i}:00:00\n"
                                     f"section: {section}\n---\nنص {i}.\n")
    return make_site(files)


def test_listings_month_calendar_term_index_and_more_from_the_section(make_site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    pipeline.build(pipeline.load(dense_site(make_site)), out)
    month = (out / "archive/2018/03/index.html").read_text(encoding="utf-8")
    table = month[month.index('<table class="calendar">'):month.index("</table>")]
    assert table.count('<td class="has">') == 6 and 'href="01/index.html"' in table
    assert "مارس" not in table  # no month name repeated per day
    assert '<a href="01/index.html">1</a> <span class="c" title="مقالان">2</span>' in table
    # every listing item says its section, linked
    assert month.count('<p class="kicker"><a href="../../../sections/') == 7
    own = (out / "sections/سياسة/index.html").read_text(encoding="utf-8")
    assert 'class="kicker"' not in own  # a section's own listing does not repeat its name on every item
    sections = (out / "sections/index.html").read_text(encoding="utf-8")
    assert re.search(r'<bdi>سياسة</bdi></a></h2>\s*<p class="n">5 مقالات</p>', sections)
    politics = sections[sections.index("<bdi>سياسة"):sections.index("<bdi>اقتصاد")]
    assert re.findall(r"عنوان (\d)", politics) == ["6", "5", "3"]  # its three latest headlines
    page = (out / "articles/a0/index.html").read_text(encoding="utf-8")
    more = page[page.index('<aside class="more-from"'):page.index("</aside>", page.index('class="more-from"'))]
    assert "المزيد من القسم" in more and re.findall(r"عنوان (\d)", more) == ["6", "5", "3", "1"]
    latest = (out / "articles/a6/index.html").read_text(encoding="utf-8")
    assert "عنوان 6</a>" not in latest.split('class="more-from"')[1].split("</aside>")[0]  # never itself
    year = (out / "archive/2018/index.html").read_text(encoding="utf-8")
    assert '<a href="03/index.html">مارس</a>' in year  # a month within its year by its name alone


def test_an_article_without_a_section_has_no_more_from_box(make_site, tmp_path: Path) -> None:
    root = make_site({"content/a.md": "---\ntitle: أ\ndate: 2018-01-01\n---\nنص.\n",
                      "content/b.md": "---\ntitle: ب\ndate: 2018-01-02\n---\nنص.\n"})
    pipeline.build(pipeline.load(root), tmp_path / "out")
    page = (tmp_path / "out/articles/a/index.html").read_text(encoding="utf-8")
    assert "more-from" not in page and 'class="kicker"' not in page
