"""Publishing and linking: share tags and cards on pages, GitHub Pages files, redirects from old
addresses, paragraph deep links, the offline zip, and the same build on disk and under a sub-path."""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
import subprocess
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import yaml
from PIL import Image

from akhbar import aliases, bundle, publishing, share
from akhbar import site as pipeline
from akhbar.cli import EXIT_OK, EXIT_PROBLEMS, main
from akhbar.output import OutputError
from akhbar.problems import SiteError
from tests import tools
from tests.conftest import MakeSite

BASE = "https://user.github.io/archive/"
SITE_YAML = f"title: أرشيف الاختبار\nbase_url: {BASE}\ndescription: أخبار للاختبار\n"
DATED = """\
---
title: روسيا تقصف مواقع «داعش» في دير الزور بطائرات Su-34
date: 2017-09-17T14:30:00
place: موسكو
source: سانا
section: سياسة
tags: [روسيا, سوريا]
source_url: https://sana.sy/?p=1
---
قالت وزارة الدفاع الروسية إن طائراتها قصفت مواقع التنظيم.

وأضافت أن الغارات دمرت مستودعات للأسلحة.
"""
UNDATED = "---\ntitle: خبر بلا تاريخ\nsummary: ملخص قصير للخبر.\n---\nنص الخبر.\n"
ENGLISH = "---\ntitle: Apple unveils a phone\ndate: 2023-09-12\nlang: en\n---\nApple unveiled a phone.\n"


def build(root: Path, out: Path | None = None) -> pipeline.BuildResult:
    out = out or root.parent / "public"
    return pipeline.build(pipeline.load(root), out, cache=root.parent / "card-cache")


@pytest.fixture
def small(make_site: MakeSite) -> Path:
    root = make_site({"site.yaml": SITE_YAML, "content/strikes.md": DATED, "content/undated.md": UNDATED,
                      "content/apple.md": ENGLISH})
    build(root)
    return root.parent / "public"


