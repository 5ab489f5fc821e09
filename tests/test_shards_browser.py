"""Acceptance for sharded archives: sample-2k as three shards by date, each served from its own
origin (three ports, answering cross-origin requests with `Access-Control-Allow-Origin: *` as
GitHub Pages does), in real headless Chromium under the pages' own Content-Security-Policy.

  * a search from the oldest shard finds articles of all three, each linking to its own shard;
  * a shard that cannot be reached is named on the search page, and the others' results still show;
  * a "see also" link from one shard opens the article in another;
  * no link of any shard points nowhere, each shard's links checked with the others at their base_urls.
"""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Iterator
from functools import partial
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from akhbar import cli

pytestmark = pytest.mark.browser

NAMES = ("early", "mid", "late")
UNTIL = {"early": "2018-03-31", "mid": "2018-06-30"}  # sample-2k: 2014 and Jan-Mar 2018, Apr-Jun, Jul-Oct


class _CorsHandler(SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def shards(sample_2k_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[str, Path]]]:
    """name -> (base_url, built folder), each shard served on its own port while the module runs."""
    top = tmp_path_factory.mktemp("sharded-2k")
    root, out = top / "site", top / "out"
    shutil.copytree(sample_2k_root / "content", root / "content")
    servers = {name: ThreadingHTTPServer(("127.0.0.1", 0), partial(_CorsHandler, directory=str(out / name)))
               for name in NAMES}
    bases = {name: f"http://127.0.0.1:{server.server_address[1]}/" for name, server in servers.items()}
    lines = [f"  - {{name: {n}, base_url: '{bases[n]}'" + (f", until: {UNTIL[n]}}}" if n in UNTIL else "}")
             for n in NAMES]
    (root / "site.yaml").write_text(f"title: أرشيف\nbase_url: {bases['late']}\nshards:\n" + "\n".join(lines) + "\n",
                                    encoding="utf-8")
    assert cli.main(["build", "--quiet", "--site", str(root), "--all-shards", "--out", str(out)]) == 0
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers.values()]
    for thread in threads:
        thread.start()
    try:
        yield {name: (bases[name], out / name) for name in NAMES}
    finally:
        for server in servers.values():
            server.shutdown()
            server.server_close()


