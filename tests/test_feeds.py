"""Atom feeds, sitemaps (split past the protocol's limits) and robots.txt."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote, unquote
from xml.etree import ElementTree

import pytest

from akhbar import feeds
from akhbar import site as pipeline
from tests import tools

DATA = Path(__file__).parent / "data"
BASE = "https://user.github.io/archive/"
ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")


def article(title: str, day: int | None, section: str = "سياسة", extra: str = "") -> str:
    when = f"date: 2018-03-{day:02d}T10:00:00\n" if day else ""
    return f"---\ntitle: {title}\n{when}section: {section}\nsource: سانا\n{extra}---\nفقرة أولى عن {title}.\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small site: 8 dated political articles, 2 on sport, one undated, one in English; feed_size 5."""
    root = tmp_path_factory.mktemp("feeds") / "site"
    files = {"site.yaml": f"title: أرشيف\nbase_url: {BASE}\nfeed_size: 5\ndescription: أخبار مختارة\n"}
    for n in range(1, 9):
        files[f"content/p{n}.md"] = article(f"خبر سياسي {n}", n)
    files["content/s1.md"] = article("خبر رياضي", 10, "رياضة")
    files["content/s2.md"] = article("خبر رياضي آخر", 11, "رياضة", "lang: en\n")
    files["content/undated.md"] = article("خبر بلا تاريخ", None)
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    out = root.parent / "public"
    pipeline.build(pipeline.load(root), out, cache=root.parent / "cache")
    return out


def feedparser_or_skip():  # type: ignore[no-untyped-def]
    try:
        import feedparser
    except ImportError:
        tools.require(None, "feedparser is missing: run `make venv` (pip install -e '.[test]')")
    return feedparser


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(("value", "atom", "lastmod"), [
    (date(2018, 3, 8), "2018-03-08T00:00:00-00:00", "2018-03-08"),
    (datetime(2018, 3, 8, 9, 46, 56), "2018-03-08T09:46:56-00:00", "2018-03-08"),
    (datetime(2018, 3, 8, 9, 46, tzinfo=timezone(timedelta(hours=3))), "2018-03-08T09:46:00+03:00",
     "2018-03-08T09:46:00+03:00"),
    (datetime(2018, 3, 8, 9, 46, tzinfo=UTC), "2018-03-08T09:46:00+00:00", "2018-03-08T09:46:00+00:00"),
])
def test_dates_in_feeds_and_sitemaps(value: date, atom: str, lastmod: str) -> None:
    assert feeds.atom_time(value) == atom and RFC3339.match(atom)
    assert feeds.w3c_date(value) == lastmod


# ---------------------------------------------------------------- Atom


def test_whole_archive_feed_has_the_newest_dated_articles(built: Path) -> None:
    parsed = feedparser_or_skip().parse(str(built / "feed.xml"))
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.version == "atom10"
    assert parsed.feed.title == "أرشيف" and parsed.feed.language == "ar"
    assert parsed.feed.id == BASE + "feed.xml"
    assert any(link.rel == "self" and link.href == BASE + "feed.xml" for link in parsed.feed.links)
    titles = [e.title for e in parsed.entries]
    assert titles == ["خبر رياضي آخر", "خبر رياضي", "خبر سياسي 8", "خبر سياسي 7", "خبر سياسي 6"]
    assert parsed.feed.updated == "2018-03-11T10:00:00-00:00"
    for entry in parsed.entries:
        assert RFC3339.match(entry.updated) and RFC3339.match(entry.published)
        assert entry.id == entry.link and entry.link.startswith(BASE + "articles/")
        assert entry.author == "سانا"
        assert entry.summary.startswith("فقرة أولى")


def test_an_article_in_another_language_is_marked_in_the_feed(built: Path) -> None:
    root = ElementTree.parse(built / "feed.xml").getroot()
    langs = [e.get("{http://www.w3.org/XML/1998/namespace}lang") for e in root.iter(f"{ATOM}entry")]
    assert langs[0] == "en" and set(langs[1:]) == {None}


def test_undated_articles_are_in_no_feed(built: Path) -> None:
    for feed in built.rglob("feed.xml"):
        assert "بلا تاريخ" not in feed.read_text(encoding="utf-8")


