"""No injected script runs: the injection site in a real Chromium, over HTTP and from disk.

The site built from tests/sites/hostile/injection (markup in every field of two articles) is
opened page by page, over HTTP (127.0.0.1, a random port) and straight from disk (file://).
A page fails on any dialog (alert, confirm, prompt), any uncaught script error, any console
error (a Content-Security-Policy violation is one: the policy must allow everything the site
itself needs) and any request that leaves the site; requests that would leave it are answered
by nothing but a record. Markup typed into the articles must be on the page as text. The
search page is driven too: results for the injected words, and a query that is itself markup.
The 404 page links to the site's production address (it is served at any depth), so it is
opened there, with the production address answered from the build.
"""

from __future__ import annotations

import functools
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit
from urllib.request import url2pathname

import pytest

from akhbar.cli import EXIT_OK, main
from tests.test_hostile_input import HOSTILE, MARKUP, SCRAPED, TITLE, TXT_TITLE

pytestmark = pytest.mark.browser

BASE_URL = "https://example.org/archive/"  # the injection site's base_url


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("injection-browser")
    source = shutil.copytree(HOSTILE / "injection", root / "site")
    out = root / "public"
    assert main(["build", "--site", str(source), "--out", str(out), "--quiet"]) == EXIT_OK
    return out


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


@dataclass
class Watch:
    """Everything that went wrong while one browser context was open."""

    base: str  # the site's root URL
    site: Path
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def inside(self, url: str) -> bool:
        if url.startswith(("data:", "blob:", "about:")):
            return True
        if self.base.startswith("file:"):
            parts = urlsplit(url)
            return parts.scheme == "file" and Path(url2pathname(parts.path)).resolve().is_relative_to(self.site)
        return url.startswith(self.base)

    def problems(self) -> list[str]:
        return ([f"dialog: {d}" for d in self.dialogs] + [f"error: {e}" for e in self.errors]
                + [f"left the site: {u}" for u in self.outside] + [f"failed: {f}" for f in self.failed])