def head_of(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    return text[: text.index("</head>")]


def metas(page: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key, value in re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', head_of(page)):
        found.setdefault(key, []).append(value)
    return found


def json_ld(page: Path) -> list[dict[str, Any]]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page.read_text(), re.S)
    return [json.loads(b) for b in blocks]


# ---------------------------------------------------------------- share tags and cards


def test_article_page_has_open_graph_and_twitter_tags(small: Path) -> None:
    page = small / "articles/strikes/index.html"
    tags = metas(page)
    canonical = BASE + "articles/strikes/index.html"
    assert re.search(f'<link rel="canonical" href="{re.escape(canonical)}">', head_of(page))
    assert tags["og:type"] == ["article"] and tags["og:url"] == [canonical]
    assert tags["og:title"] == ["روسيا تقصف مواقع «داعش» في دير الزور بطائرات Su-34"]
    assert tags["og:description"] == ["قالت وزارة الدفاع الروسية إن طائراتها قصفت مواقع التنظيم."]
    assert tags["og:locale"] == ["ar_AR"] and tags["og:site_name"] == ["أرشيف الاختبار"]
    assert tags["og:image"] == [BASE + "articles/strikes/card.png"]
    assert (tags["og:image:width"], tags["og:image:height"]) == (["1200"], ["630"])
    assert tags["twitter:card"] == ["summary_large_image"]
    # X reads title, description and image from Open Graph: they are not said twice
    assert not {"twitter:title", "twitter:description", "twitter:image"} & set(tags)
    assert tags["twitter:image:alt"] == tags["og:image:alt"] == tags["og:title"]
    assert tags["article:published_time"] == ["2017-09-17T14:30:00"]
    assert tags["article:tag"] == ["روسيا", "سوريا"]


def test_description_comes_from_the_summary_and_the_locale_from_the_language(small: Path) -> None:
    assert metas(small / "articles/undated/index.html")["og:description"] == ["ملخص قصير للخبر."]
    assert metas(small / "articles/apple/index.html")["og:locale"] == ["en_US"]


@pytest.mark.parametrize(("tag", "locale"), [("ar", "ar_AR"), ("en", "en_US"), ("en-GB", "en_GB"),
                                             ("fr", "fr_FR"), ("ar-EG", "ar_EG"), ("sw", "sw_SW")])
def test_open_graph_locale(tag: str, locale: str) -> None:
    assert share.og_locale(tag) == locale


def test_news_article_json_ld_names_headline_dates_place_source_and_publisher(small: Path) -> None:
    [data] = json_ld(small / "articles/strikes/index.html")
    canonical = BASE + "articles/strikes/index.html"
    assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle"
    assert data["headline"].startswith("روسيا تقصف")
    assert data["datePublished"] == data["dateModified"] == "2017-09-17"  # no zone was given: no time invented
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": canonical}
    assert data["inLanguage"] == "ar" and data["image"] == [BASE + "articles/strikes/card.png"]
    assert data["contentLocation"] == {"@type": "Place", "name": "موسكو"}
    assert data["sourceOrganization"]["name"] == data["author"]["name"] == "سانا"
    assert data["publisher"]["name"] == "أرشيف الاختبار"
    assert data["publisher"]["logo"]["url"] == BASE + "assets/logo.png"
    assert data["isBasedOn"] == "https://sana.sy/?p=1"
    assert "description" not in data  # the page's description and og:description say it already


NEWSROOM = """\
---
title: قمة في الرياض
date: 2018-03-01T09:00:00+03:00
updated: 2018-03-02T18:30:00+03:00
author: [أحمد الريدي, فيصل الحربي]
source: العربية.نت
image: summit.jpg
image_alt: القادة في القاعة
image_caption: صورة جماعية للقادة
image_credit: واس
---
افتتحت القمة أعمالها.
"""


def expanded_and_checked(data: dict[str, Any], where: str) -> list[str]:
    """Validate JSON-LD as tests/test_judges.py does: PyLD expansion and rdflib's schema.org terms."""
    try:
        from pyld import jsonld
        from rdflib.namespace import SDO
    except ImportError:
        tools.require(None, "PyLD and rdflib are missing: run `make venv` (pip install -e '.[test]')")
    from tests.test_judges import NEWS_ARTICLE, check_node

    def loader(url: str, options: Any = None) -> dict[str, Any]:
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
                "document": {"@context": {"@vocab": "http://schema.org/"}}}

    expanded = jsonld.expand(data, {"documentLoader": loader})
    assert expanded and expanded[0]["@type"] == ["http://schema.org/NewsArticle"]
    errors: list[str] = []
    check_node(data, where, set(SDO.__annotations__), errors)
    errors += [f"{where}: no {key}" for key in NEWS_ARTICLE if not data.get(key)]
    return errors


def test_news_article_json_ld_names_authors_image_and_date_modified(make_site: MakeSite) -> None:
    root = make_site({"site.yaml": SITE_YAML, "content/summit.md": NEWSROOM, "content/strikes.md": DATED})
    (root / "content/summit.jpg").write_bytes(_jpeg(1800, 1200))
    build(root)
    out = root.parent / "public"
    [data] = json_ld(out / "articles/summit/index.html")
    assert expanded_and_checked(data, "summit") == []
    assert [a["@type"] for a in data["author"]] == ["Person", "Person"]
    assert [a["name"] for a in data["author"]] == ["أحمد الريدي", "فيصل الحربي"]
    for person in data["author"]:
        page = person["url"][len(BASE):]
        assert (out / unquote(page)).is_file() and person["name"] in (out / unquote(page)).read_text()
    assert data["datePublished"] == "2018-03-01T09:00:00+03:00"
    assert data["dateModified"] == "2018-03-02T18:30:00+03:00"
    [image] = data["image"]
    assert image["@type"] == "ImageObject" and (image["width"], image["height"]) == (1600, 1067)
    assert (image["caption"], image["creditText"]) == ("صورة جماعية للقادة", "واس")
    assert (out / image["url"][len(BASE):]).is_file()
    meta = metas(out / "articles/summit/index.html")
    assert meta["og:image"] == [image["url"]] and "twitter:image" not in meta
    assert meta["article:modified_time"] == ["2018-03-02T18:30:00+03:00"]
    assert meta["article:author"] == ["أحمد الريدي", "فيصل الحربي"]
    [other] = json_ld(out / "articles/strikes/index.html")  # one author is a Person alone; none: the source
    assert other["author"] == {"@type": "Organization", "name": "سانا"}
    (root / "content/summit.md").write_text(NEWSROOM.replace("[أحمد الريدي, فيصل الحربي]", "أحمد الريدي"))
    build(root)
    [data] = json_ld(out / "articles/summit/index.html")
    assert data["author"]["@type"] == "Person" and data["author"]["name"] == "أحمد الريدي"


