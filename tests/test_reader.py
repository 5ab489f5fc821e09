"""What a reader sees in every setting, in headless Chromium on the bundled archive: a phone's header,
paragraph controls on touch screens, the dark theme, print, and layout that does not shift while the
page and its web font load (Lighthouse's CLS, measured here with the browser's own layout-shift entries,
since CI has no Lighthouse)."""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests.test_axe import kinds

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
FONT_DELAY = 0.6  # seconds every web font is held back: the page first shows in its fallback font


class SlowFonts(SimpleHTTPRequestHandler):
    """A static server that holds the web fonts back, as a slow network does."""

    def do_GET(self) -> None:
        if self.path.endswith(".woff2"):
            time.sleep(FONT_DELAY)
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def slow_fonts(bundled_site: Path) -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(SlowFonts, directory=str(bundled_site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


# Lighthouse's CLS: the largest session window of layout shifts (gaps under 1 s, windows up to 5 s)
# not caused by recent input, over the page's load.
CLS_OBSERVER = """(() => {
    window.__shifts = [];
    new PerformanceObserver(list => { for (const e of list.getEntries())
        if (!e.hadRecentInput) window.__shifts.push({t: e.startTime, v: e.value}); })
      .observe({type: 'layout-shift', buffered: true});
})()"""
CLS = """() => {
    let best = 0, sum = 0, first = 0, last = -Infinity;
    for (const s of window.__shifts) {
        if (s.t - last > 1000 || s.t - first > 5000) { sum = 0; first = s.t; }
        sum += s.v; last = s.t; best = Math.max(best, sum);
    }
    return best;
}"""


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1366, "height": 900}], ids=["390px", "1366px"])
def test_layout_does_not_shift_while_pages_and_their_font_load(browser: Any, bundled_site: Path, slow_fonts: str,
                                                               viewport: dict[str, int]) -> None:
    scores = {}
    context = browser.new_context(viewport=viewport, locale="ar", has_touch=viewport is PHONE)
    context.add_init_script(CLS_OBSERVER)
    try:
        page = context.new_page()
        for kind, rel in kinds(bundled_site).items():
            page.goto(slow_fonts + rel, wait_until="load")
            if kind == "search":
                page.wait_for_selector("#search-status[data-total]", timeout=20000)
            page.evaluate("document.fonts.ready.then(() => true)")
            page.wait_for_timeout(300)
            scores[kind] = round(page.evaluate(CLS), 4)
    finally:
        context.close()
    assert scores and not {kind: score for kind, score in scores.items() if score >= 0.1}, scores


@pytest.mark.parametrize("kind", ["home", "article", "month", "sections index", "search", "404"])
def test_the_header_is_at_most_100px_tall_on_a_phone(browser: Any, bundled_site: Path, kind: str) -> None:
    rel = kinds(bundled_site)[kind]
    path, _, query = rel.partition("?")
    context = browser.new_context(viewport=PHONE, locale="ar", has_touch=True, is_mobile=True)
    try:
        page = context.new_page()
        page.goto((bundled_site / path).as_uri() + (f"?{query}" if query else ""), wait_until="load")
        page.evaluate("document.fonts.ready.then(() => true)")
        height = page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")
        width = page.evaluate("document.documentElement.scrollWidth")
    finally:
        context.close()
    assert 40 < height <= 100, f"{kind}: the header is {height} px tall at 390 px"
    assert width <= PHONE["width"]


def test_search_results_start_above_the_fold_on_a_phone_with_filters_folded(browser: Any, bundled_site: Path) -> None:
    context = browser.new_context(viewport=PHONE, locale="ar", has_touch=True, is_mobile=True)
    try:
        page = context.new_page()
        page.goto((bundled_site / "search/index.html").as_uri() + "?q=" + quote("الحكومة"), wait_until="load")
        page.wait_for_selector("#search-results li")
        folded = page.evaluate("!document.getElementById('search-options').open")
        top = page.evaluate("document.querySelector('#search-results li h2').getBoundingClientRect().top")
        page.click("#search-options summary")
        shown = page.is_visible("#search-section")
    finally:
        context.close()
    assert folded and top < PHONE["height"] - 50, (folded, top)
    assert shown


