"""Sharded archives (site.yaml shards:): checked config, one shard built at a time or all at once,
links across shards, the archive index of every shard's years, one search over every shard."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from akhbar import cli
from tests.tools import txt

SHARDS = """title: أرشيف
base_url: https://org.example/archive/
shards:
  - {name: early, base_url: "https://org.example/archive-early/", until: 2019-12-31}
  - {name: mid, base_url: "https://mid.example/", until: 2020-12-31}
  - {name: late, base_url: "https://org.example/archive/"}
"""


FILES = {
    "site.yaml": SHARDS,
    "content/a.txt": txt("افتتاح معرض الكتاب في دمشق", "2019-03-01", "افتتح اليوم معرض الكتاب."),
    "content/b.txt": txt("ارتفاع أسعار الذهب", "2019-12-31", "ارتفعت أسعار الذهب اليوم.",
                         [("افتتاح معرض الكتاب في دمشق", "افتتح اليوم…")]),
    "content/c.txt": txt("مباحثات حول التجارة", "2020-04-10", "جرت مباحثات حول التجارة.",
                         [("ارتفاع أسعار الذهب", "ارتفعت…")]),
    "content/d.txt": txt("زيارة وفد اقتصادي", "2021-01-15", "وصل وفد اقتصادي إلى دمشق.",
                         [("مباحثات حول التجارة", "جرت…"), ("افتتاح معرض الكتاب في دمشق", "افتتح…")]),
    "content/e.md": "---\ntitle: خبر بلا تاريخ\n---\nنص قصير عن الذهب.\n",
}


def files_of(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def build(*args: str) -> int:
    return cli.main(["build", "--quiet", *args])


def test_bad_shards_are_reported_at_their_lines_all_at_once(make_site, capsys) -> None:
    root = make_site({"content/a.md": "---\ntitle: t\ndate: 2020-01-01\n---\nنص\n", "site.yaml": """title: t
base_url: https://org.example/other/
shards:
  - {name: early, base_url: "https://org.example/a/", until: 2019-12-31}
  - {name: Mid, base_url: "/relative/", until: 2019-06-30}
  - {name: early, base_url: "https://org.example/a/", until: 2021-02-30}
  - {name: late, base_url: "https://org.example/c/", until: 2022-01-01}
  - {name: last, base_url: "https://org.example/d/", colour: red}
"""})
    assert cli.main(["check", "--site", str(root)]) == 1
    err = capsys.readouterr().err
    assert "site.yaml:5: error: shard 2: name must be lower-case letters" in err
    assert "site.yaml:5: error: shard 'shard-2': base_url must be an absolute web address" in err
    assert "site.yaml:5: error: shard 'shard-2': until (2019-06-30) must be later than the shard before it" in err
    assert "site.yaml:6: error: two shards are named 'early' (the other is on line 4)" in err
    assert "site.yaml:6: error: shard 'early' has the same base_url as the shard on line 4" in err
    assert "site.yaml:6: error: shard 'early': until must be a date such as 2018-03-31, not '2021-02-30'" in err
    assert "site.yaml:8: error: shard 5 has an unknown key 'colour'" in err
    assert "site.yaml:8: error: shard 'last' needs 'until'" not in err
    root2 = make_site({"content/a.md": "---\ntitle: t\n---\nنص\n", "site.yaml": """title: t
base_url: https://org.example/other/
shards:
  - {name: early, base_url: "https://org.example/a/"}
  - {name: late, base_url: "https://org.example/c/", until: 2022-01-01}
"""}, name="two")
    assert cli.main(["check", "--site", str(root2)]) == 1
    err = capsys.readouterr().err
    assert "site.yaml:4: error: shard 'early' needs 'until', the last date it holds" in err
    assert "site.yaml:5: error: the last shard ('late') must have no 'until'" in err
    root3 = make_site({"content/a.md": "---\ntitle: t\n---\nنص\n", "site.yaml": """title: t
base_url: https://org.example/other/
shards:
  - {name: early, base_url: "https://org.example/a/", until: 2019-12-31}
  - {name: late, base_url: "https://org.example/c/"}
