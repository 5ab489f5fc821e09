"""Incremental builds: after any sequence of edits, the output equals a clean build, byte for byte.

Each scenario builds a site into `inc/` with the build cache, changes it, builds again, and
compares `inc/` with a clean build (no cache, nothing reused) of the same files into `clean/`.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from akhbar import cli, incremental
from akhbar import site as pipeline
from tests.tools import txt

SITE_YAML = "title: أرشيف الاختبار\nbase_url: https://example.org/archive/\nsearch: false\n"


def article(title: str, date: str, body: str, see_also: str = "", section: str = "سياسة", slug: str = "") -> str:
    front = f"---\ntitle: {title}\ndate: {date}\nsection: {section}\n" + (f"slug: {slug}\n" if slug else "")
    return front + "---\n" + body + "\n" + (f"\n## انظر أيضاً\n\n{see_also}\n" if see_also else "")


FILES = {
    "content/a.txt": txt("افتتاح معرض الكتاب في دمشق", "2019-03-01", "افتتح اليوم معرض الكتاب."),
    "content/b.txt": txt("ارتفاع أسعار الذهب", "2019-03-05", "ارتفعت أسعار الذهب اليوم.",
                         [("افتتاح معرض الكتاب في دمشق", "افتتح اليوم…")]),
    "content/c.txt": txt("مباحثات حول التجارة", "2019-04-10", "جرت مباحثات حول التجارة.",
                         [("ارتفاع أسعار الذهب", "ارتفعت…"), ("افتتاح معرض الكتاب في دمشق", "افتتح…")]),
    "content/d.md": article("زيارة وفد اقتصادي", "2020-01-15", "وصل وفد اقتصادي إلى دمشق."),
    "content/e.md": article("ندوة عن الزراعة", "2020-02-20", "عقدت ندوة عن الزراعة.", section="زراعة"),
    "content/f.md": article("خبر بلا قسم", "2021-06-01", "نص قصير."),
}


def digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def site(make_site, tmp_path: Path) -> Path:
    return make_site({"site.yaml": SITE_YAML, **FILES})


def incremental_build(root: Path, out: Path, **options) -> pipeline.BuildResult:  # type: ignore[no-untyped-def]
    return pipeline.build(pipeline.load(root), out, **options)


def clean_build(root: Path, out: Path) -> pipeline.BuildResult:
    shutil.rmtree(out, ignore_errors=True)
    return pipeline.build(pipeline.load(root, cached=False), out, incremental_build=False)


def assert_same_as_clean(root: Path, inc: Path) -> None:
    clean = inc.parent / "clean"
    clean_build(root, clean)
    got, want = digest(inc), digest(clean)
    assert sorted(got) == sorted(want), set(got) ^ set(want)
    differing = [rel for rel in want if got[rel] != want[rel]]
    assert not differing, f"incremental output differs from a clean build in {differing}"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_second_build_with_nothing_changed_renders_nothing(site: Path, tmp_path: Path) -> None:
    inc = tmp_path / "inc"
    first = incremental_build(site, inc)
    assert first.rendered == first.pages and first.reused == 0
    second = incremental_build(site, inc)
    assert second.rendered == 0 and second.reused == second.pages
    assert_same_as_clean(site, inc)


def test_editing_one_body_renders_only_the_pages_that_show_it(site: Path, tmp_path: Path) -> None:
    inc = tmp_path / "inc"
    incremental_build(site, inc)
    edit(site / "content/e.md", "عقدت ندوة", "عقدت أمس ندوة")
    result = incremental_build(site, inc)
    assert 0 < result.rendered < result.pages / 2, (result.rendered, result.pages)
    assert "أمس" in (inc / "articles/e/index.html").read_text(encoding="utf-8")
    assert_same_as_clean(site, inc)


def test_a_body_edit_leaves_pages_showing_only_its_headline_alone(site: Path, tmp_path: Path) -> None:
    """«More from the section» and the taxonomies' latest headlines show headlines, not bodies."""
    inc = tmp_path / "inc"
    incremental_build(site, inc)
    showing_headline = ("articles/d/index.html", "sections/index.html")  # f is the latest of d's section
    before = {rel: (inc / rel).stat().st_ino for rel in showing_headline}
    edit(site / "content/f.md", "نص قصير.", "نص قصير جداً.")
    incremental_build(site, inc)
    assert {rel: (inc / rel).stat().st_ino for rel in showing_headline} == before  # linked, not rendered
    edit(site / "content/f.md", "title: خبر بلا قسم", "title: خبر عن الانتخابات")
    incremental_build(site, inc)
    for rel in showing_headline:
        assert (inc / rel).stat().st_ino != before[rel], rel
        assert "خبر عن الانتخابات" in (inc / rel).read_text(encoding="utf-8"), rel
    assert_same_as_clean(site, inc)


