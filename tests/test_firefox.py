"""The browser tests that matter, in Firefox too (Debian's firefox-esr over Marionette), from disk and
over HTTP under a sub-path: the header search box, the search page, its filters, an article page.

Firefox treats every file: page as an origin of its own, unlike Chromium: the header search box
submits to another file, which a policy of form-action 'self' alone refused there.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests.test_search_browser import SUBPATH, Server

pytestmark = pytest.mark.browser

QUERY = "الحكومة"


@pytest.fixture(scope="module")
def server(bundled_site: Path) -> Iterator[Server]:
    with Server(bundled_site, SUBPATH) as running:
        yield running


@pytest.fixture(params=["disk", "http"])
def base(request: pytest.FixtureRequest, bundled_site: Path) -> str:
    """The site's root address, ending in '/'."""
    if request.param == "disk":
        return bundled_site.resolve().as_uri() + "/"
    server: Server = request.getfixturevalue("server")
    return server.base


def wait_for(check: Callable[[], Any], what: str, timeout: float = 30.0) -> Any:
    """Poll `check` until it gives something true; fail naming `what`."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def total(firefox: Any) -> int:
    """The search page's result count, once the search has run."""
    found = wait_for(lambda: firefox.execute_script(
        "var s = document.getElementById('search-status'); return s && s.getAttribute('data-total');"),
        "the search's result count")
    return int(found)


def test_the_header_search_box_opens_the_search_page_with_results(firefox: Any, base: str) -> None:
    from marionette_driver.by import By

    firefox.navigate(base + "index.html")
    box = firefox.find_element(By.ID, "site-search-q")
    box.send_keys(QUERY)
    firefox.find_element(By.CSS_SELECTOR, ".site-search button[type=submit]").click()
    wait_for(lambda: "search/index.html?q=" in firefox.get_url(), "the search page to open")
    assert total(firefox) > 20
    assert firefox.execute_script("return document.getElementById('search-q').value") == QUERY
    assert firefox.execute_script("return document.querySelectorAll('#search-results > li').length") == 20


def test_the_search_page_finds_spelling_variants_and_its_results_open(firefox: Any, base: str) -> None:
    firefox.navigate(base + "search/index.html?q=" + quote("الحكومه"))  # ه for ة
    variant = total(firefox)
    firefox.navigate(base + "search/index.html?q=" + quote(QUERY))
    assert total(firefox) == variant > 20
    href = firefox.execute_script("return document.querySelector('#search-results li h2 a').href")
    title = firefox.execute_script("return document.querySelector('#search-results li h2 a').textContent")
    firefox.navigate(href)
    assert firefox.execute_script("return document.querySelector('h1').textContent") == title


def test_filter_counts_are_those_of_the_current_search(firefox: Any, base: str) -> None:
    firefox.navigate(base + "search/index.html?q=" + quote(QUERY))
    everything = total(firefox)
    options = firefox.execute_script("""
        return [...document.querySelectorAll('#search-section option')].slice(1)
            .map(o => [o.value, o.textContent]);""")
    assert len(options) >= 2
    counts = {value: int(text.rsplit("(", 1)[1].rstrip(")")) for value, text in options}
    assert sum(counts.values()) <= everything
    for value in list(counts)[:2]:
        firefox.execute_script("""
            var select = document.getElementById('search-section');
            select.value = arguments[0];
            select.dispatchEvent(new Event('change', {bubbles: true}));""", script_args=[value])
        wanted = str(counts[value])
        wait_for(lambda wanted=wanted: firefox.execute_script(
            "return document.getElementById('search-status').getAttribute('data-total')") == wanted,
            f"the filtered count of {value} to be {wanted}")
        sections = firefox.execute_script(
            "return [...document.querySelectorAll('#search-results .meta bdi')].map(b => b.textContent)")
        shown = firefox.execute_script("return document.querySelectorAll('#search-results > li').length")
        assert sections.count(value) == shown == min(counts[value], 20)
        assert "section=" in firefox.get_url()


def test_an_article_page_is_right_to_left_styled_and_links_on(firefox: Any, base: str, bundled_site: Path) -> None:
    def links_on(path: Path) -> bool:  # a "see also" entry that is a link
        html = path.read_text(encoding="utf-8")
        return 'class="related see-also"' in html and \
            '<a href="../' in html.split('class="related see-also"')[1].split("</section>")[0]

    article = next(p for p in sorted((bundled_site / "articles").glob("*/index.html")) if links_on(p))
    firefox.navigate(base + article.relative_to(bundled_site).as_posix())
    facts = firefox.execute_script("""
        var h1 = document.querySelector('h1'), p = document.querySelector('.body p');
        return {dir: document.documentElement.dir, h1: getComputedStyle(h1).direction,
                p: getComputedStyle(p).direction, align: getComputedStyle(p).textAlign,
                font: getComputedStyle(document.body).fontFamily,
                autos: document.querySelectorAll('main [dir=auto]').length,
                right: Math.round(p.getBoundingClientRect().right),
                column: Math.round(document.querySelector('main').getBoundingClientRect().right)};""")
    assert facts["dir"] == "rtl" and facts["h1"] == "rtl" and facts["p"] == "rtl", facts
    assert "Noto Naskh Arabic" in facts["font"] and facts["autos"] == 0, facts
    assert facts["align"] in ("start", "right") and facts["column"] - facts["right"] < 40, facts
    wait_for(lambda: firefox.execute_script("return document.fonts.status === 'loaded'"), "the web font")
    link = firefox.execute_script("return document.querySelector('.see-also a').href")
    firefox.navigate(link)
    assert firefox.get_url() == link
    assert firefox.execute_script("return document.querySelectorAll('.backlinks a').length") >= 1