def test_paragraph_controls_stay_hidden_on_touch_screens_until_asked_for(browser: Any, bundled_site: Path) -> None:
    rel = kinds(bundled_site)["article"]
    context = browser.new_context(viewport=PHONE, locale="ar", has_touch=True, is_mobile=True)
    try:
        page = context.new_page()
        page.goto((bundled_site / rel).as_uri(), wait_until="load")
        page.wait_for_selector(".copy-link", state="attached")
        assert page.evaluate("matchMedia('(hover: none)').matches")
        visible = "[...document.querySelectorAll('.para-link, .copy-link')].filter(e => e.getClientRects().length).length"
        assert page.evaluate(visible) == 0
        before = page.evaluate("document.querySelector('.body').getBoundingClientRect().height")
        page.tap(".body p[id] >> nth=0", position={"x": 20, "y": 10})
        assert page.evaluate(visible) == 2  # the tapped paragraph's "#" and «نسخ الرابط»
        after = page.evaluate("document.querySelector('.body').getBoundingClientRect().height")
        page.tap(".body p[id] >> nth=1", position={"x": 20, "y": 10})
        assert page.evaluate(visible) == 2  # only the last one asked
    finally:
        context.close()
    assert before == after, "showing the controls moved the text"


def test_dark_theme_turns_the_page_dark(browser: Any, bundled_site: Path) -> None:
    colours = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        try:
            page = context.new_page()
            page.goto((bundled_site / kinds(bundled_site)["article"]).as_uri(), wait_until="load")
            colours[scheme] = page.evaluate("""() => ['body', 'h1', '.body p'].map(s => {
                const c = getComputedStyle(document.querySelector(s));
                return [c.backgroundColor, c.color]; })""")
        finally:
            context.close()

    def lightness(rgb: str) -> float:
        parts = [int(x) for x in rgb[rgb.index("(") + 1: rgb.index(")")].split(",")[:3]]
        return sum(parts) / 3

    assert lightness(colours["light"][0][0]) > 200 and lightness(colours["dark"][0][0]) < 50, colours
    assert lightness(colours["dark"][1][1]) > 180 and lightness(colours["dark"][2][1]) > 180, colours


def dated_article(site: Path) -> Path:
    """An article page with a date, "see also" entries and backlinks: every box print leaves out."""
    return next(p for p in sorted((site / "articles").glob("*/index.html"))
                if all(part in p.read_text(encoding="utf-8") for part in ('<time datetime', 'class="related see-also"',
                                                                          'class="related backlinks"')))


def test_print_keeps_masthead_headline_date_and_address_and_drops_navigation(browser: Any, bundled_site: Path) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(dated_article(bundled_site).as_uri(), wait_until="load")
        page.emulate_media(media="print")
        shown = page.evaluate("""() => Object.fromEntries(['.site-title', 'h1', '.article time', '.print-url', '.body p',
            '.site-nav', '.site-search', '.breadcrumbs', '.related', '.more-from', '.article-nav', '.site-footer',
            '.para-link'].map(s => [s, [...document.querySelectorAll(s)].some(e => e.getClientRects().length
                && getComputedStyle(e).visibility !== 'hidden')]))""")
        url = page.inner_text(".print-url")
        canonical = page.get_attribute("link[rel=canonical]", "href")
        page.emulate_media(media="screen")
        on_screen = page.is_visible(".print-url")
    finally:
        context.close()
    kept = [".site-title", "h1", ".article time", ".print-url", ".body p"]
    assert all(shown[s] for s in kept) and not any(v for s, v in shown.items() if s not in kept), shown
    assert url == canonical and url.startswith("https://") and not on_screen


def test_fallback_font_metrics_are_those_computed_from_the_font_files() -> None:
    import importlib.util

    from tests import tools

    spec = importlib.util.spec_from_file_location("font_fallback", tools.REPO_ROOT / "scripts" / "font-fallback.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    computed = module.rules()
    if not computed:
        tools.require(None, "DejaVu Sans is missing: run `bash scripts/setup-system.sh` (fonts-dejavu-core)")
    css = (tools.REPO_ROOT / "akhbar/theme/static/assets/css/site.css").read_text(encoding="utf-8")
    written = css.split("/* font-fallback.py: begin */\n", 1)[1].split("/* font-fallback.py: end */", 1)[0]
    assert written.strip() == computed.strip(), "run scripts/font-fallback.py and put its rules in site.css"
    assert "size-adjust: 100" not in written  # DejaVu Sans is wider than Noto Naskh Arabic: it is scaled