def _jpeg(width: int, height: int) -> bytes:
    import io

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (40, 90, 160)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_undated_article_has_no_news_article_block(small: Path) -> None:
    assert json_ld(small / "articles/undated/index.html") == []
    assert "og:title" in metas(small / "articles/undated/index.html")


def test_json_ld_cannot_be_closed_by_a_headline() -> None:
    text = share.json_ld({"headline": "</script><script>alert(1)</script> & more"})
    assert text.count("</script>") == 1 and "\\u003c/script\\u003e" in text


def test_every_article_has_its_card_and_the_site_its_logo(small: Path) -> None:
    for rel in ("articles/strikes/card.png", "articles/undated/card.png", "articles/apple/card.png",
                "assets/card.png"):
        assert Image.open(small / rel).size == (1200, 630), rel
    assert Image.open(small / "assets/logo.png").size == (600, 60)


def test_non_article_pages_have_a_canonical_address_and_the_site_card(small: Path) -> None:
    home = head_of(small / "index.html")
    assert f'<link rel="canonical" href="{BASE}index.html">' in home
    assert metas(small / "index.html")["og:image"] == [BASE + "assets/card.png"]
    assert "canonical" not in head_of(small / "404.html")


def test_cards_are_reused_on_the_next_build_and_the_output_is_identical(make_site: MakeSite, tmp_path: Path) -> None:
    root = make_site({"site.yaml": SITE_YAML, "content/strikes.md": DATED, "content/undated.md": UNDATED})
    first = build(root, tmp_path / "one")
    second = build(root, tmp_path / "two")
    assert first.published and second.published
    assert (first.published.cards_drawn, first.published.cards_reused) == (3, 0)
    assert (second.published.cards_drawn, second.published.cards_reused) == (0, 3)

    def digest(folder: Path) -> dict[str, str]:
        return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in folder.rglob("*") if p.is_file()}

    assert digest(tmp_path / "one") == digest(tmp_path / "two")
    (root / "content/strikes.md").write_text(DATED.replace("Su-34", "Su-35"), encoding="utf-8")
    third = build(root, tmp_path / "three")
    assert third.published and (third.published.cards_drawn, third.published.cards_reused) == (1, 2)



# ---------------------------------------------------------------- cards: false


