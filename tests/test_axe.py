"""axe-core on one page of every kind of the bundled archive, opened from disk in headless Chromium,
in the light and the dark colour scheme.

axe is injected the way ../shared/judges/judge-axe does it: a <script> element added to the page
with the page's Content-Security-Policy bypassed (Playwright's bypass_csp), so the published policy
needs no exception for audit tools; every non-experimental rule runs.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests import tools

AXE = tools.REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"


def first(folder: Path, pattern: str = "*") -> str:
    """The first sub-folder of `folder` (sorted) holding an index.html, relative to the site."""
    for path in sorted(folder.glob(pattern)):
        if (path / "index.html").is_file():
            return path.name
    raise AssertionError(f"no page under {folder}")


def kinds(site: Path) -> dict[str, str]:
    """One page of each kind: relative path (with a query for the search page)."""
    months = sorted(p for p in (site / "archive").glob("[0-9]" * 4 + "/[0-9][0-9]") if (p / "index.html").is_file())
    dense = [m for m in months if any(m.glob("[0-9][0-9]/index.html"))]  # a month with its calendar of days
    year, month = (dense or months)[0].parent.name, (dense or months)[0].name
    pages = {
        "home": "index.html",
        "archive": "archive/index.html",
        "year": f"archive/{year}/index.html",
        "month": f"archive/{year}/{month}/index.html",
        "all": "archive/all/index.html",
        "article": f"articles/{first(site / 'articles')}/index.html",
        "search": "search/index.html?q=" + quote("دمشق"),
        "404": "404.html",
    }
    days = [p for p in sorted((site / "archive" / year / month).glob("[0-9][0-9]")) if (p / "index.html").is_file()]
    if days:
        pages["day"] = f"archive/{year}/{month}/{days[0].name}/index.html"
    for taxonomy in ("sections", "sources", "places", "tags"):
        if (site / taxonomy / "index.html").is_file():
            pages[f"{taxonomy} index"] = f"{taxonomy}/index.html"
            pages[taxonomy] = f"{taxonomy}/{first(site / taxonomy)}/index.html"
    paged = sorted((site / "archive" / "all").glob("page/*/index.html"))
    if paged:
        pages["page 2"] = paged[0].relative_to(site).as_posix()
    return pages


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_kind_of_page_has_no_axe_violations(browser: Any, bundled_site: Path, scheme: str) -> None:
    axe = Path(tools.require(AXE if AXE.is_file() else None, "node_modules/axe-core is missing: run `npm ci`"))
    source = axe.read_text(encoding="utf-8")
    found: dict[str, list[str]] = {}
    pages = kinds(bundled_site)
    assert {"home", "year", "month", "article", "sections", "search"} <= set(pages)
    context = browser.new_context(locale="ar", bypass_csp=True, color_scheme=scheme)
    try:
        page = context.new_page()
        assert page.evaluate(f"matchMedia('(prefers-color-scheme: {scheme})').matches")
        for kind, rel in pages.items():
            path, _, query = rel.partition("?")
            url = (bundled_site / path).as_uri() + (f"?{query}" if query else "")
            page.goto(url, wait_until="load")
            if kind == "search":
                page.wait_for_selector("#search-results li", timeout=15000)  # axe runs with results showing
            page.add_script_tag(content=source)  # as judge-axe: the page's policy bypassed
            result = page.evaluate("() => window.axe.run(document, {resultTypes: ['violations']})")
            found[kind] = [f"{v['id']}: {v['help']} [{', '.join(' '.join(n['target']) for n in v['nodes'])}]"
                           for v in result["violations"]]
    finally:
        context.close()
    assert not {k: v for k, v in found.items() if v}, found
    assert re.fullmatch(r"[\w ]+", " ".join(found)), found  # every kind ran


def test_the_policy_admits_no_inline_script_not_even_an_audit_tools(browser: Any, bundled_site: Path) -> None:
    policy = (tools.REPO_ROOT / "akhbar/theme/templates/partials/csp.html").read_text(encoding="utf-8")
    assert "'sha256-" not in policy and "unsafe-inline" not in policy
    axe = Path(tools.require(AXE if AXE.is_file() else None, "node_modules/axe-core is missing: run `npm ci`"))
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto((bundled_site / "index.html").as_uri(), wait_until="load")
        for script in ("window.injected = true;", axe.read_text(encoding="utf-8")):
            with pytest.raises(Exception, match="Content Security Policy"):
                page.add_script_tag(content=script)
        assert page.evaluate("() => window.injected === undefined && window.axe === undefined")
    finally:
        context.close()
