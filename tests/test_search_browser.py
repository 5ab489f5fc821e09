"""Search in a real headless Chromium, on the bundled archive served three ways.

  * "root":    over HTTP at the domain root (http://127.0.0.1:PORT/);
  * "subpath": over HTTP under /news-archive/, as a GitHub Pages project site; anything asked of
               the server outside the sub-path is answered 404 and counted as a fault;
  * "disk":    opened straight from the built folder (file://), where Pagefind's own loader
               cannot work and the site's .js twins must.

Each checks real queries (with spelling variants), a filter, sorting by date, ?q= deep links and
the keyboard path; the results must be the same three ways, and find what hand-checked patterns
over the articles' own text (benchmarks/search_judge.py) call relevant. Pages run under the
site's own Content-Security-Policy.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urljoin, urlsplit

import pytest

from akhbar import matching, search
from akhbar import site as pipeline
from akhbar.arabic import search_fold
from tests import tools

pytestmark = pytest.mark.browser

SUBPATH = "/news-archive/"
WAYS = ("root", "subpath", "disk")
AXE = tools.REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
# (what a reader types, the spelling the articles use): each pair must find the same articles
VARIANTS = [("مسئول", "مسؤول"), ("اسرائيل", "إسرائيل"), ("الحكومه", "الحكومة"), ("حكومة", "والحكومة"),
            ("٢٠١٨", "2018"), ("مُوسْكُو", "موسكو"), ("الحكـــومة", "الحكومة"), ("ﺩﻣﺸﻖ", "دمشق"),
            ("ولى العهد", "ولي العهد"), ("الامارات", "الإمارات")]
QUERIES = ["الحكومة", "مسئول", "اسرائيل", "كاس العالم", "ايران", "بالرياض", "والقاهرة", "الانتخابات", "ﺩﻣﺸﻖ",
           "لبنان", "وزير الخارجية"]


# ------------------------------------------------------------------ serving


class Server:
    """The built folder mounted at `prefix` on 127.0.0.1; requests outside it are 404 and recorded."""

    def __init__(self, root: Path, prefix: str):
        self.root, self.prefix = root, prefix
        self.outside: list[str] = []
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, directory=str(root), mount=self))
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}{prefix}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _Handler(SimpleHTTPRequestHandler):
    def __init__(self, *args: Any, mount: Server, **kwargs: Any):
        self.mount = mount
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        if urlsplit(self.path).path.startswith(self.mount.prefix):
            super().do_GET()
        else:
            self.mount.outside.append(self.path)
            self.send_error(404, "outside the site")

    def translate_path(self, path: str) -> str:
        return super().translate_path(path[len(self.mount.prefix) - 1:])

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@dataclass
class Where:
    name: str
    base: str  # the site root, ending in "/"
    site: Path
    server: Server | None = None

    def url(self, rel: str) -> str:
        return self.base + rel

    def file_of(self, url: str) -> Path:
        """The built file a loaded URL shows."""
        assert url.startswith(self.base), url
        rel = unquote(urlsplit(url).path[len(urlsplit(self.base).path):])
        return self.site / (rel + "index.html" if rel == "" or rel.endswith("/") else rel)


@dataclass
class Traffic:
    where: Where
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    def watch(self, context: Any) -> None:
        context.on("request", lambda r: self.requests.append(r.url))
        # a request cut short because the test moved on to another page is not a fault
        context.on("requestfailed", lambda r: r.failure == "net::ERR_ABORTED"
                   or self.failed.append(f"{r.url}: {r.failure}"))
        context.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.status} {r.url}"))
        context.on("request", lambda r: r.url.startswith(self.where.base) or self.outside.append(r.url))
        context.on("weberror", lambda e: self.errors.append(str(e.error)))
        context.on("console", lambda m: m.type == "error" and self.errors.append(m.text))

    def problems(self) -> list[str]:
        server = self.where.server.outside if self.where.server else []
        return self.failed + self.errors + [f"outside the site: {u}" for u in self.outside + server]


# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def servers(bundled_site: Path) -> Iterator[dict[str, Server]]:
    with Server(bundled_site, "/") as root, Server(bundled_site, SUBPATH) as sub:
        yield {"root": root, "subpath": sub}


def where_of(name: str, site: Path, servers: dict[str, Server]) -> Where:
    if name == "disk":
        return Where("disk", site.resolve().as_uri() + "/", site)
    server = servers[name]
    server.outside.clear()
    return Where(name, server.base, site, server)


@pytest.fixture(params=WAYS)
def where(request: pytest.FixtureRequest, bundled_site: Path, servers: dict[str, Server]) -> Where:
    return where_of(request.param, bundled_site, servers)


@contextmanager
def opened(browser: Any, where: Where, rel: str, **options: Any) -> Iterator[tuple[Any, Traffic]]:
    context = browser.new_context(locale="ar", viewport={"width": 1280, "height": 900}, **options)
    context.set_default_timeout(20_000)
    traffic = Traffic(where)
    traffic.watch(context)
    page = context.new_page()
    try:
        page.goto(where.url(rel))
        yield page, traffic
    finally:
        context.close()


def search_url(query: str, **params: str) -> str:
    extra = "".join(f"&{k}={quote(v)}" for k, v in params.items())
    return f"search/index.html?q={quote(query)}{extra}"


def wait_for_results(page: Any) -> int:
    page.wait_for_selector("#search-status[data-total]")
    return int(page.get_attribute("#search-status", "data-total"))


def run_api(page: Any, query: str, **options: Any) -> list[dict[str, str]]:
    return page.evaluate("([q, o]) => window.archiveSearch(q, o)", [query, options])


# (query, the hand-checked pattern of what it means, as in benchmarks/search_queries.yaml)
JUDGED = {
    "اسرائيل": "{P}[إا]سرائيل(?:[يى]|ي[ةه]|يين|يون|يان|يات|يا)?",
    "ايران": "{P}[إاأ]يران(?:[يى]|ي[ةه]|يين|يون|يان|يات|يا)?",
    "قطر": "{P}قطر(?:[يى]|ي[ةه]|يين|يون|يان|يات|يا)?",
    "الانتخابات": "{P}[اأ]نتخاب(?:ات|ا|ه)?",  # أنتخاب: a misplaced hamza; انتخابه: his election
    "والقاهرة": "{P}قاهر(?:[ةه]|[يى]|ي[ةه]|يين|يون)",  # القاهري: Cairene, a people adjective like the others
    "لبنان": "{P}لبنان(?:[يى]|ي[ةه]|يين|يون|يان|يات|يا)?",
}


@pytest.fixture(scope="module")
def relevant() -> dict[str, list[str]]:
    """Hand-checked patterns (benchmarks/search_judge.py) applied to the bundled archive's own text."""
    from benchmarks.search_judge import Concept

    articles = pipeline.load(tools.REPO_ROOT).articles
    texts = {a.slug: a.title + "\n" + search.html_text(a.body_html) + " " + a.summary for a in articles}
    return {q: sorted(slug for slug, text in texts.items() if Concept(q, p).found_in(text)) for q, p in JUDGED.items()}


