"""Direction is decided by language, never guessed from the first letter (issue 11).

A Chromium walk over one page of every kind of sample-2k, whose (CNN)— articles open with Latin
letters and whose headlines open with digits and quotes: every element holding Arabic text in the
header, the navigation and the main content is laid out right to left, and no content element
carries dir="auto" (only the fields where a reader types may). A small site with an English article
checks the other way round: left to right throughout, and isolated where its headline appears in
Arabic pages.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from akhbar import site as pipeline

pytestmark = pytest.mark.browser

ARABIC = "[\\u0600-\\u06FF]"
# Every element with Arabic text of its own (a text node child) in header, nav and main: its direction.
DIRECTIONS = """() => {
    const arabic = /[\\u0600-\\u06FF]/;
    const out = [];
    for (const el of document.querySelectorAll('header *, nav *, main, main *')) {
        const own = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('');
        if (arabic.test(own) && el.getClientRects().length) {
            out.push({tag: el.tagName, cls: el.className, text: own.trim().slice(0, 40),
                      direction: getComputedStyle(el).direction});
        }
    }
    const autos = [...document.querySelectorAll('[dir=auto]')]
        .filter(el => !['INPUT', 'TEXTAREA'].includes(el.tagName)).map(el => el.outerHTML.slice(0, 80));
    return {elements: out, autos: autos};
}"""


def opening(path: Path, pattern: str) -> bool:
    return re.match(pattern, path.read_text(encoding="utf-8").split("---\n", 2)[-1]) is not None


def pick_pages(root: Path, site: Path) -> dict[str, str]:
    """One page of each kind, with the articles most likely to be laid out wrongly."""
    content = sorted((root / "content").glob("*.txt"))
    cnn = next(p for p in content if "\n(CNN)" in p.read_text(encoding="utf-8").split("انظر ايضاً")[0])
    latin_headline = next(p for p in content if opening(p, r"[0-9A-Za-z\"(]"))
    month = sorted(p for p in (site / "archive").glob("[0-9]" * 4 + "/[0-9][0-9]") if list(p.glob("[0-9][0-9]")))[0]
    year = month.parent.name
    day = sorted(month.glob("[0-9][0-9]"))[0]
    section = sorted((site / "sections").glob("*/index.html"))[0]
    place = sorted((site / "places").glob("*/index.html"))[0]
    return {
        "home": "index.html",
        "article (CNN)": f"articles/{cnn.stem}/index.html",
        "article (headline opens with Latin or digits)": f"articles/{latin_headline.stem}/index.html",
        "archive": "archive/index.html",
        "year": f"archive/{year}/index.html",
        "month": month.relative_to(site).as_posix() + "/index.html",
        "day": day.relative_to(site).as_posix() + "/index.html",
        "all": "archive/all/page/2/index.html",
        "sections": "sections/index.html",
        "section": section.relative_to(site).as_posix(),
        "places": "places/index.html",
        "place": place.relative_to(site).as_posix(),
        "sources": "sources/index.html",
        "search": "search/index.html?q=" + quote("CNN"),
        "404": "404.html",
    }


def test_every_arabic_element_of_every_kind_of_page_is_rtl(browser: Any, sample_2k_root: Path,
                                                           sample_2k_public: Path) -> None:
    pages = pick_pages(sample_2k_root, sample_2k_public)
    context = browser.new_context(locale="ar", viewport={"width": 1366, "height": 900})
    wrong: dict[str, list[Any]] = {}
    checked: dict[str, int] = {}
    try:
        page = context.new_page()
        for kind, rel in pages.items():
            path, _, query = rel.partition("?")
            page.goto((sample_2k_public / path).as_uri() + (f"?{query}" if query else ""), wait_until="load")
            if kind == "search":
                page.wait_for_selector("#search-results li", timeout=20000)
            found = page.evaluate(DIRECTIONS)
            checked[kind] = len(found["elements"])
            bad = [e for e in found["elements"] if e["direction"] != "rtl"] + found["autos"]
            if bad:
                wrong[kind] = bad[:5]
        cnn = page.goto((sample_2k_public / pages["article (CNN)"]).as_uri(), wait_until="load")
        assert cnn is not None
        first = page.evaluate("""() => {
            const p = [...document.querySelectorAll('.body p')].find(p => p.textContent.startsWith('(CNN)'));
            const column = document.querySelector('.body').getBoundingClientRect();
            const r = document.createRange(); r.selectNodeContents(p.firstChild);
            const rects = [...r.getClientRects()], top = Math.min(...rects.map(b => b.top));
            const line = rects.filter(b => b.top < top + 5);  // the first line, in its bidi runs
            return {direction: getComputedStyle(p).direction, right: Math.max(...line.map(b => b.right)),
                    left: Math.min(...line.map(b => b.left)), column: column.right, start: p.textContent.slice(0, 12)};
        }""")
    finally:
        context.close()
    assert not wrong, wrong
    assert all(n > 5 for n in checked.values()), checked
    # the paragraph opening with (CNN)— starts at the right edge of the column, as Arabic does
    assert first["direction"] == "rtl" and first["column"] - first["right"] < 2, first


ENGLISH = """---
title: Damascus book fair opens with 400 publishers
date: 2018-03-14
lang: en
section: ثقافة
---
The fair opened on Wednesday with more than 400 publishers.
"""
ARABIC_ARTICLE = """---
title: خبر عربي
date: 2018-03-13
section: ثقافة
see_also: [Damascus book fair opens with 400 publishers]
---
نص عربي عن المعرض.
"""


def test_an_english_article_is_ltr_throughout_and_isolated_in_arabic_pages(browser: Any, make_site,  # type: ignore[no-untyped-def]
                                                                          tmp_path: Path) -> None:
    root = make_site({"content/en.md": ENGLISH, "content/ar.md": ARABIC_ARTICLE})
    out = tmp_path / "out"
    pipeline.build(pipeline.load(root), out)
    context = browser.new_context(locale="ar")
    try:
        page = context.new_page()
        page.goto((out / "articles/en/index.html").as_uri(), wait_until="load")
        own = page.evaluate("""() => ['article.article', 'h1', '.body p'].map(s =>
            getComputedStyle(document.querySelector(s)).direction)""")
        assert own == ["ltr", "ltr", "ltr"]
        assert page.evaluate("getComputedStyle(document.querySelector('.kicker')).direction") == "rtl"
        assert page.evaluate("document.querySelector('.breadcrumbs [aria-current]').dir") == "ltr"
        for rel, selector in (("index.html", ".item-title a[lang=en]"), ("articles/ar/index.html", ".see-also a"),
                              ("articles/ar/index.html", ".article-nav .title"),
                              ("sections/index.html", ".headlines a[lang=en]")):
            page.goto((out / rel).as_uri(), wait_until="load")
            element = page.locator(selector).first
            assert element.evaluate("e => [e.lang, getComputedStyle(e).direction]") == ["en", "ltr"], (rel, selector)
            assert element.evaluate("e => getComputedStyle(e.closest('main')).direction") == "rtl"
    finally:
        context.close()
    assert re.search(ARABIC, (out / "articles/en/index.html").read_text(encoding="utf-8"))