Change = Callable[[Path], None]


def retitle_target(root: Path) -> None:
    # b's headline changes: c's "see also" entry naming the old headline stops resolving
    edit(root / "content/b.txt", "ارتفاع أسعار الذهب\n", "ارتفاع حاد في أسعار الذهب\n")


def delete_target(root: Path) -> None:
    (root / "content/a.txt").unlink()


def rename_file(root: Path) -> None:
    (root / "content/d.md").rename(root / "content/d-renamed.md")  # new slug, new address


def change_slug_keep_file(root: Path) -> None:
    edit(root / "content/d.md", "section: سياسة\n", "section: سياسة\nslug: economic-delegation\n")


def add_see_also(root: Path) -> None:
    path = root / "content/f.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n## انظر أيضاً\n\n- زيارة وفد اقتصادي\n",
                    encoding="utf-8")


def remove_see_also(root: Path) -> None:
    (root / "content/c.txt").write_text(txt("مباحثات حول التجارة", "2019-04-10", "جرت مباحثات حول التجارة."),
                                        encoding="utf-8")


def move_date_across_years(root: Path) -> None:
    edit(root / "content/a.txt", "date: 2019-03-01", "date: 2022-12-31")


def change_section(root: Path) -> None:
    edit(root / "content/e.md", "section: زراعة", "section: سياسة")


def add_article(root: Path) -> None:
    (root / "content/g.md").write_text(article("خبر جديد", "2019-03-03", "نص جديد.", "- ارتفاع أسعار الذهب"),
                                       encoding="utf-8")


def change_site_title(root: Path) -> None:
    edit(root / "site.yaml", "أرشيف الاختبار", "أرشيف آخر")


def override_template(root: Path) -> None:
    (root / "templates").mkdir()
    theme = Path(pipeline.THEME) / "templates" / "article.html"
    text = theme.read_text(encoding="utf-8")
    (root / "templates/article.html").write_text(text.replace("{% block main %}", "{% block main %}<!-- x -->", 1),
                                                 encoding="utf-8")


def add_static_file(root: Path) -> None:
    (root / "static").mkdir()
    (root / "static/extra.txt").write_text("extra\n", encoding="utf-8")


def retitle_latest_of_section(root: Path) -> None:
    # c is the latest of its section: a's and b's «more from the section», the sections index and the home page show it
    edit(root / "content/c.txt", "مباحثات حول التجارة\n", "مباحثات موسعة حول التجارة\n")


def add_latest_to_section(root: Path) -> None:
    (root / "content/h.txt").write_text(txt("تراجع أسعار النفط", "2019-05-02", "تراجعت أسعار النفط."),
                                        encoding="utf-8")


def relabel_section(root: Path) -> None:
    # every listing labels its items with their section's shown name
    edit(root / "site.yaml", "search: false\n", "search: false\nlabels: {section: {زراعة: الزراعة والري}}\n")


CHANGES = [retitle_target, delete_target, rename_file, change_slug_keep_file, add_see_also, remove_see_also,
           move_date_across_years, change_section, add_article, change_site_title, override_template,
           add_static_file, retitle_latest_of_section, add_latest_to_section, relabel_section]


@pytest.mark.parametrize("change", CHANGES, ids=[c.__name__ for c in CHANGES])
def test_incremental_equals_clean_after(change: Change, site: Path, tmp_path: Path) -> None:
    inc = tmp_path / "inc"
    incremental_build(site, inc)
    change(site)
    incremental_build(site, inc)
    assert_same_as_clean(site, inc)


def test_a_run_of_changes_stays_equal_to_clean(site: Path, tmp_path: Path) -> None:
    inc = tmp_path / "inc"
    incremental_build(site, inc)
    for change in (add_article, retitle_target, rename_file, move_date_across_years, add_see_also, delete_target):
        change(site)
        incremental_build(site, inc)
        assert_same_as_clean(site, inc)


def test_a_page_edited_by_hand_in_the_output_is_rendered_again(site: Path, tmp_path: Path) -> None:
    inc = tmp_path / "inc"
    incremental_build(site, inc)
    page = inc / "articles/a/index.html"
    page.write_text("tampered", encoding="utf-8")
    result = incremental_build(site, inc)
    assert result.rendered >= 1
    assert_same_as_clean(site, inc)


def test_a_damaged_cache_costs_time_not_correctness(site: Path, tmp_path: Path) -> None:
    inc = tmp_path / "inc"
    incremental_build(site, inc)
    state = incremental.state_dir(site)
    cache_files = sorted(state.glob("*.pickle"))
    assert cache_files, "the build left no cache"
    for path in cache_files:
        path.write_bytes(b"not a pickle")
    edit(site / "content/a.txt", "افتتح اليوم", "افتتح صباح اليوم")
    result = incremental_build(site, inc)
    assert result.rendered == result.pages  # nothing trusted
    assert_same_as_clean(site, inc)