def slug_of(url: str) -> str:
    return [part for part in url.split("/") if part and part not in ("index.html", "..")][-1]


# ------------------------------------------------------------------ the search page


def test_a_deep_link_shows_count_titles_dates_and_highlighted_excerpts(browser: Any, where: Where) -> None:
    with opened(browser, where, search_url("الحكومة")) as (page, traffic):
        total = wait_for_results(page)
        assert total > 20
        assert page.input_value("#search-q") == "الحكومة"
        assert "نتيجة" in page.inner_text("#search-status")
        items = page.locator("#search-results > li")
        assert items.count() == 20
        for i in range(items.count()):
            item = items.nth(i)
            assert item.locator("h2 a").inner_text().strip()
            assert item.locator("time[datetime]").count() == 1
            excerpt = item.locator(".excerpt")
            assert excerpt.locator("mark").count() >= 1, item.inner_html()
            text = excerpt.inner_text()
            assert search.PLACEHOLDER not in text and "ڧ" not in text and "⠀" not in text
            assert all("حكوم" in m.replace("ـ", "") for m in excerpt.locator("mark").all_inner_texts())
        page.click("#search-more")
        page.wait_for_selector("#search-results > li:nth-child(40)")
        assert page.evaluate("document.activeElement.closest('#search-results > li:nth-child(21)') !== null")
        twins = [u for u in traffic.requests if u.endswith((".pf_meta.js", "pagefind-file.js")) or "/fragment/pack-" in u]
        stock = [u for u in traffic.requests if u.endswith((".pf_fragment", "/pagefind.js"))]
        if where.name == "disk":
            assert twins and not stock  # Pagefind's loader cannot work from disk; the twins do
        else:
            assert stock and not twins  # HTTP visitors get stock Pagefind, nothing else
        assert traffic.problems() == []