def test_each_section_has_its_own_feed_beside_its_listing(built: Path) -> None:
    parser = feedparser_or_skip()
    section_feeds = sorted(p.relative_to(built).as_posix() for p in built.glob("sections/*/feed.xml"))
    assert len(section_feeds) == 2
    counts = {}
    for rel in section_feeds:
        parsed = parser.parse(str(built / rel))
        assert not parsed.bozo
        assert (built / rel).with_name("index.html").is_file()
        counts[parsed.feed.title] = len(parsed.entries)
    assert counts == {"أرشيف: سياسة": 5, "أرشيف: رياضة": 2}


def test_feeds_are_announced_on_every_page(built: Path) -> None:
    link = re.compile(r'<link rel="alternate" type="application/atom\+xml" title="([^"]*)" href="([^"]*)">')
    for page in built.rglob("*.html"):
        found = dict(link.findall(page.read_text(encoding="utf-8")))
        assert "أرشيف" in found, page
    article_page = next(p for p in built.glob("articles/*/index.html") if "خبر سياسي 3" in p.read_text())
    found = dict(link.findall(article_page.read_text(encoding="utf-8")))
    assert found["أرشيف"] == "../../feed.xml"
    assert found["أرشيف: سياسة"].endswith("/feed.xml") and (article_page.parent / unquote(found["أرشيف: سياسة"])).is_file()