def test_a_cached_article_is_not_shared_between_builds(site: Path, tmp_path: Path) -> None:
    """Cached articles come back as fresh objects: one build's links never leak into the next."""
    first = pipeline.load(site)
    second = pipeline.load(site)
    assert all(a is not b for a, b in zip(first.articles, second.articles, strict=True))
    assert [pickle.dumps(a.title) for a in first.articles] == [pickle.dumps(a.title) for a in second.articles]


def test_parallel_rendering_gives_the_same_bytes(site: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 2)  # use worker processes even for a small site
    one, two = tmp_path / "one", tmp_path / "two"
    pipeline.build(pipeline.load(site, cached=False, jobs=1), one, jobs=1, incremental_build=False)
    pipeline.build(pipeline.load(site, cached=False, jobs=2), two, jobs=2, incremental_build=False)
    assert digest(one) == digest(two)


def test_search_index_is_reused_when_articles_are_unchanged_and_rebuilt_once_after_an_edit(
        make_site, tmp_path: Path) -> None:
    root = make_site({"site.yaml": SITE_YAML.replace("search: false\n", ""), **FILES})
    inc = tmp_path / "inc"
    assert incremental_build(root, inc).search_indexed
    again = incremental_build(root, inc)
    assert not again.search_indexed and again.rendered == 0
    edit(root / "content/a.txt", "افتتح اليوم", "افتتح صباح اليوم")
    edited = incremental_build(root, inc)
    assert edited.search_indexed
    assert_same_as_clean(root, inc)


def test_defer_search_keeps_the_old_index_until_the_next_build(make_site, tmp_path: Path) -> None:
    root = make_site({"site.yaml": SITE_YAML.replace("search: false\n", ""), **FILES})
    inc = tmp_path / "inc"
    incremental_build(root, inc)
    edit(root / "content/a.txt", "افتتح اليوم", "افتتح صباح اليوم")
    quick = incremental_build(root, inc, defer_search=True)
    assert quick.search_stale and not quick.search_indexed
    full = incremental_build(root, inc)
    assert full.search_indexed and not full.search_stale
    assert_same_as_clean(root, inc)


# ---------------------------------------------------------------- the command line


def run_cli(site: Path, out: Path, *extra: str) -> int:
    return cli.main(["build", "--site", str(site), "--out", str(out), "--quiet", *extra])


def test_cli_says_nothing_changed_and_writes_nothing(site: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    assert run_cli(site, out) == cli.EXIT_OK
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    capsys.readouterr()
    assert run_cli(site, out) == cli.EXIT_OK
    said = capsys.readouterr()
    assert "Nothing changed since the last build" in said.out
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == before
    edit(site / "content/a.txt", "افتتح اليوم", "افتتح صباح اليوم")
    assert run_cli(site, out) == cli.EXIT_OK
    said = capsys.readouterr()
    assert said.out.startswith("Built ") and "Rendered" in said.err
    assert "صباح" in (out / "articles/a/index.html").read_text(encoding="utf-8")


def test_cli_repeats_the_warnings_of_an_unchanged_build(make_site, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"site.yaml": SITE_YAML, **FILES, "content/undated.md": "---\ntitle: بلا تاريخ\n---\nنص.\n"})
    out = tmp_path / "out"
    assert run_cli(root, out) == cli.EXIT_OK
    first = capsys.readouterr().err
    assert run_cli(root, out) == cli.EXIT_OK
    second = capsys.readouterr()
    assert "Nothing changed" in second.out
    assert "content/undated.md:1: warning" in first and "content/undated.md:1: warning" in second.err
    assert run_cli(root, out, "--strict") == cli.EXIT_PROBLEMS