def test_spelling_variants_find_the_same_articles(browser: Any, where: Where) -> None:
    with opened(browser, where, "search/index.html") as (page, traffic):
        for typed, written in VARIANTS:
            found = [r["url"] for r in run_api(page, typed, limit=5000)]
            assert found, typed
            assert sorted(found) == sorted(r["url"] for r in run_api(page, written, limit=5000)), (typed, written)
        assert traffic.problems() == []


def test_results_find_what_hand_checked_patterns_call_relevant(browser: Any, where: Where, relevant: dict) -> None:
    with opened(browser, where, "search/index.html") as (page, traffic):
        for query, wanted in relevant.items():
            found = {slug_of(r["url"]) for r in run_api(page, query, limit=5000)}
            assert wanted and found == set(wanted), (query, sorted(set(wanted) - found), sorted(found - set(wanted)))
        assert traffic.problems() == []


def test_an_unknown_word_finds_nothing_and_is_corrected(browser: Any, where: Where) -> None:
    with opened(browser, where, "search/index.html") as (page, traffic):
        found = page.evaluate("""async () => {
          const s = await window.archiveSearch.open('الحكومة السورببة');
          return {total: s.total, unknown: s.unknown, suggestion: s.suggestion,
                  first: (await window.archiveSearch.open('الحكومة')).total};
        }""")
        assert found["total"] == 0 and found["unknown"] == ["السورببه"] and found["first"] > 0
        assert found["suggestion"] == "الحكومة السورية"
        assert page.evaluate("window.archiveSearch.suggest('ايرات')") == ["إيران"]
        assert traffic.problems() == []


def test_a_name_written_joined_or_a_rare_word_that_meets_nothing_is_corrected(browser: Any, where: Where) -> None:
    with opened(browser, where, "search/index.html") as (page, traffic):
        found = page.evaluate("""async () => {
          const open = async (q) => { const s = await window.archiveSearch.open(q);
                                      return {total: s.total, unknown: s.unknown, suggestion: s.suggestion}; };
          const joined = await open('كرةالقدم');
          const rare = await open('الحكومة الإعارة');  // الإعارة: one article, without الحكومة
          return {joined, rare, apart: (await open('كرة القدم')).total,
                  followed: (await open(joined.suggestion)).total,
                  rareFollowed: rare.suggestion && (await open(rare.suggestion)).total};
        }""")
        joined, rare = found["joined"], found["rare"]
        assert joined["total"] == 0 and joined["unknown"] == ["كرهالقدم"] and joined["suggestion"].split()[0] == "كرة"
        assert found["followed"] == found["apart"] > 0  # the archive's two words, as a reader would write them
        assert rare["total"] == 0 and rare["unknown"] == [] and rare["suggestion"].startswith("الحكومة ")
        assert found["rareFollowed"] > 0
        assert traffic.problems() == []


def test_relevance_ranks_the_phrase_then_the_readers_spelling(browser: Any, where: Where) -> None:
    articles = {a.slug: a.title + " " + search.html_text(a.body_html) for a in pipeline.load(tools.REPO_ROOT).articles}
    phrase = re.compile(r"(?:وزير[اةي]?|وزيرين|وزراء)\s+(?:ال|لل)?خارجي[ةه]")  # together, in any spelling
    with opened(browser, where, "search/index.html") as (page, traffic):
        found = [slug_of(r["url"]) for r in run_api(page, "وزير الخارجية", limit=5000)]
        together = [bool(phrase.search(articles[slug])) for slug in found]
        assert any(together) and not all(together)
        assert together == sorted(together, reverse=True), [s for s, t in zip(found, together, strict=True)][:40]
        spelled = [slug_of(r["url"]) for r in run_api(page, "ترمب", limit=5000)]
        own = [bool(re.search(r"(?<!\w)[وفبل]?ترمب", articles[slug])) for slug in spelled]
        assert own == sorted(own, reverse=True)  # the reader's own spelling first, then ترامب
        assert traffic.problems() == []