def article_cards(folder: Path) -> list[str]:
    """Every share card of an article in a built site (the site's own assets/card.png aside)."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*card.png")
                  if p.relative_to(folder).as_posix() != "assets/card.png")


def test_cards_false_draws_no_article_card_and_pages_share_the_site_card(make_site: MakeSite,
                                                                         tmp_path: Path) -> None:
    root = make_site({"site.yaml": SITE_YAML + "cards: false\n", "content/strikes.md": DATED,
                      "content/undated.md": UNDATED, "content/apple.md": ENGLISH})
    result = build(root, tmp_path / "public")
    public = tmp_path / "public"
    assert result.published and (result.published.cards_drawn, result.published.cards_reused) == (1, 0)
    assert article_cards(public) == []
    assert Image.open(public / "assets/card.png").size == (1200, 630)
    assert Image.open(public / "assets/logo.png").size == (600, 60)
    site_card = BASE + "assets/card.png"
    for slug in ("strikes", "undated", "apple"):
        tags = metas(public / f"articles/{slug}/index.html")
        assert tags["og:image"] == [site_card] and "twitter:image" not in tags, slug
        assert tags["og:image:alt"] == tags["twitter:image:alt"] == ["أرشيف الاختبار"]  # what the image shows
        assert (tags["og:image:width"], tags["og:image:height"]) == (["1200"], ["630"])
        assert tags["twitter:card"] == ["summary_large_image"]
    [data] = json_ld(public / "articles/strikes/index.html")
    assert data["image"] == [site_card] and data["publisher"]["logo"]["url"] == BASE + "assets/logo.png"
    assert metas(public / "index.html")["og:image"] == [site_card]
    # Every image a page names is in the build.
    for page in public.rglob("*.html"):
        for url in metas(page).get("og:image", []):
            assert (public / url.removeprefix(BASE)).is_file(), (page, url)


def test_cards_false_with_the_sites_own_card_draws_nothing_and_gives_its_size(make_site: MakeSite,
                                                                              tmp_path: Path) -> None:
    own = tmp_path / "own.png"
    Image.new("RGB", (800, 418), "#123456").save(own)
    root = make_site({"site.yaml": SITE_YAML + "cards: false\n", "content/strikes.md": DATED,
                      "static/assets/card.png": own.read_bytes()})
    result = build(root, tmp_path / "public")
    public = tmp_path / "public"
    assert result.published and result.published.cards_drawn == result.published.cards_reused == 0
    assert article_cards(public) == []
    assert (public / "assets/card.png").read_bytes() == own.read_bytes()
    for page in ("articles/strikes/index.html", "index.html"):
        tags = metas(public / page)
        assert tags["og:image"] == [BASE + "assets/card.png"]
        assert (tags["og:image:width"], tags["og:image:height"]) == (["800"], ["418"]), page


def test_the_cards_false_site_is_valid_html(make_site: MakeSite, tmp_path: Path) -> None:
    bash = tools.require("bash", "bash is needed to run scripts/check-html.sh")
    tools.require("java", "java is missing: run `bash scripts/setup-system.sh` (Debian: default-jre-headless)")
    tools.require(tools.vnu_jar(), "vnu.jar is missing: run `npm ci --no-audit --no-fund` in the repository")
    root = make_site({"site.yaml": SITE_YAML + "cards: false\n", "content/strikes.md": DATED,
                      "content/undated.md": UNDATED})
    build(root, tmp_path / "public")
    run = subprocess.run([bash, str(tools.REPO_ROOT / "scripts/check-html.sh"), str(tmp_path / "public")],
                         capture_output=True, text=True, timeout=600, cwd=tools.REPO_ROOT)
    assert run.returncode == 0 and re.search(r"^vnu: 0 errors", run.stdout, re.M), run.stdout + run.stderr


@pytest.mark.parametrize(("line", "message"), [
    ("cards: no-thanks", "'cards' must be true or false"),
    ("cards: 0", "'cards' must be true or false"),
    ("card: false", "unknown key 'card' (did you mean 'cards'?)"),
])
def test_the_cards_key_is_checked(make_site: MakeSite, line: str, message: str) -> None:
    root = make_site({"site.yaml": SITE_YAML + line + "\n", "content/strikes.md": DATED})
    with pytest.raises(SiteError) as caught:
        pipeline.load(root)
    assert [p.format() for p in caught.value.problems.errors] == [f"site.yaml:4: error: {message}"]


# ---------------------------------------------------------------- hosting: sub-paths, GitHub Pages


def test_github_pages_files(make_site: MakeSite) -> None:
    root = make_site({"site.yaml": SITE_YAML + "cname: akhbar.example.org\n", "content/strikes.md": DATED})
    build(root)
    out = root.parent / "public"
    assert (out / ".nojekyll").read_text() == ""
    assert (out / "CNAME").read_text() == "akhbar.example.org\n"
    not_found = (out / "404.html").read_text(encoding="utf-8")
    # served at any depth under the sub-path, so its links are absolute under base_url
    # (but for the stylesheet and script that take over where it is opened at the site's root: see 404.html)
    hrefs = re.findall(r'(?:href|src)="([^"]+)"', not_found)
    fallbacks = {"assets/css/site.css", "assets/css/search.css", "assets/js/not-found.js"}
    assert hrefs and all(h.startswith(BASE) or h.startswith("#") or h in fallbacks for h in hrefs), hrefs
    assert fallbacks <= set(hrefs)


def test_no_cname_file_without_the_setting(small: Path) -> None:
    assert not (small / "CNAME").exists()


def test_no_page_asks_anything_of_the_domain_root(bundled_site: Path) -> None:
    """Root-relative links ('/x') would leave a project sub-path; the favicon is linked explicitly."""
    attr = re.compile(r'\b(?:href|src|action|content)="(/[^"]*)"')
    for page in bundled_site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not attr.findall(text), f"{page}: {attr.findall(text)[:3]}"
        assert '<link rel="icon"' in text, page


def test_every_article_page_has_its_canonical_address_under_base_url(bundled_site: Path) -> None:
    loaded = pipeline.load(tools.REPO_ROOT)
    base = loaded.settings.base_url
    for article in loaded.articles:
        page = (bundled_site / article.url).read_text(encoding="utf-8")
        canonical = re.search(r'<link rel="canonical" href="([^"]+)">', page)
        assert canonical and canonical.group(1).startswith(base), article.url
        assert unquote(canonical.group(1)[len(base):]) == article.url


def test_server_only_links_drop_index_html(make_site: MakeSite) -> None:
    root = make_site({"site.yaml": SITE_YAML + "index_links: false\n", "content/strikes.md": DATED,
                      "content/old.md": "---\ntitle: قديم\ndate: 2017-01-01\naliases: [news/old/]\n---\nنص.\n"})
    build(root)
    out = root.parent / "public"
    page = (out / "articles/strikes/index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{BASE}articles/strikes/">' in page
    assert 'href="../../index.html"' not in page
    redirect = (out / "news/old/index.html").read_text(encoding="utf-8")
    assert 'url=../../articles/old/"' in redirect


def test_size_is_reported_against_github_pages_and_warned_near_the_limit() -> None:
    assert publishing.pages_size_note(17_600_000) == "2% of GitHub Pages' 1 GB"
    assert publishing.pages_size_note(5_000) == "<1% of GitHub Pages' 1 GB"
    # 22 KB an article: 45,454 fit, said with two significant figures, rounded down
    assert publishing.pages_size_note(22_000_000, 1000) == \
        "2% of GitHub Pages' 1 GB; about 45,000 articles per 1 GB Pages site"
    assert publishing.pages_size_note(3_000, 1).endswith("about 330,000 articles per 1 GB Pages site")
    assert publishing.pages_size_note(600_000_000, 1) == "60% of GitHub Pages' 1 GB; about 1 article per 1 GB Pages site"
    report = publishing.PublishReport()
    publisher = object.__new__(publishing.Publisher)
    publisher.report = report
    publisher.check_size(700_000_000)
    assert not report.problems.items
    publisher.check_size(850_000_000)
    publisher.check_size(1_200_000_000)
    messages = [p.message for p in report.problems.warnings]
    assert "is near GitHub Pages' 1 GB limit" in messages[0] and "850 MB" in messages[0]
    assert "is over GitHub Pages' 1 GB limit" in messages[1]


def test_the_build_summary_gives_the_share_of_github_pages_limit(make_site: MakeSite, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    root = make_site({"site.yaml": SITE_YAML, "content/strikes.md": DATED})
    assert main(["build", "--site", str(root), "--out", str(tmp_path / "out"), "--quiet"]) == EXIT_OK
    printed = capsys.readouterr()
    assert re.search(r"of GitHub Pages' 1 GB; about [\d,]+ articles per 1 GB Pages site\)", printed.out)
    assert "Share cards: " in printed.err


def test_the_pages_workflow_builds_with_the_repository_base_url_and_deploys() -> None:
    workflow = yaml.safe_load((tools.REPO_ROOT / ".github/workflows/pages.yml").read_text(encoding="utf-8"))
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build_steps = workflow["jobs"]["build"]["steps"]
    uses = [s.get("uses", "").split("@")[0] for s in build_steps]
    assert {"actions/checkout", "actions/configure-pages", "actions/upload-pages-artifact"} <= set(uses)
    pages_step = next(s for s in build_steps if s.get("uses", "").startswith("actions/configure-pages"))
    run = " ".join(s.get("run", "") for s in build_steps)
    assert "pip install ." in run
    assert f'--base-url "${{{{ steps.{pages_step["id"]}.outputs.base_url }}}}"' in run
    upload = next(s for s in build_steps if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert f"--out {upload['with']['path']}" in run
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")


# ---------------------------------------------------------------- aliases: redirects from old addresses


def test_aliases_write_redirect_pages_to_the_article(make_site: MakeSite) -> None:
    front = "aliases: [articles/old-slug/, /news/2017/strikes.html, " + BASE + "legacy/strikes]\n"
    root = make_site({"site.yaml": SITE_YAML, "content/strikes.md": DATED.replace("---\n", "---\n" + front, 1)})
    result = build(root)
    out = root.parent / "public"
    assert result.published and result.published.redirects == 3
    for rel in ("articles/old-slug/index.html", "news/2017/strikes.html", "legacy/strikes/index.html"):
        page = (out / rel).read_text(encoding="utf-8")
        target = posixpath.relpath("articles/strikes/index.html", posixpath.dirname(rel))
        assert f'<meta http-equiv="refresh" content="0; url={target}">' in page, rel
        assert f'<link rel="canonical" href="{BASE}articles/strikes/index.html">' in page
        assert f'<a id="redirect-target" href="{target}">' in page  # the site's direction: no dir="auto"
        assert '<meta name="robots" content="noindex">' in page
        assert (out / rel).parent.joinpath(target).resolve() == (out / "articles/strikes/index.html").resolve()
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "old-slug" not in sitemap and "legacy" not in sitemap


@pytest.mark.parametrize(("alias", "message"), [
    ("../outside/", "has an empty, '.' or '..' segment"),
    ("news/../../etc/", "has an empty, '.' or '..' segment"),
    ("articles/other/", "is the address of content/other.md; an alias must not replace another article"),
    ("articles/strikes/", "is this article's own address; remove it from aliases"),
    ("https://elsewhere.example/news/1", "is not under this site's address"),
    ("news/item?id=3", "has a '?' or '#' part"),
    ("archive/2017/", "is an address the site itself uses"),
    ("/", "cannot be the site's home page"),
    ("news/item.php", "is not a folder or an .html page"),
    ("news/.hidden/", "names a hidden file or folder"),
])
def test_bad_aliases_are_errors_at_the_aliases_line(make_site: MakeSite, alias: str, message: str) -> None:
    text = DATED.replace("---\n", f"---\naliases: ['{alias}']\n", 1)
    root = make_site({"site.yaml": SITE_YAML, "content/strikes.md": text,
                      "content/other.md": "---\ntitle: آخر\ndate: 2017-01-01\n---\nنص.\n"})
    with pytest.raises(SiteError) as caught:
        pipeline.load(root)
    [problem] = caught.value.problems.errors
    assert (problem.path, problem.line) == ("content/strikes.md", 2)
    assert message in problem.message and problem.message.startswith("alias ")
    assert not (root.parent / "public").exists()


def test_two_articles_cannot_share_an_alias(make_site: MakeSite) -> None:
    root = make_site({
        "site.yaml": SITE_YAML,
        "content/a.md": "---\ntitle: أ\ndate: 2017-01-01\naliases: [news/x/]\n---\nنص.\n",
        "content/b.md": "---\ntitle: ب\ndate: 2017-01-02\n\naliases: [news/x/index.html]\n---\nنص.\n",
    })
    with pytest.raises(SiteError) as caught:
        pipeline.load(root)
    [problem] = caught.value.problems.errors
    assert problem.path == "content/b.md" and problem.line == 5
    assert "is already an alias of content/a.md" in problem.message


@pytest.mark.parametrize(("alias", "path"), [
    ("old/", "old/index.html"), ("/old", "old/index.html"), ("old/page.html", "old/page.html"),
    ("%D8%AE%D8%A8%D8%B1/", "خبر/index.html"), (BASE + "a/b/", "a/b/index.html"), ("a/b.HTM", "a/b.HTM"),
])
def test_alias_forms(alias: str, path: str) -> None:
    assert aliases.alias_path(alias, BASE) == (path, "")


# ---------------------------------------------------------------- paragraph deep links


def test_every_paragraph_has_an_anchor_and_no_markup_of_its_own_for_the_controls(bundled_site: Path) -> None:
    """The "#" link and the copy button are added by deep-links.js (the browser tests below click
    them): the HTML carries only each paragraph's anchor."""
    checked = 0
    for page in sorted(bundled_site.glob("articles/*/index.html"))[:40]:
        text = page.read_text(encoding="utf-8")
        ids = re.findall(r'<p id="(p\d+)">', text)
        assert ids == [f"p{n}" for n in range(1, len(ids) + 1)], page
        assert "para-link" not in text, page
        assert 'src="../../assets/js/deep-links.js" defer' in text
        checked += len(ids)
    assert checked > 100