def test_cli_rebuilds_when_the_output_folder_was_replaced(site: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    assert run_cli(site, out) == cli.EXIT_OK
    shutil.rmtree(out)
    capsys.readouterr()
    assert run_cli(site, out) == cli.EXIT_OK
    assert capsys.readouterr().out.startswith("Built ")
    assert (out / "articles/a/index.html").is_file()


def test_cli_clean_and_options_bypass_the_cache(site: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    assert run_cli(site, out) == cli.EXIT_OK
    capsys.readouterr()
    assert run_cli(site, out, "--clean") == cli.EXIT_OK
    assert capsys.readouterr().out.startswith("Built ")
    assert run_cli(site, out, "--base-url", "https://other.example/") == cli.EXIT_OK
    assert capsys.readouterr().out.startswith("Built ")
    assert "https://other.example/" in (out / "articles/a/index.html").read_text(encoding="utf-8")


def test_cli_no_search_leaves_out_the_index(make_site, tmp_path: Path) -> None:
    root = make_site({"site.yaml": SITE_YAML.replace("search: false\n", ""), **FILES})
    out = tmp_path / "out"
    assert run_cli(root, out, "--no-search") == cli.EXIT_OK
    assert not (out / "pagefind").exists() and not (out / "search").exists()
    assert run_cli(root, out) == cli.EXIT_OK
    assert (out / "pagefind/pagefind.js").is_file() and (out / "search/index.html").is_file()


def test_cache_lives_in_the_user_cache_not_the_site(site: Path, tmp_path: Path) -> None:
    inc = tmp_path / "inc"
    incremental_build(site, inc)
    assert incremental.state_dir(site).is_relative_to(Path(os.environ["XDG_CACHE_HOME"]))
    assert not any(p.suffix == ".pickle" for p in site.rglob("*"))


def test_unchanged_cards_are_linked_from_the_previous_site(site: Path, tmp_path: Path) -> None:
    inc = tmp_path / "inc"
    incremental_build(site, inc)
    cards = sorted(inc.glob("articles/*/card.png"))
    assert cards, "the build drew no share cards"
    before = {p: p.stat().st_ino for p in cards}
    edit(site / "content/a.txt", "افتتاح معرض الكتاب في دمشق\n", "افتتاح معرض الكتاب الدولي في دمشق\n")
    result = incremental_build(site, inc)
    assert result.published is not None and result.published.cards_drawn == 1  # only the retitled article's
    changed = [p for p in cards if p.stat().st_ino != before[p]]
    assert [p.parent.name for p in changed] == ["a"]
    assert_same_as_clean(site, inc)


def test_only_the_search_bundle_holding_an_edited_article_is_indexed_again(
        make_site, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from akhbar import search

    monkeypatch.setattr(search, "SPLIT_ABOVE", 2)  # whole years, at most two articles a bundle
    root = make_site({"site.yaml": SITE_YAML.replace("search: false\n", ""), **FILES})
    inc = tmp_path / "inc"
    indexed: list[str] = []
    real = search.run_pagefind

    def counting(source: Path, bundle: Path, started=None) -> None:  # type: ignore[no-untyped-def]
        indexed.append(bundle.name)
        real(source, bundle, started)

    monkeypatch.setattr(search, "run_pagefind", counting)
    incremental_build(root, inc)
    assert len(indexed) >= 3, indexed  # 2019 (three articles: split), 2020, 2021
    indexed.clear()
    edit(root / "content/f.md", "نص قصير.", "نص قصير معدل.")  # the 2021 article: the newest bundle
    assert incremental_build(root, inc).search_indexed
    assert indexed == ["pagefind"], indexed
    indexed.clear()
    assert not incremental_build(root, inc).search_indexed and indexed == []
    assert_same_as_clean(root, inc)


# ---------------------------------------------------------------- images


def png(width: int, height: int, color: tuple[int, int, int]) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "PNG")
    return out.getvalue()


IMAGE_FILES = {
    **FILES,
    "content/h.md": "---\ntitle: خبر مصور\ndate: 2020-03-01\nsection: سياسة\nimage: pics/h.png\n"
                    "image_caption: تعليق\n---\nنص.\n\n![خريطة](/pics/map.png)\n",
    "content/pics/h.png": png(1200, 600, (200, 30, 30)),
    "content/pics/map.png": png(600, 300, (30, 30, 200)),
}


def add_image(root: Path) -> None:
    (root / "content/pics/new.png").write_bytes(png(700, 400, (30, 160, 30)))
    edit(root / "content/d.md", "section: سياسة\n", "section: سياسة\nimage: pics/new.png\n")


def replace_image(root: Path) -> None:
    (root / "content/pics/h.png").write_bytes(png(1000, 1000, (90, 90, 0)))  # the article file is unchanged


def replace_body_image_same_size(root: Path) -> None:
    (root / "content/pics/map.png").write_bytes(png(600, 300, (0, 90, 90)))


def remove_image(root: Path) -> None:
    edit(root / "content/h.md", "image: pics/h.png\nimage_caption: تعليق\n", "")
    (root / "content/pics/h.png").unlink()


IMAGE_CHANGES = [add_image, replace_image, replace_body_image_same_size, remove_image]


@pytest.mark.parametrize("change", IMAGE_CHANGES, ids=[c.__name__ for c in IMAGE_CHANGES])
def test_incremental_equals_clean_after_image_changes(change: Change, make_site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"site.yaml": SITE_YAML, **IMAGE_FILES})
    inc = tmp_path / "inc"
    incremental_build(root, inc)
    before = {p.name for p in (inc / "media").iterdir()}
    change(root)
    incremental_build(root, inc)
    assert_same_as_clean(root, inc)
    after = {p.name for p in (inc / "media").iterdir()} if (inc / "media").exists() else set()
    assert before != after  # the changed image has a new address: no reader's cache shows the old one