def test_a_filter_narrows_the_results(browser: Any, where: Where) -> None:
    with opened(browser, where, search_url("الحكومة")) as (page, traffic):
        everything = wait_for_results(page)
        options = page.locator("#search-section option")
        assert options.count() > 2
        value = options.nth(1).get_attribute("value")
        page.select_option("#search-section", value)
        page.wait_for_selector(f"#search-status[data-total]:not([data-total='{everything}'])")
        narrowed = wait_for_results(page)
        assert 0 < narrowed < everything
        sections = page.locator("#search-results .meta bdi").all_inner_texts()
        assert page.locator("#search-results > li").count() == min(narrowed, 20)
        assert sum(1 for s in sections if s == value) == page.locator("#search-results > li").count()
        assert "section=" in page.url
        page.goto(page.url)  # the address now holds the filter: a shareable link
        assert wait_for_results(page) == narrowed
        assert page.input_value("#search-section") == value
        assert traffic.problems() == []


def test_sorting_by_date_puts_the_newest_first(browser: Any, where: Where) -> None:
    with opened(browser, where, search_url("الحكومة", sort="newest")) as (page, traffic):
        wait_for_results(page)
        assert page.input_value("#search-sort") == "newest"
        dates = page.locator("#search-results time").evaluate_all("els => els.map(e => e.dateTime)")
        assert len(dates) == 20 and dates == sorted(dates, reverse=True)
        relevance = [r["date"] for r in run_api(page, "الحكومة", limit=5000)]
        newest = [r["date"] for r in run_api(page, "الحكومة", limit=5000, sort="newest")]
        assert sorted(relevance) == sorted(newest) and newest == sorted(newest, reverse=True)
        assert relevance != newest
        assert traffic.problems() == []


