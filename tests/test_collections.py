"""Archive navigation: date archives, taxonomies, pagination, dates and neighbours."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from urllib.parse import unquote

import pytest

from akhbar import site as pipeline
from akhbar.collections import display_names, paginate, readable_slug, term_key
from akhbar.config import Settings
from akhbar.content import Article
from akhbar.render import Renderer

LINK = re.compile(r'<h2 class="item-title" dir="auto"><a href="([^"]+)">')


def listed(page: Path) -> list[str]:
    """Article addresses listed on a listing page, resolved to paths inside the site."""
    return [str((page.parent / unquote(href)).resolve()) for href in LINK.findall(page.read_text(encoding="utf-8"))]


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
    assert "<bdi>د ب أ</bdi></a> <span class=\"n\">(3)</span>" in sources
    b = unquote((out / "articles/b/index.html").read_text(encoding="utf-8"))
    assert 'rel="next" href="../c/index.html"' in b and 'rel="prev" href="../a/index.html"' in b
    assert 'href="../../sections/سياسة/index.html"' in b
    assert re.search(r'aria-label="مسار التصفح".*?الرئيسية.*?سياسة', b, re.S)
    feb = (out / "archive/2018/02/index.html").read_text(encoding="utf-8")
    assert "فبراير 2018" in feb and "يناير 2018" in feb  # its own title and the link to the older month
    assert '<time datetime="2018-02-06">' in feb


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
    count = re.compile(r'<a href="([^"]+)"><bdi>[^<]*</bdi></a> <span class="n">\((\d+)\)</span>')
    for taxonomy in ("sections", "sources", "places"):
        index = sample_2k_public / taxonomy / "index.html"
        entries = count.findall(index.read_text(encoding="utf-8"))
        assert entries, taxonomy
        for href, shown in entries:
            folder = (index.parent / unquote(href)).parent
            articles = [h for page in all_pages(folder) for h in listed(page)]
            assert len(articles) == int(shown) == len(set(articles)), href


def test_sample_2k_paginated_listings_contain_every_article_once(
        sample_2k_site: pipeline.Site, sample_2k_public: Path) -> None:
    everything = [h for page in all_pages(sample_2k_public / "archive/all") for h in listed(page)]
    assert len(everything) == len(set(everything)) == len(sample_2k_site.articles)
    by_year: dict[str, list[str]] = defaultdict(list)
    for year_dir in (sample_2k_public / "archive").glob("[0-9][0-9][0-9][0-9]"):
        by_year[year_dir.name] = [h for page in all_pages(year_dir) for h in listed(page)]
    assert sum(len(v) for v in by_year.values()) == len({h for v in by_year.values() for h in v}) == len(everything)


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