def test_deep_links_leave_other_markup_alone() -> None:
    html = '<h3>عنوان</h3>\n<p id="p1">نص <em>مهم</em></p>\n<ul><li><p>بند</p></li></ul>'
    out = share.deep_links(html)
    assert out.count("para-link") == 1 and "<p>بند</p>" in out
    assert out.startswith('<h3>عنوان</h3>\n<p id="p1">نص <em>مهم</em> <a class="para-link" href="#p1"')


# ---------------------------------------------------------------- the offline zip


def test_bundle_zips_the_whole_build_under_one_folder_byte_identically(bundled_site: Path, tmp_path: Path) -> None:
    first = bundle.write_zip(bundled_site, tmp_path / "akhbar-offline.zip")
    again = bundle.write_zip(bundled_site, tmp_path / "copy" / "akhbar-offline.zip")
    assert (tmp_path / "akhbar-offline.zip").read_bytes() == (tmp_path / "copy/akhbar-offline.zip").read_bytes()
    assert first.folder == "akhbar-offline" and first == again
    with zipfile.ZipFile(tmp_path / "akhbar-offline.zip") as archive:
        names = archive.namelist()
        assert archive.testzip() is None
        assert all(info.date_time == bundle.ZIP_TIME for info in archive.infolist())
    site_files = {p.relative_to(bundled_site).as_posix() for p in bundled_site.rglob("*")
                  if p.is_file() and not p.name.startswith(".")}
    assert {n.removeprefix("akhbar-offline/") for n in names} == site_files | {"README.txt"}
    assert names == sorted(names, key=lambda n: n != "akhbar-offline/README.txt")
    assert "akhbar-offline/search/index.html" in names and "akhbar-offline/feed.xml" in names


