"""Hostile input: the catalogue of bad articles, and markup where text belongs.

Two catalogues, one folder per case:
  * tests/sites/invalid/<case>/: sites that must not build; test_invalid_sites.py checks each
    one's exact messages (path:line: error: message (hint)) and that nothing is written.
  * tests/sites/hostile/<case>/: sites that build, with exactly the warnings in expected.txt
    (often none) and safe output, checked here case by case.
Cases that cannot live in the repository (a 20 MB article, symbolic links, a named pipe, a
file over the size limit) are made in a temporary folder by the tests below.

The `injection` site carries <script>, event-handler attributes, javascript: addresses,
</script> and Jinja syntax in every field an article has. Every output is read back: HTML text
and attributes, JSON-LD, Atom feeds and sitemaps, Pagefind metadata and share cards. Markup must
come out as text (or not at all), never as markup. tests/test_injection_browser.py loads the
same site in Chromium.
"""

from __future__ import annotations

import errno
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import unicodedata
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from akhbar import site as pipeline
from akhbar.cli import EXIT_OK, EXIT_PROBLEMS, main
from akhbar.content import LARGE_FILE_BYTES, MAX_FILE_BYTES
from akhbar.search import reveal_words
from tests.faults import Faults
from tests.tools import REPO_ROOT

SITES = Path(__file__).resolve().parent / "sites"
HOSTILE = SITES / "hostile"
INVALID = SITES / "invalid"
HOSTILE_CASES = sorted(p.name for p in HOSTILE.iterdir() if p.is_dir())

# The catalogue, case by case: where each one is checked.
REQUIRED_INVALID = {
    "yaml-broken", "front-matter-not-mapping", "unknown-front-matter-key", "empty-headline",
    "title-empty-string", "title-not-text", "bad-date-impossible", "bad-date-word", "date-not-a-date-type",
    "duplicate-url", "slug-dotdot", "slug-slash", "slug-nul", "slug-control", "slug-bidi-override",
    "slug-too-long", "slug-markup", "file-name-bidi-override", "cp1256-txt", "utf16-without-bom",
    "utf16-cut-short", "utf8-cut-short", "empty-file", "binary-md", "yaml-too-deep", "yaml-python-tag",
    "yaml-recursive-alias", "source-url-javascript", "duplicate-key",
}
REQUIRED_HOSTILE = {
    "injection", "utf16-bom", "utf8-bom", "crlf", "nfd", "see-also-self", "see-also-cycle", "deep-markdown",
}

# What the injection site's articles say, as the reader must see it (U+202E and control characters dropped).
TITLE = "</script><script>alert(1)</script> عنوان <img src=x onerror=alert(1)> {{ 7*7 }} عكس"
TXT_TITLE = '<script>alert("txt")</script> خبر من الموقع <img src=x onerror=alert(2)>'
CSP = ("default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; worker-src 'self' blob:; base-uri 'none'; form-action 'self' file:; "
       "manifest-src 'self'")
CSP_404 = ("default-src 'none'; script-src 'self' ORIGIN 'wasm-unsafe-eval'; "
           "style-src 'self' ORIGIN; img-src 'self' ORIGIN data:; font-src 'self' ORIGIN; connect-src 'self' ORIGIN; "
           "worker-src 'self' blob:; base-uri 'none'; form-action 'self' ORIGIN file:; manifest-src 'self'")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def expected_lines(case: str) -> list[str]:
    return (HOSTILE / case / "expected.txt").read_text(encoding="utf-8").splitlines()


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and ".cache" not in p.relative_to(folder).parts}


def build_copy(case: str, tmp: Path) -> Path:
    """Copy a hostile case out of the repository (a build keeps a card cache in its site folder),
    build it with the CLI and return the output folder."""
    site = shutil.copytree(HOSTILE / case, tmp / case, symlinks=True)
    out = tmp / f"{case}-out"
    assert main(["build", "--site", str(site), "--out", str(out), "--quiet"]) == EXIT_OK
    return out


