"""The built archive in a real headless Chromium: RTL structure, navigation, fonts and layout.

The bundled archive is opened two ways, as a reader would:
  * "disk": straight from the built folder (file:// URLs), no server at all;
  * "http": over HTTP under a sub-path (/news-archive/ on 127.0.0.1, a random port), as on a
    project site such as GitHub Pages.  Anything asked of the server outside the sub-path is
    answered 404 and recorded, so a link that climbs out of the site (an absolute "/assets/…")
    is caught even when the browser would have shrugged it off.
Every request the browser makes is recorded; a page must not fail a request, get a status
>= 400 or ask anything of the network other than the site itself (fonts are self-hosted).

Each Chromium launch gets a fresh temporary profile (Playwright's launch() does that).
"""

from __future__ import annotations

import posixpath
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import url2pathname

import pytest

from akhbar import site as pipeline
from tests import tools

pytestmark = pytest.mark.browser

SUBPATH = "/news-archive/"
FONT_FAMILY = "Noto Naskh Arabic"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
PAGE_KINDS = ("home", "article", "archive", "404")


# ------------------------------------------------------------------ reading the built pages


@dataclass
class Anchor:
    href: str
    text: str
    inside: frozenset[str]  # class names of every ancestor element


class PageParser(HTMLParser):
    """Links (with the classes of the elements around them) and h1 texts of one page."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, frozenset[str]]] = []
        self.anchors: list[Anchor] = []
        self.h1: list[str] = []
        self._anchor: dict[str, Any] | None = None
        self._h1: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href") is not None:
            inside = frozenset(c for _, classes in self.stack for c in classes)
            self._anchor = {"href": values["href"], "text": [], "inside": inside}
        if tag == "h1":
            self._h1 = []
        if tag not in self.VOID:
            self.stack.append((tag, frozenset((values.get("class") or "").split())))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._anchor is not None:
            a = self._anchor
            self.anchors.append(Anchor(a["href"], " ".join("".join(a["text"]).split()), a["inside"]))
            self._anchor = None
        if tag == "h1" and self._h1 is not None:
            self.h1.append(" ".join("".join(self._h1).split()))
            self._h1 = None
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data: str) -> None:
        if self._anchor is not None:
            self._anchor["text"].append(data)
        if self._h1 is not None:
            self._h1.append(data)

    def links(self, *, inside: str) -> list[Anchor]:
        return [a for a in self.anchors if inside in a.inside]


def parse(site: Path, rel: str) -> PageParser:
    parser = PageParser()
    parser.feed((site / rel).read_text(encoding="utf-8"))
    parser.close()
    return parser


def target_of(rel: str, href: str) -> str:
    """The output path a relative link on page `rel` points to ('articles/x/index.html')."""
    path = unquote(urlsplit(href).path)
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(rel), path))
    if href.endswith("/") or joined == ".":
        joined = posixpath.join("" if joined == "." else joined, "index.html")
    return joined


@dataclass
class Route:
    """The pages the navigation test walks through, chosen from the build (not hard-coded)."""

    article: str  # output path of an article with a resolved "see also" link
    target: str  # the page that link points to; it lists `article` among its backlinks
    see_also_href: str  # the link, as written in the article page
    on_home: str | None  # the article's link as written on the home page, if the home page lists it


def choose_route(site: Path) -> Route:
    home = parse(site, "index.html")
    home_links = {target_of("index.html", a.href): a.href for a in home.links(inside="article-list")}
    candidates = list(home_links) + sorted(
        p.relative_to(site).as_posix() for p in (site / "articles").rglob("index.html")
    )
    for rel in dict.fromkeys(candidates):
        if not rel.startswith("articles/"):
            continue
        for link in parse(site, rel).links(inside="see-also"):
            target = target_of(rel, link.href)
            if not (site / target).is_file():
                continue
            back = {target_of(target, a.href) for a in parse(site, target).links(inside="backlinks")}
            if rel in back:
                return Route(rel, target, link.href, home_links.get(rel))
    raise AssertionError("no article in the build has a resolved '.see-also a' link with a backlink")


# ------------------------------------------------------------------ serving the site under a sub-path


class SiteServer:
    """The built folder mounted at SUBPATH on 127.0.0.1; everything else is 404 and recorded."""

    def __init__(self, root: Path):
        self.root = root
        self.requested: list[str] = []
        self.outside: list[str] = []
        self.lock = threading.Lock()
        handler = partial(_Handler, directory=str(root), server_ref=self)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}{SUBPATH}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="site-server", daemon=True)

    def __enter__(self) -> SiteServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)


class _Handler(SimpleHTTPRequestHandler):
    def __init__(self, *args: Any, server_ref: SiteServer, **kwargs: Any):
        self.site_server = server_ref
        super().__init__(*args, **kwargs)

    def _inside(self) -> bool:
        path = urlsplit(self.path).path
        with self.site_server.lock:
            self.site_server.requested.append(self.path)
            if not path.startswith(SUBPATH):
                self.site_server.outside.append(self.path)
                return False
        return True

    def do_GET(self) -> None:
        if self._inside():
            super().do_GET()
        else:
            self.send_error(404, "outside the site's sub-path")

    def do_HEAD(self) -> None:
        if self._inside():
            super().do_HEAD()
        else:
            self.send_error(404, "outside the site's sub-path")

    def translate_path(self, path: str) -> str:
        # Only called for paths under SUBPATH: strip it, then map onto the built folder.
        rest = path[len(SUBPATH) - 1:] if path.startswith(SUBPATH) else "/\0"
        return super().translate_path(rest)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # Like GitHub Pages: a missing page under the site gets the site's own 404.html.
        not_found = self.site_server.root / "404.html"
        if code == 404 and urlsplit(self.path).path.startswith(SUBPATH) and not_found.is_file():
            body = not_found.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass


# ------------------------------------------------------------------ where the site is opened from


@dataclass
class Where:
    name: str
    base: str  # URL of the site's root folder, ending in "/"
    site: Path
    server: SiteServer | None = None

    def url(self, rel: str) -> str:
        return self.base + rel

    def inside(self, url: str) -> bool:
        parts = urlsplit(url)
        if self.name == "deployed":  # the published site, emulated by routing base_url onto the build
            return url.startswith(self.base)
        if self.server is None:
            if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
                return False
            path = Path(url2pathname(parts.path)).resolve()
            return path.is_relative_to(self.site.resolve())
        return (parts.scheme == "http" and parts.hostname == "127.0.0.1"
                and parts.port == self.server.port and parts.path.startswith(SUBPATH))

    def rel_of(self, url: str) -> str:
        """The output path a loaded URL shows ('' for the site root → 'index.html')."""
        assert url.startswith(self.base), f"{url} is not under {self.base}"
        rel = unquote(urlsplit(url[len(self.base):]).path)
        return rel + "index.html" if rel == "" or rel.endswith("/") else rel


@dataclass
class Traffic:
    """Everything one browser context asked for, and what went wrong."""

    where: Where
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    bad_status: list[str] = field(default_factory=list)

    def watch(self, context: Any) -> None:
        context.on("request", lambda r: self.requests.append(r.url))
        context.on("requestfailed", lambda r: self.failed.append(f"{r.url}: {r.failure}"))
        context.on("response", lambda r: r.status >= 400 and self.bad_status.append(f"{r.status} {r.url}"))

    def outside(self) -> list[str]:
        return [u for u in self.requests if not self.where.inside(u)]

    def problems(self) -> list[str]:
        return ([f"failed: {f}" for f in self.failed] + [f"status {s}" for s in self.bad_status]
                + [f"outside the site: {u}" for u in self.outside()]
                + [f"asked of the server outside {SUBPATH}: {p}"
                   for p in (self.where.server.outside if self.where.server else [])])


# ------------------------------------------------------------------ fixtures


@dataclass(repr=False)
class SiteFacts:
    """What the tests need to know from the loaded archive.  Not the Site itself: its repr, with
    every article and their cross-links, takes pytest minutes to print when a test fails."""

    base_url: str
    titles: dict[str, str]  # output path → headline
    longest_title: str  # output paths of the articles most likely to overflow a phone
    longest_word: str

    def __repr__(self) -> str:
        return f"<SiteFacts: {len(self.titles)} articles, base_url={self.base_url}>"


def _longest_word(html: str) -> int:
    return max((len(w) for w in re.sub(r"<[^>]+>", " ", html).split()), default=0)


@pytest.fixture(scope="module")
def facts() -> SiteFacts:
    # built here, from locals: pytest prints the arguments of failing frames, never their locals
    loaded = pipeline.load(tools.REPO_ROOT)
    articles = loaded.articles
    return SiteFacts(
        base_url=loaded.settings.base_url,
        titles={a.url: a.title for a in articles},
        longest_title=max(articles, key=lambda a: (len(a.title), a.url)).url,
        longest_word=max(articles, key=lambda a: (_longest_word(a.body_html), a.url)).url,
    )


@pytest.fixture(scope="module")
def route(bundled_site: Path) -> Route:
    return choose_route(bundled_site)


@pytest.fixture(scope="module")
def server(bundled_site: Path) -> Iterator[SiteServer]:
    with SiteServer(bundled_site) as running:
        yield running


@pytest.fixture(params=["disk", "http"])
def where(request: pytest.FixtureRequest, bundled_site: Path) -> Where:
    if request.param == "disk":
        return Where("disk", bundled_site.resolve().as_uri() + "/", bundled_site)
    server: SiteServer = request.getfixturevalue("server")
    with server.lock:
        server.outside.clear()
        server.requested.clear()
    return Where("http", server.base, bundled_site, server)


@contextmanager
def open_context(browser: Any, where: Where, viewport: dict[str, int] = DESKTOP) -> Iterator[tuple[Any, Traffic]]:
    context = browser.new_context(viewport=viewport, locale="ar", java_script_enabled=True)
    context.set_default_timeout(15_000)
    traffic = Traffic(where)
    traffic.watch(context)
    try:
        yield context.new_page(), traffic
    finally:
        context.close()


def page_rel(kind: str, route: Route) -> str:
    return {"home": "index.html", "article": route.article, "archive": "archive/index.html",
            "404": "404.html"}[kind]


def serve_as_deployed(context: Any, site: Path, base_url: str) -> list[str]:
    """Answer every request under base_url from the build, as the host would (GitHub Pages sends
    404.html with status 404 for a missing page).  The 404 page links to base_url: it is served at
    any depth, so relative links would not do, and its Content-Security-Policy ('self') only lets
    it load its styles from that origin."""
    asked: list[str] = []
    prefix = urlsplit(base_url).path

    def fulfil(r: Any) -> None:
        asked.append(r.request.url)
        rel = unquote(urlsplit(r.request.url).path[len(prefix):])
        path = site / rel
        if rel == "" or rel.endswith("/"):
            path = path / "index.html"
        if path.is_file():
            r.fulfill(path=str(path))
        else:
            r.fulfill(status=404, path=str(site / "404.html"), content_type="text/html; charset=utf-8")

    context.route(base_url + "**", fulfil)
    return asked


def open_404_as_deployed(page: Any, site: Path, base_url: str) -> list[str]:
    asked = serve_as_deployed(page.context, site, base_url)
    response = page.goto(base_url + "no/such/page/", wait_until="load")
    assert response is not None and response.status == 404, response and response.status
    return asked


def load_kind(page: Any, where: Where, kind: str, route: Route, base_url: str) -> str:
    """Open one kind of page where `where` says; returns its output path.

    The 404 page is opened as a host shows it for a missing address: over HTTP, for any missing
    page under the sub-path; from disk, the file itself.  Either way its links point to base_url,
    which is not where the test serves the site: those requests are aborted (never sent to the
    network); test_404_page_as_deployed checks the page with them answered."""
    if kind == "404":
        page.context.route(base_url + "**", lambda r: r.abort())
        url = where.url("no/such/page/") if where.server else where.url("404.html")
        response = page.goto(url, wait_until="load")
        assert response is not None and response.status == (404 if where.server else 200)
        return "404.html"
    rel = page_rel(kind, route)
    response = page.goto(where.url(rel), wait_until="load")
    assert response is not None and response.ok, f"{rel}: {response and response.status}"
    return rel


ROOT_FACTS = """() => ({
    lang: document.documentElement.getAttribute('lang'),
    dir: document.documentElement.getAttribute('dir'),
    h1: document.querySelectorAll('h1').length,
    bodyDirection: getComputedStyle(document.body).direction,
    h1Direction: document.querySelector('h1') && getComputedStyle(document.querySelector('h1')).direction,
    fontFamily: getComputedStyle(document.body).fontFamily,
})"""


# ------------------------------------------------------------------ tests


def test_the_route_is_found_in_the_build(route: Route, bundled_site: Path) -> None:
    assert (bundled_site / route.article).is_file() and (bundled_site / route.target).is_file()
    assert route.article != route.target


@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_every_kind_of_page_is_arabic_rtl(browser: Any, where: Where, route: Route, facts: SiteFacts,
                                          kind: str) -> None:
    base_url = facts.base_url
    with open_context(browser, where) as (page, traffic):
        rel = load_kind(page, where, kind, route, base_url)
        root = page.evaluate(ROOT_FACTS)
        assert root["lang"] == "ar" and root["dir"] == "rtl", f"{kind} ({rel}): {root}"
        assert root["h1"] == 1, f"{kind} ({rel}) has {root['h1']} h1 elements"
        assert root["bodyDirection"] == "rtl" and root["h1Direction"] == "rtl", root
        if kind != "404":  # the 404 page's stylesheet is at base_url: see test_404_page_as_deployed
            assert FONT_FAMILY in root["fontFamily"], f"the stylesheet did not apply on {kind}: {root}"

        if kind == "article":
            title = " ".join(facts.titles[rel].split())
            h1 = page.locator("h1")
            assert h1.evaluate("e => e.children.length") == 0, "the h1 holds more than the headline"
            assert " ".join(h1.inner_text().split()) == title
            assert parse(where.site, rel).h1 == [title]

        problems = traffic.problems()
        if kind == "404":
            expected = ("status 404 " + where.url("no/such/page/"), "outside the site: " + base_url,
                        "failed: " + base_url) + depth_fallbacks(where.url("no/such/page/"))
            problems = [p for p in problems if not p.startswith(expected)]
        assert not problems, f"{kind} ({where.name}):\n" + "\n".join(problems)


def depth_fallbacks(missing: str) -> tuple[str, ...]:
    """The 404 page's relative stylesheet and script, meant for where it sits at the site's root (from
    disk): at depth they are missing, and the page is styled from base_url instead (see 404.html)."""
    return tuple(f"{kind} {missing}{asset}" for kind in ("failed:", "status 404")
                 for asset in ("assets/css/site.css", "assets/css/search.css", "assets/js/not-found.js"))


def test_404_page_as_deployed(browser: Any, bundled_site: Path, facts: SiteFacts) -> None:
    """A missing address on the deployed site (base_url): the 404 page, styled, all its files found."""
    base_url = facts.base_url
    where = Where("deployed", base_url, bundled_site)
    with open_context(browser, where) as (page, traffic):
        asked = open_404_as_deployed(page, bundled_site, base_url)
        root = page.evaluate(ROOT_FACTS)
        assert root["lang"] == "ar" and root["dir"] == "rtl" and root["h1"] == 1, root
        assert root["bodyDirection"] == "rtl" and FONT_FAMILY in root["fontFamily"], root
        assert any(u.endswith("/assets/css/site.css") for u in asked), asked
        # its links lead to pages of the site (absolute, under base_url)
        hrefs = page.locator("main a").evaluate_all("els => els.map(e => e.href)")
        assert hrefs and all(h.startswith(base_url) for h in hrefs), hrefs
        for href in hrefs:
            rel = unquote(urlsplit(href).path[len(urlsplit(base_url).path):])
            assert (bundled_site / (rel + "index.html" if rel == "" or rel.endswith("/") else rel)).is_file(), href
        # everything it loaded exists in the build; nothing else was asked for
        problems = [p for p in traffic.problems() if p != f"status 404 {base_url}no/such/page/"
                    and not p.startswith(depth_fallbacks(f"{base_url}no/such/page/"))]
        outside = [u for u in traffic.requests if not u.startswith(base_url)]
        assert not problems and not outside, "\n".join(problems + outside)


def _click(page: Any, selector: str, expect_rel: str, where: Where) -> None:
    link = page.locator(selector)
    assert link.count() >= 1, f"no link {selector} on {page.url}"
    with page.expect_navigation(wait_until="load"):
        link.first.click()
    assert where.rel_of(page.url) == expect_rel, f"clicked {selector}, landed on {page.url}"
    page.wait_for_load_state("load")


def _css_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def test_navigation_home_article_see_also_backlink_archive_home(browser: Any, where: Where, route: Route) -> None:
    with open_context(browser, where) as (page, traffic):
        page.goto(where.base if where.server else where.url("index.html"), wait_until="load")
        assert where.rel_of(page.url) == "index.html"

        # home → the article (through the archive's pages when the home page does not list it)
        if route.on_home is not None:
            _click(page, f".article-list .item-title a[href={_css_string(route.on_home)}]", route.article, where)
        else:
            _click(page, ".site-nav a[href$='archive/index.html']", "archive/index.html", where)
            for _ in range(500):
                here = where.rel_of(page.url)
                wanted = posixpath.relpath(route.article, posixpath.dirname(here))
                if page.locator(f".article-list .item-title a[href={_css_string(wanted)}]").count():
                    _click(page, f".article-list .item-title a[href={_css_string(wanted)}]", route.article, where)
                    break
                assert page.locator(".pager a[rel=next]").count(), f"{route.article} is not in the archive"
                with page.expect_navigation(wait_until="load"):
                    page.locator(".pager a[rel=next]").first.click()
            else:
                raise AssertionError("the archive has too many pages")

        # the article → its "see also" target, which links back to the article
        _click(page, f".see-also a[href={_css_string(route.see_also_href)}]", route.target, where)
        back = [where.rel_of(urljoin(page.url, h)) for h in
                page.locator(".backlinks a").evaluate_all("els => els.map(e => e.getAttribute('href'))")]
        assert route.article in back, f"{route.target} does not list {route.article} under backlinks: {back}"

        # → the archive listing → back home
        _click(page, ".site-nav a[href$='archive/index.html']", "archive/index.html", where)
        assert page.locator("h1").count() == 1 and page.locator("main a").count() > 0
        _click(page, ".site-nav a[href$='index.html']:not([href$='archive/index.html'])", "index.html", where)
        assert page.locator(".article-list").count() == 1

        problems = traffic.problems()
        assert not problems, f"navigation ({where.name}):\n" + "\n".join(problems)
        assert len(traffic.requests) >= 5


def _platform_fonts(page: Any, selector: str) -> list[dict[str, Any]]:
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        assert node, f"no {selector}"
        return cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        cdp.detach()


def test_self_hosted_font_and_no_other_network(browser: Any, where: Where, route: Route) -> None:
    with open_context(browser, where) as (page, traffic):
        page.goto(where.url(route.article), wait_until="load")
        faces = page.evaluate("""async () => {
            await document.fonts.ready;
            return [...document.fonts].map(f => ({family: f.family.replace(/["']/g, ''),
                                                   weight: f.weight, status: f.status}));
        }""")
        loaded_weights = {f["weight"] for f in faces if f["family"] == FONT_FAMILY and f["status"] == "loaded"}
        assert {"400", "700"} <= loaded_weights, f"@font-face state: {faces}"

        # The text is drawn with the downloaded font, not with a system copy of Noto Naskh (the
        # Debian machines that run the tests have one installed).
        for selector in ("h1", ".body p"):
            fonts = _platform_fonts(page, selector)
            assert fonts and all(f["familyName"] == FONT_FAMILY and f["isCustomFont"] for f in fonts), (
                f"{selector} is drawn with other fonts than the self-hosted {FONT_FAMILY}: {fonts}")

        font_files = [u for u in traffic.requests if "/assets/fonts/" in u and u.endswith(".woff2")]
        assert any("arabic-400" in u for u in font_files) and any("arabic-700" in u for u in font_files), font_files
        assert all(where.inside(u) for u in font_files), font_files

        problems = traffic.problems()
        assert not problems, f"fonts ({where.name}):\n" + "\n".join(problems)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "375px"])
def test_article_text_is_right_aligned(browser: Any, bundled_site: Path, route: Route,
                                       viewport: dict[str, int]) -> None:
    where = Where("disk", bundled_site.resolve().as_uri() + "/", bundled_site)
    with open_context(browser, where, viewport) as (page, traffic):
        page.goto(where.url(route.article), wait_until="load")
        page.evaluate("document.fonts.ready.then(() => true)")
        box = page.evaluate("""() => {
            const main = document.querySelector('main');
            const m = main.getBoundingClientRect(), cs = getComputedStyle(main);
            // the text itself: a paragraph's "#" and "copy link" controls may sit in the margin
            const text = el => { const r = document.createRange(); r.selectNodeContents(el);
                                 const controls = el.querySelector('.para-link');
                                 if (controls) r.setEndBefore(controls);
                                 const b = r.getBoundingClientRect(); return {left: b.left, right: b.right}; };
            const rect = el => { const b = el.getBoundingClientRect(); return {left: b.left, right: b.right}; };
            const h1 = document.querySelector('h1'), p = document.querySelector('.body p');
            return {
                column: {left: m.left + parseFloat(cs.paddingLeft), right: m.right - parseFloat(cs.paddingRight)},
                article: rect(document.querySelector('article.article')),
                h1: rect(h1), h1Text: text(h1), p: rect(p), pText: text(p),
                seeAlso: rect(document.querySelector('.see-also')),
                textAlign: getComputedStyle(h1).textAlign, pAlign: getComputedStyle(p).textAlign,
                viewport: document.documentElement.clientWidth,
            };
        }""")
        col = box["column"]
        near = 2.0
        for name in ("article", "h1", "h1Text", "p", "pText", "seeAlso"):
            edge = box[name]
            assert abs(edge["right"] - col["right"]) <= near, f"{name} right edge {edge} vs column {col}"
            assert edge["left"] >= col["left"] - near, f"{name} spills past the column's left edge: {box}"
        # The measure leaves the empty space on the left in RTL (the text starts on the right).
        if viewport is DESKTOP:
            assert box["article"]["left"] - col["left"] > 100, box
        assert box["textAlign"] in ("start", "right") and box["pAlign"] in ("start", "right"), box
        assert not traffic.problems(), traffic.problems()


@pytest.mark.parametrize("kind", PAGE_KINDS + ("longest-title", "longest-word"))
def test_no_horizontal_scroll_on_a_phone(browser: Any, bundled_site: Path, route: Route, facts: SiteFacts,
                                         kind: str) -> None:
    where = Where("disk", bundled_site.resolve().as_uri() + "/", bundled_site)
    with open_context(browser, where, PHONE) as (page, _traffic):
        if kind == "404":
            open_404_as_deployed(page, bundled_site, facts.base_url)
        elif kind in PAGE_KINDS:
            load_kind(page, where, kind, route, facts.base_url)
        else:
            page.goto(where.url(getattr(facts, kind.replace("-", "_"))), wait_until="load")
        page.evaluate("document.fonts.ready.then(() => true)")
        size = page.evaluate("""() => ({scroll: document.documentElement.scrollWidth,
                                        client: document.documentElement.clientWidth,
                                        wide: [...document.querySelectorAll('body *')]
                                          .filter(e => { const b = e.getBoundingClientRect();
                                                         return b.width && (b.left < -1 || b.right > innerWidth + 1); })
                                          .slice(0, 5).map(e => e.tagName + '.' + e.className)})""")
        assert size["client"] == PHONE["width"]
        assert size["scroll"] <= size["client"], f"{kind} scrolls sideways at 375px: {size}"