def test_bundle_command_builds_and_zips(make_site: MakeSite, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    root = make_site({"site.yaml": SITE_YAML, "content/strikes.md": DATED})
    out = tmp_path / "out"
    assert main(["bundle", "--site", str(root), "--out", str(out), "--quiet"]) == EXIT_OK
    printed = capsys.readouterr().out.strip().splitlines()
    assert printed[-1].startswith("Bundled ") and "out/index.html" in printed[-1]
    with zipfile.ZipFile(tmp_path / "out.zip") as archive:
        assert "out/articles/strikes/index.html" in archive.namelist()
    zip_path = tmp_path / "دليل" / "أرشيف.zip"
    assert main(["bundle", "--site", str(root), "--out", str(out), "--zip", str(zip_path), "--quiet"]) == EXIT_OK
    with zipfile.ZipFile(zip_path) as archive:
        assert "أرشيف/index.html" in archive.namelist()


def test_bundle_refuses_to_zip_into_the_site(bundled_site: Path, tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="inside the site"):
        bundle.write_zip(bundled_site, bundled_site / "x.zip")
    with pytest.raises(ValueError, match="no built site"):
        bundle.write_zip(tmp_path, tmp_path.parent / "y.zip")


def test_bundle_of_a_site_with_errors_writes_nothing(make_site: MakeSite, tmp_path: Path) -> None:
    root = make_site({"site.yaml": SITE_YAML, "content/bad.md": "---\ndate: 2017-13-45\n---\n# x\n"})
    assert main(["bundle", "--site", str(root), "--out", str(tmp_path / "out"), "--quiet"]) == EXIT_PROBLEMS
    assert not (tmp_path / "out").exists() and not (tmp_path / "out.zip").exists()


# ---------------------------------------------------------------- in a browser: deep links, redirects, the zip

try:  # the browser fixtures and helpers of tests/test_browser.py
    from tests.test_browser import Where, open_context, route, server, where  # noqa: F401
except ImportError:  # pragma: no cover
    pytestmark = pytest.mark.skip("tests/test_browser.py is missing")


@pytest.mark.browser
def test_paragraph_links_show_on_hover_and_copy_the_canonical_address(browser: Any, where: Where,
                                                                     route: Any) -> None:
    with open_context(browser, where) as (page, traffic):
        page.context.grant_permissions(["clipboard-read", "clipboard-write"])
        page.goto(where.url(route.article), wait_until="load")
        canonical = page.locator('link[rel="canonical"]').get_attribute("href")
        paragraph = page.locator(".body p[id]").nth(1)
        pid = paragraph.get_attribute("id")
        link, button = paragraph.locator("a.para-link"), paragraph.locator("button.copy-link")
        assert link.evaluate("e => getComputedStyle(e).opacity") == "0"
        paragraph.hover()
        page.wait_for_function("e => getComputedStyle(e).opacity === '1'", arg=link.element_handle())
        assert button.is_visible()
        button.click()
        page.wait_for_function("b => b.hasAttribute('data-copied')", arg=button.element_handle())
        assert button.get_attribute("data-copied") == f"{canonical}#{pid}"
        assert page.evaluate("navigator.clipboard.readText()") == f"{canonical}#{pid}"
        link.click()
        assert urlsplit(page.url).fragment == pid
        assert not traffic.problems(), traffic.problems()


@pytest.mark.browser
def test_keyboard_focus_shows_the_paragraph_link(browser: Any, where: Where, route: Any) -> None:
    with open_context(browser, where) as (page, _traffic):
        page.goto(where.url(route.article), wait_until="load")
        link = page.locator(".body p[id] a.para-link").first
        link.focus()
        page.wait_for_function("e => getComputedStyle(e).opacity === '1'", arg=link.element_handle())


@pytest.mark.browser
def test_an_old_address_redirects_to_the_article_keeping_the_paragraph(browser: Any, make_site: MakeSite) -> None:
    root = make_site({"site.yaml": SITE_YAML,
                      "content/strikes.md": DATED.replace("---\n", "---\naliases: [news/old-strikes/]\n", 1)})
    build(root)
    out = root.parent / "public"
    where = Where("disk", out.resolve().as_uri() + "/", out)
    with open_context(browser, where) as (page, traffic):
        page.goto(where.url("news/old-strikes/index.html") + "#p2")
        page.wait_for_url(re.compile(r".*/articles/strikes/index\.html#p2$"))
        assert page.locator("h1").inner_text().startswith("روسيا تقصف")
        page.wait_for_load_state("networkidle")
        # the redirect page's favicon may still be loading when it moves on: aborted, not missing
        problems = [p for p in traffic.problems() if not ("old-strikes" in p or "favicon" in p) or
                    "ERR_ABORTED" not in p]
        assert not problems, problems
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(where.url("news/old-strikes/index.html"))
        page.wait_for_url(re.compile(r".*/articles/strikes/index\.html$"))  # the meta refresh alone
    finally:
        context.close()


@pytest.mark.browser
def test_the_unpacked_zip_is_read_from_disk_with_no_failed_request(browser: Any, bundled_site: Path,
                                                                    tmp_path: Path) -> None:
    zipped = tmp_path / "akhbar.zip"
    bundle.write_zip(bundled_site, zipped)
    with zipfile.ZipFile(zipped) as archive:
        archive.extractall(tmp_path / "unpacked")
    site = tmp_path / "unpacked" / "akhbar"
    where = Where("disk", site.resolve().as_uri() + "/", site)
    with open_context(browser, where) as (page, traffic):
        page.goto(where.url("index.html"), wait_until="load")
        first = page.locator(".article-list .item-title a").first
        href = first.get_attribute("href")
        with page.expect_navigation(wait_until="load"):
            first.click()
        assert page.url == urljoin(where.url("index.html"), href)
        assert page.locator("article.article h1").count() == 1
        page.wait_for_load_state("networkidle")  # the favicon comes after "load"; leaving earlier aborts it
        page.goto(where.url("search/index.html"), wait_until="networkidle")
        assert not traffic.problems(), traffic.problems()

