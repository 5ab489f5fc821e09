"""The 404 page in a real Chromium, the three ways a reader meets it: hosted under a sub-path at any
depth (as GitHub Pages serves it for every missing address), opened from disk, and in `serve`.
Each time it must be styled (the site's stylesheet applied) and its links must open the site's pages.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from akhbar import site as pipeline
from tests.test_serve import serving, write_site

pytestmark = pytest.mark.browser

SUBPATH = "/archive/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Host(SimpleHTTPRequestHandler):
    """A static host serving the site under SUBPATH, with 404.html for anything missing (as GitHub Pages)."""

    def translate_path(self, path: str) -> str:
        return super().translate_path(path[len(SUBPATH) - 1:] if path.startswith(SUBPATH) else "/\0missing")

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        body = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def hosted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A small site built for http://127.0.0.1:PORT/archive/ and served there: base_url is real."""
    root = write_site(tmp_path_factory.mktemp("hosted") / "site")
    port = free_port()
    base = f"http://127.0.0.1:{port}{SUBPATH}"
    out = root.parent / "public"
    pipeline.build(pipeline.load(root, base), out)
    httpd = ThreadingHTTPServer(("127.0.0.1", port), partial(Host, directory=str(out)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield base, out
    finally:
        httpd.shutdown()
        httpd.server_close()


def check_styled_and_home_link_opens(page: Any, home: str) -> None:
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Noto Naskh Arabic" in font, "the site's stylesheet did not apply"
    assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).display") == "block"
    link = page.locator("main a", has_text="الصفحة الرئيسية")
    with page.expect_navigation(wait_until="load"):
        link.click()
    assert page.url == home, page.url
    assert page.locator(".article-list").count() == 1


@pytest.mark.parametrize("depth", ["no-such-page", "articles/missing/deeper/", "a/b/c/d/index.html"])
def test_hosted_under_a_sub_path_at_any_depth(browser: Any, hosted: tuple[str, Path], depth: str) -> None:
    base, _out = hosted
    context = browser.new_context(locale="ar")
    failed: list[str] = []
    context.on("response", lambda r: r.status >= 400 and failed.append(r.url))
    try:
        page = context.new_page()
        response = page.goto(base + depth, wait_until="load")
        assert response is not None and response.status == 404
        hrefs = page.locator("main a").evaluate_all("els => els.map(e => e.href)")
        assert hrefs and all(h.startswith(base) for h in hrefs), hrefs
        # the only failures: the page itself and, at depth, the relative fallbacks meant for the root
        here = page.url.rsplit("/", 1)[0]
        fallbacks = {f"{here}/assets/css/site.css", f"{here}/assets/css/search.css", f"{here}/assets/js/not-found.js"}
        assert set(failed) <= {base + depth} | fallbacks, failed
        check_styled_and_home_link_opens(page, base + "index.html")
    finally:
        context.close()


def test_opened_from_disk(browser: Any, hosted: tuple[str, Path]) -> None:
    base, out = hosted
    context = browser.new_context(locale="ar")
    context.route(base + "**", lambda r: r.abort())  # offline: base_url cannot be reached
    try:
        page = context.new_page()
        page.goto((out / "404.html").as_uri(), wait_until="load")
        hrefs = page.locator("main a").evaluate_all("els => els.map(e => e.href)")
        assert hrefs and all(h.startswith(out.as_uri() + "/") for h in hrefs), hrefs
        for href in hrefs:
            assert Path(href.removeprefix("file://")).is_file(), href
        check_styled_and_home_link_opens(page, (out / "index.html").as_uri())
    finally:
        context.close()


def test_in_the_preview_server(browser: Any, tmp_path: Path) -> None:
    with serving(write_site(tmp_path / "site"), tmp_path / "cache") as server:
        context = browser.new_context(locale="ar")
        outside: list[str] = []
        context.on("request", lambda r: r.url.startswith(server.url) or outside.append(r.url))
        try:
            page = context.new_page()
            response = page.goto(server.url + "articles/no/such/page/", wait_until="load")
            assert response is not None and response.status == 404
            check_styled_and_home_link_opens(page, server.url + "index.html")
            assert not outside, outside  # nothing asked of the published address
        finally:
            context.close()
        assert server.stop() == 0