def html_files(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def page_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


# ------------------------------------------------------------------ reading pages back


class Page(HTMLParser):
    """One built page as a browser would read it: element texts, attributes, scripts, and anything active."""

    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "data", "cite", "background",
                      "xlink:href", "ping", "srcset", "manifest", "icon"}
    NEVER = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "svg", "math", "style",
             "template", "portal", "noembed", "xmp", "plaintext"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, rel: str) -> None:
        super().__init__(convert_charrefs=True)
        self.rel = rel
        self.active: list[str] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.metas: list[dict[str, str | None]] = []
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.texts: dict[str, list[str]] = {}  # "h1", "title", ".class" -> texts of those elements
        self._open: list[tuple[str, list[str], list[str]]] = []  # (tag, keys, text parts)
        self._script: tuple[dict[str, str | None], list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.elements.append((tag, values))
        if tag in self.NEVER:
            self.active.append(f"<{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.active.append(f"<{tag} {name}=…> event handler")
            if name == "style":
                self.active.append(f"<{tag} style=…> inline style")
            if name in self.URL_ATTRIBUTES and value is not None and dangerous_url(value, tag):
                self.active.append(f"<{tag} {name}={value!r}>")
        if tag == "meta":
            self.metas.append(values)
            if (values.get("http-equiv") or "").lower() == "refresh":
                target = (values.get("content") or "").partition("url=")[2]
                if dangerous_url(target, tag) or re.match(r"^[a-z][a-z0-9+.-]*:|^//", target, re.I):
                    self.active.append(f"refresh to {target!r}")
        if tag == "script":
            src = values.get("src")
            if src is None and values.get("type") != "application/ld+json":
                self.active.append("an inline script")
            if src is not None and (re.match(r"^[a-z][a-z0-9+.-]*:|^//|^/", src, re.I) or not src.endswith(".js")):
                self.active.append(f"a script from {src!r}")
            self._script = (values, [])
        if tag not in self.VOID:
            keys = [tag] + ["." + c for c in (values.get("class") or "").split()]
            self._open.append((tag, keys, []))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script[0], "".join(self._script[1])))
            self._script = None
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i][0] == tag:
                for _tag, keys, parts in self._open[i:]:
                    text = " ".join("".join(parts).split())
                    for key in keys:
                        self.texts.setdefault(key, []).append(text)
                del self._open[i:]
                break

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script[1].append(data)
        for _tag, _keys, parts in self._open:
            parts.append(data)

    def handle_comment(self, data: str) -> None:
        if "alert(" in data:
            self.active.append("a comment opened by content")

    def meta(self, key: str, value: str) -> list[str]:
        return [m.get("content") or "" for m in self.metas if m.get(key) == value]


def dangerous_url(value: str, tag: str) -> bool:
    """A URL that would run script or smuggle a document, read the way browsers read it."""
    squeezed = "".join(ch for ch in value if ch > " ").lower()
    if squeezed.startswith("data:image/") and tag == "img":
        return False
    return squeezed.startswith(("javascript:", "vbscript:", "data:", "livescript:"))


def read_page(out: Path, rel: str) -> Page:
    parser = Page(rel)
    parser.feed(page_text(out / rel))
    parser.close()
    return parser


# ------------------------------------------------------------------ the catalogue is complete


def test_every_case_of_the_catalogue_has_a_folder() -> None:
    assert REQUIRED_INVALID <= {p.name for p in INVALID.iterdir() if p.is_dir()}
    assert REQUIRED_HOSTILE <= set(HOSTILE_CASES)


