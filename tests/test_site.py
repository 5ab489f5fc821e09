"""Whole builds: pages, relative links, atomic replacement, byte-identical output."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from akhbar import site as pipeline
from akhbar.output import MARKER, Output
from akhbar.problems import SiteError
from tests.tools import REPO_ROOT

ARTICLES = {
    "content/first.md": """
        ---
        title: الخبر الأول
        date: 2018-01-01
        place: دمشق
        ---
        نص الخبر الأول.
        """,
    "content/news/second.txt": """
        ---
        date: 2018-02-01T09:00:00
        ---
        الخبر الثاني

        موسكو-سانا

        نص الخبر الثاني.

        انظر ايضاً

        الخبر الأول

        نص الخبر الأول…
        """,
}


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def build(root: Path, out: Path) -> pipeline.BuildResult:
    return pipeline.build(pipeline.load(root), out)


def test_build_writes_articles_listings_and_404(make_site, tmp_path: Path) -> None:
    root = make_site(ARTICLES)
    out = tmp_path / "out"
    result = build(root, out)
    assert (out / "articles/first/index.html").is_file()
    assert (out / "articles/second/index.html").is_file()
    for page in ("index.html", "archive/index.html", "404.html", ".nojekyll", MARKER,
                 "assets/css/site.css", "assets/favicon.svg"):
        assert (out / page).is_file(), page
    assert result.pages == len(list(out.rglob("*.html")))
    html = (out / "articles/second/index.html").read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in html
    assert re.findall(r"<h1[^>]*>(.*?)</h1>", html) == ["الخبر الثاني"]
    assert 'href="../first/index.html"' in html  # the "see also" entry is a relative link
    first = (out / "articles/first/index.html").read_text(encoding="utf-8")
    assert "مقالات أحالت إلى هذا الخبر" in first and 'href="../second/index.html"' in first


def test_links_are_relative_and_never_root_relative(make_site, tmp_path: Path) -> None:
    root = make_site(ARTICLES)
    out = tmp_path / "out"
    build(root, out)
    for page in out.rglob("*.html"):
        if page.name == "404.html":
            continue  # served at any depth: absolute links under base_url
        for href in re.findall(r'(?:href|src)="([^"]*)"', page.read_text(encoding="utf-8")):
            assert not href.startswith("/"), (page, href)
            if not href.startswith(("http://", "https://", "#")):
                target = (page.parent / unquote(href.split("#")[0])).resolve()
                assert target.exists(), (page, href)


def test_index_links_false_drops_index_html(make_site, tmp_path: Path) -> None:
    root = make_site({**ARTICLES, "site.yaml": "title: t\nbase_url: https://e.org/\nindex_links: false\n"})
    out = tmp_path / "out"
    build(root, out)
    html = (out / "articles/second/index.html").read_text(encoding="utf-8")
    assert 'href="../first/"' in html and "index.html" not in re.sub(r'href="[^"]*\.(css|svg)"', "", html)


def test_permalink_pattern_keeps_the_slug_last(make_site, tmp_path: Path) -> None:
    root = make_site({**ARTICLES, "site.yaml": "title: t\nbase_url: https://e.org/\npermalink: '{year}/{month}/{slug}.html'\n"})
    out = tmp_path / "out"
    build(root, out)
    assert (out / "2018/01/first.html").is_file() and (out / "2018/02/second.html").is_file()


def test_same_input_builds_byte_identical_output(make_site, tmp_path: Path) -> None:
    root = make_site(ARTICLES)
    build(root, tmp_path / "one")
    build(root, tmp_path / "two")
    assert tree_digest(tmp_path / "one") == tree_digest(tmp_path / "two")


def test_failed_build_leaves_the_previous_site_untouched(make_site, tmp_path: Path) -> None:
    root = make_site(ARTICLES)
    out = tmp_path / "out"
    build(root, out)
    before = tree_digest(out)
    (root / "content/bad.md").write_text("---\ndate: 2017-13-45\n---\n# x\n", encoding="utf-8")
    with pytest.raises(SiteError):
        pipeline.load(root)
    assert tree_digest(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_error_while_rendering_leaves_the_previous_site_and_no_staging(make_site, tmp_path: Path) -> None:
    root = make_site(ARTICLES)
    out = tmp_path / "out"
    build(root, out)
    before = tree_digest(out)
    (root / "templates").mkdir()
    (root / "templates/article.html").write_text("<p>\n{{ no_such_variable }}", encoding="utf-8")
    with pytest.raises(SiteError) as failed:
        build(root, out)
    assert [p.format() for p in failed.value.problems.items] == [
        "templates/article.html:2: error: the page articles/first/index.html could not be rendered: "
        "'no_such_variable' is undefined (fix the template; the previous site is unchanged)"]
    assert tree_digest(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_successful_rebuild_replaces_the_site_completely(make_site, tmp_path: Path) -> None:
    root = make_site(ARTICLES)
    out = tmp_path / "out"
    build(root, out)
    (root / "content/first.md").unlink()
    (root / "content/news/second.txt").write_text("الخبر الثاني\n\nنص.\n", encoding="utf-8")
    build(root, out)
    assert not (out / "articles/first").exists()
    assert (out / "articles/second/index.html").is_file()


def test_leftovers_of_a_killed_build_are_recovered(tmp_path: Path) -> None:
    out = tmp_path / "out"
    dead_pid = 2**22 + 12345  # above pid_max: never a live process
    moved_away = tmp_path / f".out.old-{dead_pid}"
    moved_away.mkdir()
    (moved_away / MARKER).write_text("")
    (moved_away / "index.html").write_text("previous site")
    staging = tmp_path / f".out.staging-{dead_pid}"
    staging.mkdir()
    output = Output(out)
    output.recover()
    assert (out / "index.html").read_text() == "previous site"
    assert not staging.exists() and not moved_away.exists()


def test_output_refuses_a_folder_it_did_not_make(tmp_path: Path) -> None:
    out = tmp_path / "documents"
    out.mkdir()
    (out / "thesis.docx").write_text("precious")
    output = Output(out)
    with pytest.raises(Exception, match="not made by a build"):
        output.start()
    assert (out / "thesis.docx").read_text() == "precious"
    assert not any(p.name.startswith(".documents") for p in tmp_path.iterdir())


def test_output_never_writes_outside_its_folder(tmp_path: Path) -> None:
    output = Output(tmp_path / "out")
    output.start()
    with pytest.raises(Exception, match="outside the output folder"):
        output.write("../escape.html", "x")
    output.abort()
    assert not (tmp_path / "escape.html").exists()


def test_source_files_are_never_modified(make_site, tmp_path: Path) -> None:
    root = make_site(ARTICLES)
    before = tree_digest(root)
    mtimes = {p: os.stat(p).st_mtime_ns for p in root.rglob("*")}
    build(root, root / "public")
    assert {k: v for k, v in tree_digest(root).items() if not k.startswith("public/")} == before
    assert all(os.stat(p).st_mtime_ns == m for p, m in mtimes.items() if p.exists())


def test_relative_links_match_posixpath_relpath() -> None:
    import posixpath
    import random

    from akhbar.render import relative_path

    pick = random.Random(7)
    parts = ["articles", "archive", "2018", "09", "page", "2", "index.html", "خبر", "a"]
    for _ in range(20000):
        path = "/".join(pick.choice(parts) for _ in range(pick.randint(0, 5))) or "."
        start = "/".join(pick.choice(parts) for _ in range(pick.randint(0, 4))) or "."
        assert relative_path(path, start) == posixpath.relpath(path, start), (path, start)


def test_the_bundled_archive_builds_with_no_warning_and_every_see_also_linked() -> None:
    loaded = pipeline.load(REPO_ROOT)
    assert [p.format() for p in loaded.problems.items] == []
    assert [u.format() for u in loaded.unresolved] == []
    assert all(a.date is not None for a in loaded.articles)


def test_the_readmes_example_article_is_complete() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"The layout of news pages scraped as text \(see `(content/[^`]+\.txt)`", readme)
    assert example, "the README names no example article"
    loaded = pipeline.load(REPO_ROOT)
    [article] = [a for a in loaded.articles if a.path == example.group(1)]
    assert article.date is not None and article.source and article.section
    assert "<h2>" in article.body_html and article.lead
    assert len(article.see_also) >= 2 and all(entry.target is not None for entry in article.see_also)
    assert all(entry.teaser.endswith("…") for entry in article.see_also)