"""}, name="three")
    assert cli.main(["check", "--site", str(root3)]) == 1
    err = capsys.readouterr().err
    assert "site.yaml:2: error: base_url is https://org.example/other/, but the last shard's is " \
           "https://org.example/c/" in err


def test_unknown_shard_and_base_url_with_shard_are_refused(make_site, tmp_path: Path, capsys) -> None:
    root = make_site(FILES)
    assert build("--site", str(root), "--shard", "middle", "--out", str(tmp_path / "o")) == 1
    assert "--shard middle: no shard has that name (did you mean mid?)" in capsys.readouterr().err
    assert build("--site", str(root), "--shard", "mid", "--base-url", "https://x.example/",
                 "--out", str(tmp_path / "o")) == 2
    assert not (tmp_path / "o").exists()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """The small archive built shard by shard into one/NAME, and all at once into all/."""
    root = tmp_path_factory.mktemp("sharded") / "site"
    for rel, text in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    top = root.parent
    for name in ("early", "mid", "late"):
        assert build("--site", str(root), "--shard", name, "--out", str(top / "one" / name)) == 0
    assert build("--site", str(root), "--all-shards", "--out", str(top / "all")) == 0
    return root, top / "one", top / "all"


def test_each_shard_alone_gives_the_same_files_as_all_at_once(built: tuple[Path, Path, Path]) -> None:
    _root, one, together = built
    assert sorted(p.name for p in together.iterdir()) == ["early", "late", "mid"]
    for name in ("early", "mid", "late"):
        assert files_of(one / name) == files_of(together / name), name


def test_each_shard_writes_only_its_own_articles(built: tuple[Path, Path, Path]) -> None:
    _root, _one, out = built
    articles = {name: sorted(p.parent.name for p in (out / name / "articles").glob("*/index.html"))
                for name in ("early", "mid", "late")}
    assert articles == {"early": ["a", "b"], "mid": ["c"], "late": ["d", "e"]}  # 2019-12-31 is early's (inclusive)
    feed = (out / "mid" / "feed.xml").read_text(encoding="utf-8")
    assert "https://mid.example/articles/c/" in feed and "/articles/b/" not in feed
    sitemap = (out / "early" / "sitemap.xml").read_text(encoding="utf-8")
    assert "https://org.example/archive-early/articles/a/" in sitemap and "articles/d/" not in sitemap
    assert (out / "early" / "pagefind").is_dir() and (out / "late" / "pagefind").is_dir()


def hrefs(page: Path) -> list[str]:
    return re.findall(r'href="([^"]*)"', page.read_text(encoding="utf-8"))


def test_links_across_shards_are_absolute_and_within_a_shard_relative(built: tuple[Path, Path, Path]) -> None:
    _root, _one, out = built
    d = hrefs(out / "late" / "articles" / "d" / "index.html")
    assert "https://mid.example/articles/c/index.html" in d  # see also into mid
    assert "https://org.example/archive-early/articles/a/index.html" in d  # see also into early
    a = hrefs(out / "early" / "articles" / "a" / "index.html")
    assert "../b/index.html" in a  # backlink within early: relative
    assert "https://org.example/archive/articles/d/index.html" in a  # backlink from late
    assert "https://org.example/archive/" in a  # the home page is the newest shard's
    c = hrefs(out / "mid" / "articles" / "c" / "index.html")
    assert "https://org.example/archive-early/articles/b/index.html" in c  # see also, and the previous article
    assert "https://org.example/archive/articles/d/index.html" in c  # backlink, and the next article
    assert 'rel="canonical" href="https://mid.example/articles/c/index.html"' in \
        (out / "mid" / "articles" / "c" / "index.html").read_text(encoding="utf-8")  # under its own shard's base_url


def test_the_archive_index_lists_every_year_linked_to_its_shard(built: tuple[Path, Path, Path]) -> None:
    _root, _one, out = built
    page = (out / "mid" / "archive" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://org.example/archive-early/archive/2019/index.html"' in page
    assert 'href="2020/index.html"' in page
    assert 'href="https://org.example/archive/archive/2021/index.html"' in page
    assert 'href="https://org.example/archive/archive/undated/index.html"' in page
    assert "5 مقالات" in page  # the whole archive's count
    for name in ("early", "mid", "late"):
        assert (out / name / "index.html").is_file()


def test_the_search_page_names_every_shards_bundles_and_its_csp_admits_their_origins(
        built: tuple[Path, Path, Path]) -> None:
    _root, _one, out = built
    page = (out / "mid" / "search" / "index.html").read_text(encoding="utf-8")
    assert 'data-bundles="https://org.example/archive/pagefind/ pagefind/ ' \
           'https://org.example/archive-early/pagefind/"' in page  # newest first: date order
    assert 'data-shards="late mid early"' in page
    csp = re.search(r'Content-Security-Policy" content="([^"]*)"', page).group(1)  # type: ignore[union-attr]
    assert "script-src 'self' https://org.example 'wasm-unsafe-eval'" in csp
    assert "connect-src 'self' https://org.example;" in csp
    article = (out / "mid" / "articles" / "c" / "index.html").read_text(encoding="utf-8")
    assert "https://org.example" not in re.search(r'Content-Security-Policy" content="([^"]*)"',
                                                   article).group(1)  # type: ignore[union-attr]


def changed_files(before: dict[str, dict[str, str]], out: Path) -> dict[str, list[str]]:
    """The files of each shard whose bytes changed (or that appeared or went) since `before`."""
    after = {name: files_of(out / name) for name in before}
    return {name: sorted(rel for rel in before[name].keys() | after[name].keys()
                         if before[name].get(rel) != after[name].get(rel) and rel != ".akhbar-build")
            for name in before}


def test_editing_one_article_changes_its_shard_and_the_backlinks_in_others(make_site, tmp_path: Path) -> None:
    root = make_site(FILES)
    out = tmp_path / "all"
    assert build("--site", str(root), "--all-shards", "--out", str(out)) == 0
    before = {name: files_of(out / name) for name in ("early", "mid", "late")}
    c = root / "content" / "c.txt"
    c.write_text(c.read_text(encoding="utf-8").replace("جرت مباحثات", "جرت اليوم مباحثات"), encoding="utf-8")
    assert build("--site", str(root), "--all-shards", "--out", str(out)) == 0
    changed = changed_files(before, out)
    assert changed["early"] == [] and changed["late"] == []  # they show c's headline only
    assert "articles/c/index.html" in changed["mid"] and any(rel.startswith("pagefind/") for rel in changed["mid"])
    before = {name: files_of(out / name) for name in ("early", "mid", "late")}
    c.write_text(c.read_text(encoding="utf-8").replace("مباحثات حول التجارة", "مباحثات جديدة حول التجارة", 1),
                 encoding="utf-8")
    assert build("--site", str(root), "--all-shards", "--out", str(out)) == 0
    changed = changed_files(before, out)
    assert changed["early"] == ["articles/b/index.html"]  # shows c's headline as a backlink
    assert [rel for rel in changed["late"] if not rel.startswith("pagefind/")] == ["articles/d/index.html"]
    assert "articles/c/index.html" in changed["mid"]