@pytest.mark.parametrize("case", HOSTILE_CASES)
def test_hostile_case_builds_with_exactly_the_expected_warnings(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    before = snapshot(HOSTILE / case)
    loaded = pipeline.load(HOSTILE / case)
    assert [p.format() for p in sorted(loaded.problems.items)] == expected_lines(case)
    assert not loaded.problems.errors
    assert main(["check", "--site", str(HOSTILE / case)]) == EXIT_OK
    build_copy(case, tmp_path)
    printed = capsys.readouterr()
    assert "error" not in printed.err
    assert snapshot(HOSTILE / case) == before, "checking a site must not change it"


# ------------------------------------------------------------------ encodings, line ends, normalisation


def test_utf16_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    out = build_copy("utf16-bom", tmp_path)
    page = read_page(out, "articles/utf16/index.html")
    assert page.texts["h1"] == ["وزير الخارجية يصل إلى موسكو"]
    assert page.texts[".place"] == ["المكان: موسكو"]
    assert any("وصل وزير الخارجية إلى موسكو اليوم" in t for t in page.texts["p"])
    assert page.meta("property", "article:published_time") in ([], ["2017-09-17"])


def test_a_utf8_byte_order_mark_is_dropped(tmp_path: Path) -> None:
    out = build_copy("utf8-bom", tmp_path)
    page = read_page(out, "articles/bom/index.html")
    assert page.texts["h1"] == ["افتتاح معرض الكتاب"]
    assert page.texts["time"][0].startswith("17 ")  # the front matter was read: the date shows
    assert all("\ufeff" not in page_text(p) for p in html_files(out))


def test_crlf_and_old_mac_line_ends_read_like_newlines(tmp_path: Path) -> None:
    out = build_copy("crlf", tmp_path)
    page = read_page(out, "articles/crlf/index.html")
    assert page.texts["h1"] == ["أمطار غزيرة في دمشق"]
    assert [t.rstrip(" #") for t in page.texts["p"] if t.startswith("الفقرة")] == ["الفقرة الأولى.", "الفقرة الثانية."]
    assert page.meta("property", "article:tag") in ([], ["طقس", "دمشق"])
    old_mac = read_page(out, "articles/old-mac/index.html")
    assert old_mac.texts["h1"] == ["عودة الكهرباء إلى الأحياء"]
    assert old_mac.texts[".place"] == ["المكان: دمشق"]
    assert all("\r" not in page_text(p) for p in html_files(out))


def test_nfd_text_and_file_names_come_out_nfc_and_link(tmp_path: Path) -> None:
    out = build_copy("nfd", tmp_path)
    slug = unicodedata.normalize("NFC", "أخبار-مهمة")
    page_path = out / "articles" / slug / "index.html"
    assert page_path.is_file(), sorted(p.name for p in (out / "articles").iterdir())
    page = read_page(out, page_path.relative_to(out).as_posix())
    assert page.texts["h1"] == [unicodedata.normalize("NFC", "أُعلِنَ عن إنشاء مؤسسة جديدة")]
    for path in html_files(out) + sorted(out.rglob("*.xml")):
        text = page_text(path)
        assert unicodedata.is_normalized("NFC", text), path
    citing = read_page(out, "articles/citing/index.html")
    links = [v.get("href") for tag, v in citing.elements if tag == "a" and slug in unquote_all(v.get("href") or "")]
    assert len(links) >= 2, "both entries (by headline and by slug) link to the NFD article"


def unquote_all(href: str) -> str:
    from urllib.parse import unquote

    return unquote(href)


# ------------------------------------------------------------------ "see also" oddities and deep Markdown


def test_a_see_also_entry_naming_its_own_article_is_plain_text(tmp_path: Path) -> None:
    out = build_copy("see-also-self", tmp_path)
    page = read_page(out, "articles/self/index.html")
    assert page.texts[".unresolved"] == ["قمة الرياض"]
    assert not page.texts.get(".backlinks")


def test_a_cycle_of_see_also_links_both_ways(tmp_path: Path) -> None:
    out = build_copy("see-also-cycle", tmp_path)
    for here, there, title in (("first", "second", "الخبر الثاني"), ("second", "first", "الخبر الأول")):
        page = read_page(out, f"articles/{here}/index.html")
        hrefs = [v.get("href") for tag, v in page.elements if tag == "a"]
        assert f"../{there}/index.html" in hrefs
        assert title in page.texts[".see-also"][0]
        assert title in page.texts[".backlinks"][0]


def test_deeply_nested_markdown_builds_shallow_pages(tmp_path: Path) -> None:
    started = time.perf_counter()
    out = build_copy("deep-markdown", tmp_path)
    assert time.perf_counter() - started < 60
    quotes = page_text(out / "articles/quotes/index.html")
    assert "فقرة قبل الاقتباس" in quotes
    assert quotes.count("<blockquote>") <= 20
    lists = page_text(out / "articles/lists/index.html")
    assert "فقرة قبل القائمة" in lists and lists.count("<ul>") <= 20
    inline = read_page(out, "articles/inline/index.html")
    assert any("رابط" in t for t in inline.texts["p"])


# ------------------------------------------------------------------ cases made on the fly


def article(title: str, body: str = "نص الخبر.") -> str:
    return f"---\ntitle: {title}\ndate: 2017-09-17\n---\n{body}\n"


def check_lines(site: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(["check", "--site", str(site)])
    err = capsys.readouterr().err
    return code, [m.group(1) for m in re.finditer(r"^\s*\d+\. (.*)$", err, re.M)]


def test_a_symlink_to_a_file_outside_content_is_an_error(make_site: Any, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text(article("سر لا يُنشر"), encoding="utf-8")
    site = make_site({"content/ok.md": article("خبر")})
    (site / "content" / "leak.md").symlink_to(secret)
    (site / "content" / "inside.md").symlink_to(site / "content" / "ok.md")  # inside content/: read
    assert check_lines(site, capsys) == (EXIT_PROBLEMS, [
        "content/leak.md:1: error: this link points outside content/; it was not read "
        "(copy the article into content/ instead of linking to it)"])


def test_a_symlinked_folder_outside_content_is_an_error(make_site: Any, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "a.md").write_text(article("خبر من خارج الموقع"), encoding="utf-8")
    site = make_site({"content/ok.md": article("خبر")})
    (site / "content" / "linked").symlink_to(elsewhere, target_is_directory=True)
    assert check_lines(site, capsys) == (EXIT_PROBLEMS, [
        "content/linked: error: this folder is a link to outside content/; it was not read "
        "(copy the articles into content/ instead of linking to them)"])


def test_a_broken_link_and_a_named_pipe_are_errors_not_hangs(make_site: Any, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site({"content/ok.md": article("خبر")})
    (site / "content" / "gone.md").symlink_to(site / "content" / "missing.md")
    os.mkfifo(site / "content" / "pipe.md")
    hint = "(replace it with the article's text or remove it)"
    message = "error: this is not a regular file (a broken link, a pipe or a device); it was not read"
    assert check_lines(site, capsys) == (EXIT_PROBLEMS, [
        f"content/gone.md:1: {message} {hint}", f"content/pipe.md:1: {message} {hint}"])


def test_an_unreadable_file_is_an_error(make_site: Any, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    # CI runs as root, where chmod denies nothing: the open itself is made to fail (tests/faults.py)
    site = make_site({"content/ok.md": article("خبر"), "content/locked.md": article("خبر مقفل")})
    Faults(monkeypatch).fail("open", site / "content" / "locked.md", errno.EACCES)
    assert check_lines(site, capsys) == (EXIT_PROBLEMS, [
        "content/locked.md:1: error: the file could not be read: Permission denied "
        "(check that you may read it)"])


def test_an_article_over_the_size_limit_is_an_error(make_site: Any, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site({"content/ok.md": article("خبر")})
    with open(site / "content" / "huge.md", "wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing is really written
    assert check_lines(site, capsys) == (EXIT_PROBLEMS, [
        f"content/huge.md:1: error: the file is {(MAX_FILE_BYTES + 1) / 1e6:.1f} MB; articles over "
        f"{MAX_FILE_BYTES / 1e6:.0f} MB are not read (split it or remove it)"])


def test_a_20_mb_article_builds_with_a_warning_in_bounded_time_and_memory(tmp_path: Path) -> None:
    """An editor expects a huge article to be published (it is text, under the 50 MB limit), and told."""
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "site.yaml").write_text("title: t\nbase_url: https://example.org/\nsearch: false\n", encoding="utf-8")
    paragraph = ("قال الرئيس إن الحكومة ستعمل على تحسين الاقتصاد في المدينة خلال العام المقبل. " * 8).strip()
    count = 20_000_000 // (len(paragraph.encode()) + 2) + 1
    head = "---\ntitle: مقال ضخم\ndate: 2017-09-17\n---\n"
    (site / "content" / "big.md").write_text(head + "\n\n".join([paragraph] * count) + "\n", encoding="utf-8")
    size = (site / "content" / "big.md").stat().st_size
    assert 20_000_000 <= size < 21_000_000 and size > LARGE_FILE_BYTES
    probe = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
             "r = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
             "print(r.returncode, round(time.perf_counter() - t, 1), "
             "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024); print(r.stderr)")
    done = subprocess.run([sys.executable, "-c", probe, sys.executable, str(REPO_ROOT / "build.py"), "build",
                           "--site", str(site), "--out", str(tmp_path / "out"), "--quiet"],
                          capture_output=True, text=True, timeout=300, check=True)
    code, seconds, megabytes = done.stdout.split("\n", 1)[0].split()
    assert code == "0", done.stdout
    assert (f"content/big.md:1: warning: the article is {size / 1e6:.1f} MB; it was built, but a page this "
            "large is slow to open (is it several articles in one? split it)") in done.stdout
    assert float(seconds) < 120 and int(megabytes) < 1500, (seconds, megabytes)
    page = tmp_path / "out" / "articles" / "big" / "index.html"
    assert page.stat().st_size > 20_000_000
    assert page_text(page).count('<p id="p') == count
    print(f"\n20 MB article: built in {seconds} s, peak memory {megabytes} MB")


# ------------------------------------------------------------------ markup in every field


@pytest.fixture(scope="module")
def injection(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The injection site, built once (search index, feeds and cards included)."""
    return build_copy("injection", tmp_path_factory.mktemp("injection"))


MARKUP = "articles/markup-fields/index.html"
SCRAPED = "articles/scraped-markup/index.html"
PICTURED = "articles/pictured-markup/index.html"  # image, image_alt, image_caption, image_credit; a body image


def test_the_injection_site_has_every_kind_of_page(injection: Path) -> None:
    pages = {p.relative_to(injection).as_posix() for p in html_files(injection)}
    assert {MARKUP, SCRAPED, "index.html", "404.html", "archive/index.html"} <= pages
    assert len(pages) >= 10


def test_no_page_carries_active_markup(injection: Path) -> None:
    found = {}
    for path in html_files(injection):
        rel = path.relative_to(injection).as_posix()
        page = read_page(injection, rel)
        if page.active:
            found[rel] = page.active
    assert found == {}


def test_markup_in_every_field_is_shown_as_text(injection: Path) -> None:
    page = read_page(injection, MARKUP)
    assert page.texts["h1"] == [TITLE]
    assert page.texts["title"][0].startswith(TITLE + " | ")
    assert page.meta("property", "og:title") in ([], [TITLE])
    assert page.texts[".place"] == ["المكان: <script>alert('place')</script>دمشق"]
    assert page.texts[".source"] == ['المصدر: "><svg onload=alert(1)>']
    assert page.texts[".kicker"] == ["<b onmouseover=alert(1)>سياسة</b>"]
    assert page.texts[".summary"] == ["ملخص <img src=x onerror=alert(1)> ]]> --> <!-- &amp;"]
    tags = ["<script>alert(1)</script>", "javascript:alert(1)", "{{ 7*7 }}", "وسم"]
    assert [t for t in page.texts["li"] if t in tags][:4] == tags  # then the see-also entries
    assert page.texts[".unresolved"] == ["javascript:alert(1)", "<script>alert('see')</script> خبر غائب"]
    assert page.texts[".teaser"][0] == "<img src=x onerror=alert('teaser')>…"
    paragraphs = [t.rstrip(" #") for t in page.texts["p"]]
    assert '<script>alert("body")</script>' in paragraphs
    assert "<img src=x onerror=alert(1)>" in paragraphs
    assert '</script><script>alert("code")</script>' in page.texts["code"]
    assert page.texts[".authors"] == ["بقلم <script>alert('author')</script> و\"><svg onload=alert(1)>"]
    assert page.texts[".updated"] == ["حُدّث في 18 سبتمبر 2017 10:00"]
    pictured = read_page(injection, PICTURED)
    assert pictured.texts[".caption"] == ["<script>alert('caption')</script> تعليق ]]>"]
    assert pictured.texts[".credit"] == ["مصدر الصورة: <b onmouseover=alert(1)>مصور</b>"]
    images = [values for tag, values in pictured.elements if tag == "img"]
    assert [(i["alt"], i.get("title")) for i in images] == [
        ("\"><img src=x onerror=alert('alt')>", None), ("<script>alert('alt2')</script>", '" onerror="alert(1)')]
    assert all(re.fullmatch(r"\.\./\.\./media/[0-9a-f]{20}\.png", i["src"] or "") for i in images)  # no file name
    scraped = read_page(injection, SCRAPED)
    assert scraped.texts["h1"] == [TXT_TITLE]
    assert TITLE in scraped.texts[".see-also"][0]  # resolved by headline, shown as text
    # markup is no agency: the dateline is kept as text and files nothing under sources/
    assert scraped.texts[".dateline"] == ["دمشق-<img/src=x/onerror=alert(3)>"] and ".source" not in scraped.texts


def test_jinja_syntax_in_content_is_not_evaluated(injection: Path) -> None:
    for path in html_files(injection):
        text = page_text(path)
        assert "{{ 7*7 }}" not in text or "49" not in read_page(injection, path.relative_to(injection).as_posix()).texts.get("h1", [""])[0]
    page = read_page(injection, MARKUP)
    assert "{{ 7*7 }}" in page.texts["h1"][0] and "{% raw %}" in " ".join(page.texts["p"])


def test_control_and_direction_characters_never_reach_a_page(injection: Path) -> None:
    for path in html_files(injection) + sorted(injection.rglob("*.xml")):
        text = page_text(path)
        assert not _CONTROL.search(text), (path, _CONTROL.search(text))
        assert "\u202e" not in text, path


def test_json_ld_cannot_be_closed_by_content(injection: Path) -> None:
    blocks = 0
    for path in html_files(injection):
        page = read_page(injection, path.relative_to(injection).as_posix())
        for attrs, text in page.scripts:
            if attrs.get("type") != "application/ld+json":
                continue
            blocks += 1
            assert "</" not in text and "<!--" not in text, path
            data = json.loads(text)
            if path.relative_to(injection).as_posix() == MARKUP and data.get("@type") == "NewsArticle":
                assert data["headline"] == TITLE
                assert data["keywords"][0] == "<script>alert(1)</script>"
    if blocks == 0:
        pytest.skip("this build writes no JSON-LD yet")


def test_feeds_and_sitemaps_are_well_formed_and_inert(injection: Path) -> None:
    documents = sorted(injection.rglob("*.xml"))
    if not documents:
        pytest.skip("this build writes no feeds or sitemaps yet")
    titles = []
    for path in documents:
        raw = path.read_bytes()
        assert not _CONTROL.search(raw.decode("utf-8")), path
        root = ET.fromstring(raw)  # expat: fails on any character XML forbids
        for element in root.iter():
            tag = element.tag.rpartition("}")[2]
            if tag == "title":
                titles.append(element.text or "")
            if tag in ("content", "summary") and element.get("type") == "html":
                fragment = Page(path.name)
                fragment.feed(element.text or "")
                fragment.close()
                assert fragment.active == [], (path, fragment.active)
            for name in ("href", "src", "uri"):  # `term` and `label` are text, not addresses
                assert not dangerous_url(element.get(name, ""), tag), (path, tag, name)
            if tag in ("loc", "id", "uri") and element.text:
                assert element.text.startswith("https://example.org/archive/"), (path, element.text)
    if any(p.name == "feed.xml" for p in documents):
        assert TITLE in titles


def test_search_metadata_holds_plain_text(injection: Path) -> None:
    fragments = sorted((injection / "pagefind" / "fragment").glob("*.pf_fragment"))
    if not fragments:
        pytest.skip("this build has no search index")
    seen = {}
    for path in fragments:
        data = gzip.decompress(path.read_bytes())
        data = data[len(b"pagefind_dcd"):] if data.startswith(b"pagefind_dcd") else data
        fragment = json.loads(data)
        seen[fragment["url"]] = fragment
    # shown fields are stored with no word characters (akhbar.search.hide_words), revealed as text
    meta = next(f["meta"] for url, f in seen.items() if "scraped-markup" in url)
    source = reveal_words(meta["source"]) if "source" in meta else "<img/src=x/onerror=alert(3)>"
    assert source == "<img/src=x/onerror=alert(3)>" and "<" not in meta.get("source", "")
    marked = next(f["meta"] for url, f in seen.items() if "markup-fields" in url)
    section = reveal_words(marked["section"]) if "section" in marked else "<b onmouseover=alert(1)>سياسة</b>"
    assert section == "<b onmouseover=alert(1)>سياسة</b>"


def test_share_cards_are_drawn_for_hostile_headlines(injection: Path) -> None:
    cards = sorted(injection.rglob("card.png"))
    if not cards:
        pytest.skip("this build draws no share cards yet")
    from PIL import Image

    assert {p.parent.name for p in cards} >= {"markup-fields", "scraped-markup"}
    for path in cards:
        with Image.open(path) as image:
            assert image.format == "PNG" and image.size == (1200, 630)


def test_every_page_sends_the_content_security_policy_first(injection: Path) -> None:
    for path in html_files(injection):
        page = read_page(injection, path.relative_to(injection).as_posix())
        policies = page.meta("http-equiv", "Content-Security-Policy")
        if path.name == "404.html":  # served at any depth, it links under base_url: that origin is allowed
            origin = re.search(r'href="(https?://[^/"]+)/', path.read_text(encoding="utf-8"))
            assert origin is not None, "the 404 page links under base_url"
            assert policies == [CSP_404.replace("ORIGIN", origin.group(1))], path
            continue
        assert policies == [CSP], path
        tags = [tag for tag, _ in page.elements]
        first_resource = min(tags.index(t) for t in ("script", "link", "img") if t in tags)
        csp_at = next(i for i, (tag, v) in enumerate(page.elements)
                      if tag == "meta" and v.get("http-equiv") == "Content-Security-Policy")
        assert csp_at < first_resource, f"{path}: the policy must come before anything it governs"


def test_a_site_can_replace_the_policy(tmp_path: Path) -> None:
    site = shutil.copytree(HOSTILE / "see-also-cycle", tmp_path / "site")
    (site / "templates" / "partials").mkdir(parents=True)
    (site / "templates" / "partials" / "csp.html").write_text(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'\">\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", "--site", str(site), "--out", str(out), "--quiet"]) == EXIT_OK
    page = read_page(out, "articles/first/index.html")
    assert page.meta("http-equiv", "Content-Security-Policy") == ["default-src 'self'"]