def new_page(browser: Any) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(locale="ar", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    problems: list[str] = []
    context.on("weberror", lambda e: problems.append(str(e.error)))
    context.on("console", lambda m: m.type == "error" and problems.append(m.text))
    context.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
    return context, context.new_page(), problems


def origin(url: str) -> str:
    return "{0.scheme}://{0.netloc}/".format(urlsplit(url))


def test_a_search_from_the_oldest_shard_finds_articles_of_all_three(browser: Any, shards: dict) -> None:
    context, page, problems = new_page(browser)
    try:
        page.goto(shards["early"][0] + "search/index.html?q=" + "الحكومة")
        page.wait_for_selector("#search-status[data-total]")
        total = int(page.get_attribute("#search-status", "data-total"))
        found = page.evaluate("q => window.archiveSearch(q, {limit: 5000})", "الحكومة")
        assert len(found) == total > 100
        by_shard = {name: [r["url"] for r in found if r["url"].startswith(base)] for name, (base, _) in shards.items()}
        local = [r["url"] for r in found if not r["url"].startswith("http")]  # relative: the page's own shard
        assert by_shard["mid"] and by_shard["late"] and local, {k: len(v) for k, v in by_shard.items()}
        assert len(local) + len(by_shard["mid"]) + len(by_shard["late"]) == total
        # each result's address is its article's page in its own shard
        for url in by_shard["mid"][:20] + by_shard["late"][:20]:
            base, folder = next(shards[n] for n in NAMES if url.startswith(shards[n][0]))
            assert (folder / unquote(url[len(base):])).is_file(), url
        shown = page.eval_on_selector_all("#search-results h2 a", "links => links.map(a => a.href)")
        assert {origin(u) for u in shown} >= {shards["late"][0]}  # relevance merges; the newest shard ranks high
        newest = page.evaluate("q => window.archiveSearch(q, {sort: 'newest', limit: 3})", "الحكومة")
        assert all(r["url"].startswith(shards["late"][0]) for r in newest)  # date order runs across shards
        assert page.evaluate("window.archiveSearch.unreachable()") == []
        assert page.is_hidden("#search-shards")
        assert problems == []
    finally:
        context.close()


def test_a_shard_that_cannot_be_reached_is_named_and_the_others_still_answer(browser: Any, shards: dict) -> None:
    context, page, problems = new_page(browser)
    try:
        mid = shards["mid"][0]
        context.route(mid + "**", lambda route: route.abort())
        page.goto(shards["early"][0] + "search/index.html?q=" + "الحكومة")
        page.wait_for_selector("#search-status[data-total]")
        assert int(page.get_attribute("#search-status", "data-total")) > 50
        note = page.inner_text("#search-shards")
        assert page.is_visible("#search-shards") and "mid" in note and mid in note
        urls = page.eval_on_selector_all("#search-results h2 a", "links => links.map(a => a.href)")
        assert urls and not [u for u in urls if u.startswith(mid)]
        found = page.evaluate("q => window.archiveSearch(q, {limit: 5000})", "الحكومة")
        assert any(r["url"].startswith(shards["late"][0]) for r in found)
        assert not any(r["url"].startswith(mid) for r in found)
        assert page.evaluate("window.archiveSearch.unreachable()") == [{"shard": "mid", "url": mid}]
    finally:
        context.close()
    assert not [p for p in problems if "could not be loaded" not in p and "net::ERR_FAILED" not in p], problems


def test_a_see_also_link_opens_the_article_in_another_shard(browser: Any, shards: dict) -> None:
    base_late, late = shards["late"]
    base_mid = shards["mid"][0]
    for page_file in sorted(late.glob("articles/*/index.html")):
        text = page_file.read_text(encoding="utf-8")
        block = text[text.find('id="see-also"'):]
        link = re.search(r'<a href="(' + re.escape(base_mid) + r'articles/[^"]+)"[^>]*>([^<]+)</a>', block)
        if 'id="see-also"' in text and link:
            break
    else:
        pytest.fail("no article of the late shard has a \"see also\" link into the mid shard")
    context, page, problems = new_page(browser)
    try:
        page.goto(base_late + page_file.relative_to(late).as_posix())
        page.click(f'a[href="{link.group(1)}"] >> nth=0')
        page.wait_for_url(link.group(1))
        import html

        assert page.inner_text("h1").strip() == html.unescape(link.group(2)).strip()
        backlinks = page.eval_on_selector_all("a", "links => links.map(a => a.href)")
        assert base_late + page_file.relative_to(late).as_posix() in backlinks  # it links back to late
        assert problems == []
    finally:
        context.close()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and (name in ("href", "src") or (name == "content" and tag == "meta" and value.startswith("0;"))):
                self.found.append(value.split("url=", 1)[1] if value.startswith("0;") else value)


def test_no_link_of_any_shard_points_nowhere(shards: dict) -> None:
    """Every href and src of every page, resolved against the page's address in its shard; one that
    lands in any shard (at its base_url) must name a file that shard has."""
    broken: list[str] = []
    checked = across = 0
    for _name, (base, folder) in shards.items():
        for page in folder.rglob("*.html"):
            rel = page.relative_to(folder).as_posix()
            if rel == "404.html":
                continue
            parser = _Links()
            parser.feed(page.read_text(encoding="utf-8"))
            for link in parser.found:
                target = urljoin(base + rel, link).split("#")[0].split("?")[0]
                if not target.startswith("http://127.0.0.1"):
                    continue
                home = next(((b, f) for b, f in shards.values() if target.startswith(b)), None)
                if home is None:
                    broken.append(f"{rel} in {base}: {link} is in no shard")
                    continue
                path = unquote(target[len(home[0]):])
                file = home[1] / (path + "index.html" if path == "" or path.endswith("/") else path)
                checked += 1
                across += home[0] != base
                if not file.is_file():
                    broken.append(f"{rel} in {base}: {link}")
    assert checked > 50_000 and across > 5_000, (checked, across)  # 92,501 and 8,023 when written
    assert broken == [], broken[:20]


def test_the_offline_zip_of_a_sharded_archive_holds_and_searches_every_shard_from_disk(
        browser: Any, make_site: Any, tmp_path: Path) -> None:
    """`bundle` builds a sharded archive whole, as one site: every shard's articles, one search
    over them all from disk (file://), no address of any shard's site."""
    import zipfile

    from tests.test_shards import FILES

    root = make_site(FILES)
    out, target = tmp_path / "out", tmp_path / "archive.zip"
    assert cli.main(["bundle", "--quiet", "--site", str(root), "--out", str(out), "--zip", str(target)]) == 0
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(target) as archive:
        archive.extractall(unpacked)
    site = unpacked / "archive"
    assert sorted(p.parent.name for p in site.glob("articles/*/index.html")) == ["a", "b", "c", "d", "e"]
    search_page = (site / "search" / "index.html").read_text(encoding="utf-8")
    assert 'data-bundles="pagefind/"' in search_page and "archive-early" not in search_page
    context, page, problems = new_page(browser)
    try:
        page.goto((site / "search" / "index.html").as_uri() + "?q=" + "الذهب")
        page.wait_for_selector("#search-status[data-total]")
        found = page.evaluate("q => window.archiveSearch(q, {limit: 50})", "الذهب")
        slugs = sorted(r["url"].split("/")[-2] for r in found)
        assert slugs == ["b", "e"]  # early's and the newest shard's (undated) articles, both from disk
        page.click("#search-results h2 a >> nth=0")
        page.wait_for_load_state()
        assert page.url.startswith(site.as_uri())
        assert problems == []
    finally:
        context.close()


def test_firefox_searches_every_shard_from_the_oldest(firefox: Any, shards: dict) -> None:
    """The same search in firefox-esr: module imports, fetches and WebAssembly from the other
    shards' origins, under the page's CSP."""
    from tests.test_firefox import total, wait_for

    firefox.navigate(shards["early"][0] + "search/index.html?q=" + "%D8%A7%D9%84%D8%AD%D9%83%D9%88%D9%85%D8%A9")
    count = total(firefox)
    # sandbox=None: in the page's own scope, where archiveSearch lives (not Marionette's sandbox)
    firefox.execute_script("window.__found = null; window.archiveSearch('الحكومة', {limit: 5000})"
                           ".then(r => { window.__found = r.map(x => x.url); }, e => { window.__found = [String(e)]; });",
                           sandbox=None)
    urls = wait_for(lambda: firefox.execute_script("return window.__found", sandbox=None), "archiveSearch's results")
    assert len(urls) == count > 100
    for name in ("mid", "late"):
        assert any(u.startswith(shards[name][0]) for u in urls), name
    assert any(not u.startswith("http") for u in urls)  # the page's own shard: relative links
    assert firefox.execute_script("return document.getElementById('search-shards').hidden") is True