def open_context(browser: Any, base: str, site: Path) -> tuple[Any, Any, Watch]:
    context = browser.new_context(locale="ar", service_workers="block")
    context.set_default_timeout(15_000)
    watch = Watch(base, site.resolve())

    def guard(route: Any) -> None:
        url = route.request.url
        if watch.inside(url):
            route.continue_()
        else:
            watch.outside.append(url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.on("dialog", lambda d: (watch.dialogs.append(f"{d.type}: {d.message}"), d.dismiss()))
    page.on("pageerror", lambda e: watch.errors.append(f"uncaught {e}"))
    page.on("console", lambda m: m.type == "error" and watch.errors.append(f"console: {m.text}"))
    page.on("requestfailed", lambda r: watch.inside(r.url) and r.failure != "net::ERR_ABORTED"  # left the page
            and watch.failed.append(f"{r.url}: {r.failure}"))
    return context, page, watch


def pages_of(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if p.relative_to(site).as_posix() != "404.html")


@pytest.fixture(params=["http", "disk"])
def base(request: pytest.FixtureRequest, site: Path) -> str:
    if request.param == "disk":
        return site.resolve().as_uri() + "/"
    return request.getfixturevalue("server")


def settle(page: Any) -> None:
    """Let deferred scripts, fonts and timers run: an injected handler would fire by then."""
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready.then(() => true)")
    page.wait_for_timeout(150)


def wait_for(page: Any, condition: str, seconds: float = 15) -> None:
    """Poll a condition (page.wait_for_function compiles its string with eval, which the policy forbids)."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(condition):
        assert time.monotonic() < deadline, f"timed out waiting for {condition}"
        page.wait_for_timeout(100)


def test_no_page_runs_injected_script_or_leaves_the_site(browser: Any, site: Path, base: str) -> None:
    context, page, watch = open_context(browser, base, site)
    problems = {}
    try:
        for rel in pages_of(site):
            response = page.goto(base + quote(rel), wait_until="load")
            assert response is not None and (response.ok or base.startswith("file:")), rel
            settle(page)
            if rel.startswith("old/"):  # an alias: its page sends the reader on to the article
                assert page.url.endswith(MARKUP), page.url
            if watch.problems():
                problems[rel] = watch.problems()
                watch.dialogs.clear(), watch.errors.clear(), watch.outside.clear(), watch.failed.clear()
    finally:
        context.close()
    assert problems == {}


def test_injected_markup_is_on_the_page_as_text(browser: Any, site: Path, base: str) -> None:
    context, page, watch = open_context(browser, base, site)
    try:
        page.goto(base + quote(MARKUP), wait_until="load")
        settle(page)
        assert page.locator("h1").inner_text() == TITLE
        assert page.title().startswith(TITLE)
        assert page.locator(".place bdi").inner_text() == "<script>alert('place')</script>دمشق"
        assert page.locator(".summary").inner_text().startswith("ملخص <img src=x onerror=alert(1)>")
        body = page.locator(".body").inner_text()
        assert '<script>alert("body")</script>' in body and "{{ 7*7 }}" in body
        # nothing the content named became an element
        counts = page.evaluate("""() => ({
            scripts: [...document.scripts].filter(s => !s.src && s.type !== 'application/ld+json').length,
            foreign: document.querySelectorAll('iframe, object, embed, svg, img[onerror], [onload], [onclick], [onmouseover]').length,
            jsLinks: [...document.querySelectorAll('a[href]')].filter(a => a.protocol === 'javascript:').length,
        })""")
        assert counts == {"scripts": 0, "foreign": 0, "jsLinks": 0}
        page.goto(base + quote(SCRAPED), wait_until="load")
        settle(page)
        assert page.locator("h1").inner_text() == TXT_TITLE
        assert page.locator(".see-also a").first.inner_text() == TITLE
    finally:
        context.close()
    assert watch.problems() == []


def test_the_fonts_and_scripts_of_the_site_work_under_its_policy(browser: Any, site: Path, base: str) -> None:
    context, page, watch = open_context(browser, base, site)
    try:
        page.goto(base + quote(MARKUP), wait_until="load")
        settle(page)
        state = page.evaluate("""() => ({
            policy: document.querySelector('meta[http-equiv="Content-Security-Policy"]') !== null,
            fonts: [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family),
            styled: getComputedStyle(document.body).fontFamily,
            copyButtons: document.querySelectorAll('.para-link ~ button, button[data-label]').length,
        })""")
    finally:
        context.close()
    assert state["policy"]
    assert state["fonts"], "the self-hosted web font did not load under the policy"
    assert "Noto Naskh Arabic" in state["styled"]
    assert watch.problems() == []


def test_search_shows_injected_words_as_text(browser: Any, site: Path, base: str) -> None:
    if not (site / "search" / "index.html").is_file():
        pytest.skip("this build has no search page")
    context, page, watch = open_context(browser, base, site)
    try:
        for query in ("alert", "onerror", "<img src=x onerror=alert(1)>", "</script><script>alert(1)</script>"):
            page.goto(base + "search/index.html?q=" + quote(query), wait_until="load")
            wait_for(page, "document.getElementById('search-status').hasAttribute('data-total')"
                           " || document.querySelectorAll('#search-results li').length > 0")
            settle(page)
            if query == "alert":
                titles = page.locator("#search-results li h2, #search-results li .item-title").all_inner_texts()
                assert any("<script>" in t for t in titles), titles
            assert page.evaluate("document.querySelectorAll('#search-results script, #search-results img,"
                                 " #search-results svg, #search-results [onerror]').length") == 0
            assert page.locator("#search-q").input_value() == query
        options = page.locator("#search-source option").all_inner_texts()
        assert '"><svg onload=alert(1)>' in " ".join(options)  # markup-fields.md's source
    finally:
        context.close()
    assert watch.problems() == []


def test_the_404_page_at_its_production_address(browser: Any, site: Path) -> None:
    """Served at any depth, the 404 page loads the site's files from base_url: open it there."""
    context, page, watch = open_context(browser, BASE_URL, site)

    def production(route: Any) -> None:
        rel = unquote(urlsplit(route.request.url).path)[len(urlsplit(BASE_URL).path):] or "index.html"
        path = site / rel
        route.fulfill(path=str(path)) if path.is_file() else route.fulfill(status=404, body="missing: " + rel)

    context.route(BASE_URL + "**", production)
    try:
        page.goto(BASE_URL + "404.html", wait_until="load")
        settle(page)
        assert page.locator("h1").inner_text() == "الصفحة غير موجودة"
    finally:
        context.close()
    assert watch.problems() == []
