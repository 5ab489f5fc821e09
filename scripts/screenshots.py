#!/usr/bin/env python3
"""Screenshots of every kind of page, at 1366 and 390 px, light and dark, in headless Chromium.

    .venv/bin/python scripts/screenshots.py [--out DIR] [--kinds home,article,...] [--no-sample]

Builds the bundled archive (with one English article added, to show a left-to-right article in an
Arabic site) into a temporary folder, and sample-2k too when ../shared is there, serves them on
127.0.0.1 and writes DIR/<site>-<kind>-<width>-<scheme>.png (default DIR: /tmp/akhbar-screenshots).
Pages taller than two screens are cut there: the top of a page is what a reader judges first.
"""

from __future__ import annotations

import argparse
import functools
import json
import shutil
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from akhbar import site as pipeline  # noqa: E402
from tests import tools  # noqa: E402

WIDTHS = {1366: 900, 390: 844}
LTR_ARTICLE = """---
title: Damascus book fair opens with 400 publishers from 20 countries
date: 2018-03-14T10:00:00+03:00
lang: en
section: culture
source: skynews
place: دمشق
---
The Damascus International Book Fair opened on Wednesday with more than 400 publishers from 20 countries.

Organisers said the fair, the thirtieth of its kind, would run for ten days and host readings every evening.
"""


def build(root: Path, out: Path, base_url: str) -> Path:
    """Build the site in `root` for `base_url` into `out` (share cards cached beside it)."""
    pipeline.build(pipeline.load(root, base_url), out, cache=out.parent / "cache")
    return out


def bundled_with_ltr(scratch: Path) -> Path:
    """A copy of the repository's site with one English article added."""
    root = scratch / "bundled"
    for name in ("site.yaml", "content", "templates", "static"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        elif source.is_file():
            root.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, root / name)
    (root / "content" / "en-book-fair.md").write_text(LTR_ARTICLE, encoding="utf-8")
    return root


def sample_2k(scratch: Path) -> Path | None:
    """sample-2k dated and filed from its manifest, as the tests build it; None without ../shared."""
    corpus = tools.SHARED / "corpus"
    if not (corpus / "sample-2k").is_dir():
        return None
    root = scratch / "sample2k"
    (root / "content").mkdir(parents=True)
    (root / "site.yaml").write_text("title: أرشيف العينة\nbase_url: https://example.org/\n", encoding="utf-8")
    for line in (corpus / "sample-2k.manifest.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        text = (corpus / "sample-2k" / f"{row['id']}.txt").read_bytes()
        head = f"---\ndate: '{row['date']}'\nsection: {row['category']}\nsource: {row['source']}\n---\n"
        (root / "content" / f"{row['id']}.txt").write_bytes(head.encode() + text)
    return root


def first(folder: Path, pattern: str = "*") -> str:
    return next(p.name for p in sorted(folder.glob(pattern)) if (p / "index.html").is_file())


def kinds(site: Path, ltr: str | None) -> dict[str, str]:
    """One page of each kind, as a path relative to the site (with a query for searches)."""
    months = sorted(p for p in (site / "archive").glob("[0-9]" * 4 + "/[0-9][0-9]") if (p / "index.html").is_file())
    month = next((m for m in months if any(m.glob("[0-9][0-9]/index.html"))), months[0])  # one with day pages
    year = month.parent.name
    day = first(month, "[0-9][0-9]") if any(month.glob("[0-9][0-9]/index.html")) else None
    pages_of = {p: p.read_text(encoding="utf-8") for p in sorted((site / "articles").glob("*/index.html"))}
    plain = [p for p, html in pages_of.items() if 'class="lead-figure"' not in html] or list(pages_of)
    article = max(plain, key=lambda p: (pages_of[p].count('class="related'), p.name))  # with every box
    pictured = [p for p, html in pages_of.items() if 'class="lead-figure"' in html]
    pages = {
        "home": "index.html",
        "article": article.relative_to(site).as_posix(),
        "sections": "sections/index.html",
        "places": "places/index.html",
        "term": f"sections/{first(site / 'sections')}/index.html",
        "archive": "archive/index.html",
        "year": f"archive/{year}/index.html",
        "month": f"archive/{year}/{month.name}/index.html",
        "all": "archive/all/index.html",
        "search": "search/index.html?q=" + quote("الحكومة"),
        "search-none": "search/index.html?year=2014&q=" + quote("الحكومة"),
        "404": "no/such/page/",
    }
    if day:
        pages["day"] = f"archive/{year}/{month.name}/{day}/index.html"
    if ltr:
        pages["article-ltr"] = ltr
    if pictured:
        pages["article-image"] = pictured[0].relative_to(site).as_posix()
    return pages


class Handler(SimpleHTTPRequestHandler):
    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def shoot(site: Path, port: int, name: str, out: Path, pages: dict[str, str], wanted: set[str] | None) -> list[Path]:
    from playwright.sync_api import sync_playwright

    httpd = ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Handler, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    written = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=tools.CHROMIUM, args=tools.CHROMIUM_ARGS)
            for width, height in WIDTHS.items():
                for scheme in ("light", "dark"):
                    context = browser.new_context(viewport={"width": width, "height": height}, locale="ar",
                                                  color_scheme=scheme, device_scale_factor=1)
                    page = context.new_page()
                    for kind, rel in pages.items():
                        if wanted and kind not in wanted:
                            continue
                        page.goto(base + rel, wait_until="load")
                        page.evaluate("document.fonts.ready.then(() => true)")
                        if kind.startswith("search"):
                            page.wait_for_selector("#search-status[data-total]", timeout=20000)
                        full = page.evaluate("document.documentElement.scrollHeight")
                        target = out / f"{name}-{kind}-{width}-{scheme}.png"
                        page.screenshot(path=str(target), full_page=True,
                                        clip={"x": 0, "y": 0, "width": width, "height": min(full, height * 2)})
                        written.append(target)
                    context.close()
            browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/akhbar-screenshots"))
    parser.add_argument("--kinds", default="", help="comma-separated kinds (default: all)")
    parser.add_argument("--no-sample", action="store_true", help="skip sample-2k even when ../shared is there")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    wanted = set(filter(None, args.kinds.split(","))) or None
    with tempfile.TemporaryDirectory(prefix="akhbar-shots-") as scratch_name:
        scratch = Path(scratch_name)
        sites = {"bundled": bundled_with_ltr(scratch)}
        sample = None if args.no_sample else sample_2k(scratch)
        if sample:
            sites["sample2k"] = sample
        for name, root in sites.items():
            port = tools.free_port()  # built for the address it is served at: the 404 page links there
            site = build(root, scratch / f"{name}-out" / "public", f"http://127.0.0.1:{port}/")
            ltr = "articles/en-book-fair/index.html" if (site / "articles/en-book-fair/index.html").is_file() else None
            for path in shoot(site, port, name, args.out, kinds(site, ltr), wanted):
                print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