def test_feeds_are_well_formed_xml(built: Path) -> None:
    xmllint = tools.require("xmllint", "xmllint is missing: run `bash scripts/setup-system.sh` (libxml2-utils)")
    files = [str(p) for p in built.rglob("feed.xml")]
    run = subprocess.run([xmllint, "--noout", *files], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def test_text_that_is_not_xml_cannot_break_a_feed() -> None:
    from akhbar.content import Article

    bad = Article("content/x.md", "x", "عنوان\x0b <b>&</b>", date=date(2018, 1, 1), body_html="<p>a &amp; b</p>",
                  url="articles/x/index.html")
    text = feeds.atom_feed(feeds.Feed("feed.xml", "t", "index.html", (bad,)), lambda p: BASE + p, "ar", "p", "",
                           lambda a: "s")
    entry = ElementTree.fromstring(text).find(f"{ATOM}entry")
    assert entry is not None and entry.findtext(f"{ATOM}title") == "عنوان <b>&</b>"
    assert entry.findtext(f"{ATOM}content") == "<p>a &amp; b</p>"


# ---------------------------------------------------------------- sitemaps and robots.txt


def test_sitemap_lists_every_page_with_lastmod_for_articles(built: Path) -> None:
    root = ElementTree.parse(built / "sitemap.xml").getroot()
    urls = {u.findtext(f"{SM}loc"): u.findtext(f"{SM}lastmod") for u in root.iter(f"{SM}url")}
    left_out = {"404.html", "search/index.html"}  # the 404 page, and the search page, which is noindex
    pages = {BASE + quote(p.relative_to(built).as_posix()) for p in built.rglob("*.html")
             if p.relative_to(built).as_posix() not in left_out}
    assert set(urls) == pages
    articles = {loc: mod for loc, mod in urls.items() if "/articles/" in loc}
    assert len(articles) == 11
    assert sum(1 for mod in articles.values() if mod) == 10  # the undated article has none
    assert urls[BASE + "index.html"] == "2018-03-11"


def test_sitemap_is_valid_against_the_sitemaps_org_schema(built: Path) -> None:
    xmllint = tools.require("xmllint", "xmllint is missing: run `bash scripts/setup-system.sh` (libxml2-utils)")
    run = subprocess.run([xmllint, "--noout", "--schema", str(DATA / "sitemap.xsd"), str(built / "sitemap.xml")],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def test_robots_txt_points_to_the_sitemap(built: Path) -> None:
    text = (built / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {BASE}sitemap.xml" in text.splitlines()
    assert "User-agent: *" in text


def synthetic(count: int) -> list[feeds.SitemapEntry]:
    return [feeds.SitemapEntry(f"{BASE}articles/خبر-{n}/index.html".replace("خبر", "%D8%AE%D8%A8%D8%B1"),
                               f"2018-{1 + n % 12:02d}-{1 + n % 28:02d}" if n % 7 else "")
            for n in range(count)]


def test_more_than_50000_urls_are_split_under_a_sitemap_index(tmp_path: Path) -> None:
    entries = synthetic(120_001)
    files = dict(feeds.sitemap_files(entries, lambda p: BASE + p))
    assert sorted(files) == ["sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml", "sitemap.xml"]
    counts = [files[f"sitemap-{n}.xml"].count("<url>") for n in (1, 2, 3)]
    assert counts == [50_000, 50_000, 20_001]
    index = ElementTree.fromstring(files["sitemap.xml"])
    assert index.tag == f"{SM}sitemapindex"
    assert [s.findtext(f"{SM}loc") for s in index] == [f"{BASE}sitemap-{n}.xml" for n in (1, 2, 3)]
    assert all(s.findtext(f"{SM}lastmod") == "2018-12-28" for s in index)
    locs = [loc for n in (1, 2, 3) for loc in re.findall(r"<loc>([^<]*)</loc>", files[f"sitemap-{n}.xml"])]
    assert locs == [e.loc for e in entries]  # every URL once, in order

    xmllint = tools.require("xmllint", "xmllint is missing: run `bash scripts/setup-system.sh` (libxml2-utils)")
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    for name in files:
        schema = DATA / ("siteindex.xsd" if name == "sitemap.xml" else "sitemap.xsd")
        run = subprocess.run([xmllint, "--noout", "--schema", str(schema), str(tmp_path / name)],
                             capture_output=True, text=True)
        assert run.returncode == 0, f"{name}: {run.stderr[-500:]}"


def test_exactly_50000_urls_stay_in_one_sitemap() -> None:
    files = feeds.sitemap_files(synthetic(50_000), lambda p: BASE + p)
    assert [name for name, _ in files] == ["sitemap.xml"]
    assert files[0][1].count("<url>") == 50_000


def test_sitemaps_are_also_split_before_50_mib() -> None:
    entries = synthetic(1_000)
    one = len(feeds.sitemap_files(entries, lambda p: BASE + p)[0][1].encode())
    files = dict(feeds.sitemap_files(entries, lambda p: BASE + p, max_bytes=one // 3))
    parts = [text for name, text in files.items() if name != "sitemap.xml"]
    assert len(parts) >= 3 and all(len(t.encode()) <= one // 3 for t in parts)
    assert sum(t.count("<url>") for t in parts) == 1_000


def test_entries_name_their_authors_and_update_time(make_site) -> None:  # type: ignore[no-untyped-def]
    feedparser = feedparser_or_skip()
    root = make_site({
        "site.yaml": f"title: أرشيف\nbase_url: {BASE}\n",
        "content/a.md": article("خبر محدث", 5, extra="author: [أحمد الريدي, فيصل الحربي]\n"
                                "updated: 2018-03-20T08:00:00+03:00\n"),
        "content/b.md": article("خبر بلا كاتب", 8),
        "content/c.txt": "---\ndate: 2018-03-07\n---\nخبر من مراسل\n\nالعربية.نت - إسلام سيف\n\nنص الخبر.\n",
    })
    out = root.parent / "public"
    pipeline.build(pipeline.load(root), out, cache=root.parent / "cache")
    parsed = feedparser.parse(str(out / "feed.xml"))
    assert not parsed.bozo
    entries = {e.title: e for e in parsed.entries}
    assert [a["name"] for a in entries["خبر محدث"].authors] == ["أحمد الريدي", "فيصل الحربي"]
    assert entries["خبر محدث"].updated == "2018-03-20T08:00:00+03:00"
    assert entries["خبر محدث"].published == "2018-03-05T10:00:00-00:00"
    assert [a["name"] for a in entries["خبر من مراسل"].authors] == ["إسلام سيف"]  # from the dateline
    assert [a["name"] for a in entries["خبر بلا كاتب"].authors] == ["سانا"]  # the source, as before
    assert entries["خبر بلا كاتب"].updated == entries["خبر بلا كاتب"].published
    assert parsed.feed.updated == "2018-03-20T08:00:00+03:00"  # the latest change, not the newest entry


def test_feed_content_shows_the_lead_image_at_an_absolute_address(make_site) -> None:  # type: ignore[no-untyped-def]
    import io

    from PIL import Image

    feedparser = feedparser_or_skip()
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), (10, 120, 60)).save(buffer, "PNG")
    root = make_site({"site.yaml": f"title: أرشيف\nbase_url: {BASE}\n",
                      "content/a.md": article("خبر مصور", 5, extra="image: a.png\nimage_caption: تعليق\n"),
                      "content/a.png": buffer.getvalue()})
    out = root.parent / "public"
    pipeline.build(pipeline.load(root), out, cache=root.parent / "cache")
    [entry] = feedparser.parse(str(out / "feed.xml")).entries
    html = entry.content[0].value
    [src] = re.findall(r'src="([^"]+)"', html)
    assert src.startswith(BASE + "media/") and (out / src[len(BASE):]).is_file()
    assert "<figcaption>تعليق</figcaption>" in html