def tab_to(page: Any, test: str, limit: int = 120) -> None:
    """Press Tab until the focused element passes `test` (a JS expression on `el`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!({test}); }})()"):
            return
    raise AssertionError(f"Tab never reached an element where {test}")


def test_the_keyboard_alone_searches_filters_and_opens_a_result(browser: Any, where: Where) -> None:
    with opened(browser, where, "index.html") as (page, traffic):
        tab_to(page, "el.id === 'site-search-q'")
        page.keyboard.type("مسئول")
        page.keyboard.press("Enter")
        page.wait_for_url("**/search/index.html?q=*")
        before = wait_for_results(page)
        tab_to(page, "el.id === 'search-section'")
        page.keyboard.press("ArrowDown")
        page.wait_for_selector(f"#search-status[data-total]:not([data-total='{before}'])")
        assert 0 < wait_for_results(page) < before
        tab_to(page, "el.closest && el.closest('#search-results') && el.tagName === 'A'")
        target = page.evaluate("document.activeElement.href")
        page.keyboard.press("Enter")
        page.wait_for_url(target)
        assert where.file_of(page.url.split("?")[0]).is_file()
        assert page.locator("h1").count() == 1
        assert traffic.problems() == []


# ------------------------------------------------------------------ the JavaScript API


def test_archive_search_returns_every_article_and_links_that_open(browser: Any, where: Where) -> None:
    with opened(browser, where, "search/index.html") as (page, traffic):
        results = run_api(page, "في", limit=5000)
        articles = len(list((where.site / "articles").glob("*/index.html")))
        assert len(results) > 200 and len(results) <= articles
        assert len(run_api(page, "في")) == 20 and len(run_api(page, "في", limit=3)) == 3
        for result in results:
            assert set(result) >= {"url", "title", "date", "excerpt"}
            assert result["url"].startswith("../articles/") and result["url"].endswith("/index.html")
            assert where.file_of(urljoin(page.url, result["url"])).is_file(), result["url"]
        page.wait_for_load_state("networkidle")
        for result in results[:3]:
            page.goto(urljoin(where.url("search/index.html"), result["url"]))
            assert page.locator("h1").inner_text().strip() == result["title"].strip()
        assert traffic.problems() == []


def test_filters_are_listed_and_filter_only_searches_work(browser: Any, where: Where) -> None:
    with opened(browser, where, "search/index.html") as (page, traffic):
        counts = page.evaluate("() => window.archiveSearch.filters()")
        assert set(counts) == {"section", "source", "place", "year"}
        year, count = max(counts["year"].items(), key=lambda kv: kv[1])
        found = run_api(page, "", limit=5000, filters={"year": year})
        assert len(found) == count and all(r["date"].startswith(year) for r in found)
        assert traffic.problems() == []


def test_http_and_disk_give_identical_results(browser: Any, bundled_site: Path, servers: dict) -> None:
    seen = {}
    for name in WAYS:
        where = where_of(name, bundled_site, servers)
        with opened(browser, where, "search/index.html") as (page, traffic):
            seen[name] = {q: [(r["url"], r["title"], r["excerpt"]) for r in run_api(page, q, limit=5000)]
                          for q in QUERIES}
            assert traffic.problems() == []
    assert seen["root"] == seen["subpath"] == seen["disk"]


def test_normalisation_in_javascript_agrees_with_python(browser: Any, bundled_site: Path) -> None:
    from tests.test_search import FINDS, MISSES

    script = (bundled_site / "pagefind" / search.RULES_FILE).read_text(encoding="utf-8")
    table = json.loads(script[script.index("(") + 1:script.rindex(")")])
    rules = matching.Rules.from_json(table)
    articles = pipeline.load(tools.REPO_ROOT).articles
    chunks = sorted({c for a in articles for part in search.article_chunks(a) for c in part})
    chunks += ["ﻣﻮﺳﻜﻮ", "لإيران", "مسئولين", "٢٠١٨م", "THE-Voice", "e\u0301cole", "ﻻ", "\u200fموسكو\u200e",
               "الـــحكومة", "İstanbul", "ΟΔΟΣ", "x_y", "كـ", "\u0627\u0653", "للالتزام", "وبالحكومات"]
    chunks += [text for pair in FINDS + MISSES for text in pair]
    with opened(browser, where_of("disk", bundled_site, {}), "search/index.html") as (page, _traffic):
        in_js = page.evaluate("""([chunks, rules]) => chunks.map(c => [window.akhbarNormalise.fold(c),
                                   window.akhbarNormalise.queryTerms(c, rules)])""", [chunks, table])
    in_python = [[search_fold(c), [t.__dict__ for t in matching.query_terms(c, rules)]] for c in chunks]
    mismatches = [(c, js, py) for c, js, py in zip(chunks, in_js, in_python, strict=True) if js != py]
    assert len(chunks) > 5000 and table["groups"] and mismatches == []


# ------------------------------------------------------------------ accessibility


@pytest.mark.parametrize("name", ["disk", "subpath"])
def test_the_search_page_with_results_has_no_axe_violations(browser: Any, bundled_site: Path, servers: dict,
                                                             name: str) -> None:
    axe = tools.require(AXE if AXE.is_file() else None, "node_modules/axe-core is missing: run `npm ci`")
    where = where_of(name, bundled_site, servers)
    with opened(browser, where, search_url("الحكومة")) as (page, traffic):
        wait_for_results(page)
        # The page's CSP forbids injected <script> elements; evaluating through the DevTools
        # protocol is not subject to it, so axe runs on the page exactly as readers get it.
        page.evaluate(Path(axe).read_text(encoding="utf-8") + "\n;undefined")
        wcag = {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
        # preload: false keeps axe from re-fetching the style sheets (blocked from disk); every rule
        # still runs on the rendered page. The second run has every rule, as ../shared/judges/judge-axe.
        for options in ({"runOnly": wcag, "preload": False}, {"preload": False}):
            result = page.evaluate("options => window.axe.run(document, options)", options)
            violations = [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]
            assert violations == [], options
        assert traffic.problems() == []


# ------------------------------------------------------------------ addresses with Arabic letters


SMALL = {
    "content/gov.md": "---\ntitle: الحكومة الجديدة\ndate: 2018-03-01\nslug: الحكومة-الجديدة\n---\nأعلنت الحكومة خطتها.\n",
    "content/other.md": "---\ntitle: خبر آخر\ndate: 2018-03-02\n---\nلا شيء هنا.\n",
}


@pytest.mark.parametrize("index_links", [True, False])
def test_result_links_open_articles_with_arabic_addresses(browser: Any, make_site, tmp_path: Path,
                                                          index_links: bool) -> None:
    yaml = f"title: ت\nbase_url: https://example.org/a/\nindex_links: {str(index_links).lower()}\n"
    out = tmp_path / "out"
    pipeline.build(pipeline.load(make_site({**SMALL, "site.yaml": yaml})), out)
    with Server(out, SUBPATH) as server:
        ways = [where_of("subpath", out, {"subpath": server})]
        if index_links:  # a server-only site (index_links: false) is not meant to be opened from disk
            ways.append(where_of("disk", out, {}))
        for where in ways:
            with opened(browser, where, search_url("والحكومه")) as (page, traffic):
                assert wait_for_results(page) == 1
                link = page.locator("#search-results h2 a")
                href = link.get_attribute("href")
                assert href.endswith("/index.html") == index_links, href
                link.click()
                page.wait_for_load_state()
                assert page.locator("h1").inner_text().strip() == "الحكومة الجديدة"
                assert traffic.problems() == []


# ------------------------------------------------------------------ archives split into several bundles


SPLIT = {
    f"content/n{n}.md": f"---\ntitle: خبر {n} عن الحكومة\ndate: {year}-0{1 + n % 9}-1{n % 10}\n---\nنص عن الحكومة رقم {n}.\n"
    for n, year in enumerate([2015, 2015, 2016, 2016, 2016, 2017, 2018, 2018])
} | {"content/undated.md": "---\ntitle: خبر بلا تاريخ عن الحكومة\n---\nنص عن الحكومة.\n"}


def test_an_archive_split_into_bundles_searches_them_all(browser: Any, make_site, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "SPLIT_ABOVE", 3)
    out = tmp_path / "out"
    pipeline.build(pipeline.load(make_site(SPLIT)), out)
    assert len(list(out.glob("pagefind*/pagefind-entry.json"))) >= 3
    with Server(out, SUBPATH) as server:
        for where in (where_of("subpath", out, {"subpath": server}), where_of("disk", out, {})):
            with opened(browser, where, "search/index.html") as (page, traffic):
                assert len(run_api(page, "الحكومه", limit=100)) == len(SPLIT)
                newest = [r["date"] for r in run_api(page, "الحكومه", limit=100, sort="newest")]
                assert newest[:-1] == sorted(newest[:-1], reverse=True) and newest[-1] == ""
                oldest = [r["date"] for r in run_api(page, "الحكومه", limit=100, sort="oldest")]
                assert oldest == newest[::-1]
                counts = page.evaluate("() => window.archiveSearch.filters()")
                assert counts["year"] == {"2015": 2, "2016": 3, "2017": 1, "2018": 2}
                assert len(run_api(page, "", limit=100, filters={"year": {"any": ["2016", "2018"]}})) == 5
                assert traffic.problems() == []


# ------------------------------------------------------------------ counts and empty results


def section_counts(page: Any) -> dict[str, int]:
    options = page.locator("#search-section option").evaluate_all(
        "os => os.slice(1).map(o => [o.value, o.textContent])")
    return {value: int(text.rsplit("(", 1)[1].rstrip(")")) for value, text in options}


def test_filter_counts_are_those_of_the_current_search(browser: Any, where: Where) -> None:
    with opened(browser, where, search_url("الحكومة")) as (page, traffic):
        everything = wait_for_results(page)
        counts = section_counts(page)
        archive = page.evaluate("archiveSearch.filters().then(f => f.section)")
        assert counts and sum(counts.values()) <= everything  # at most one section per article
        assert all(counts[v] < archive[v] for v in counts), (counts, archive)  # not the whole archive's
        for value in sorted(counts, key=counts.get)[-2:]:
            page.select_option("#search-section", value)
            page.wait_for_selector(f"#search-status[data-total='{counts[value]}']")
            # the chosen filter's list still counts the query's results in every section
            assert section_counts(page) == counts
        # the other filters count within the chosen section
        years = page.locator("#search-year option").evaluate_all("os => os.slice(1).map(o => o.textContent)")
        assert sum(int(t.rsplit("(", 1)[1].rstrip(")")) for t in years) == counts[value], years
        assert traffic.problems() == []


def test_a_search_that_finds_nothing_offers_searches_that_do(browser: Any, where: Where) -> None:
    with opened(browser, where, search_url("الحكومة ميسي")) as (page, traffic):
        assert wait_for_results(page) == 0
        offer = page.locator("#search-suggestions a").first
        offer.wait_for()
        assert "بدون «ميسي»" in offer.inner_text()  # its rarest word left out
        suggested = int(page.locator("#search-suggestions li").first.inner_text().split()[-2])
        offer.click()
        page.wait_for_selector("#search-status[data-total]:not([data-total='0'])")
        assert wait_for_results(page) == suggested > 0 and page.input_value("#search-q") == "الحكومة"
        page.goto(where.url(search_url("الحكومة", year="1990")))
        assert wait_for_results(page) == 0
        page.locator("#search-suggestions a", has_text="بلا تصفية").click()
        page.wait_for_selector("#search-status[data-total]:not([data-total='0'])")
        assert "year=" not in page.url
        assert page.locator("#search-empty a[href$='archive/index.html']").count() == 1
        assert traffic.problems() == []
