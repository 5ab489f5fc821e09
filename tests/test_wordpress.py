"""`import --wordpress`: WordPress exports (WXR) into Markdown articles, checked before anything is written."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml
from PIL import Image

from akhbar import site as pipeline
from akhbar import wordpress
from akhbar.cli import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
from akhbar.problems import Problems
from tests.conftest import MakeSite
from tests.test_cli import numbered, run, snapshot
from tests.tools import REPO_ROOT, require_shared

Capsys = pytest.CaptureFixture[str]
ARABIC = REPO_ROOT / "tests" / "data" / "wordpress-ar.xml"
NS = {"wp": "http://wordpress.org/export/1.2/", "content": "http://purl.org/rss/1.0/modules/content/"}


def wptest() -> Path:
    return require_shared("the WordPress test export") / "corpus" / "wordpress" / "wptest.xml"


def front_and_body(path: Path) -> tuple[dict[str, Any], str]:
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(front), body


def fake_uploads(export: Path, folder: Path, leave_out: str = "") -> Path:
    """An uploads folder holding a small real image at every uploads path the export names (but `leave_out`)."""
    text = export.read_text(encoding="utf-8")
    tails = set(re.findall(r"wp-content/uploads/(?:sites/\d+/)?([^\"'\s<>\]]+\.(?:jpe?g|png|gif))", text))
    for number, tail in enumerate(sorted(tails - {leave_out})):
        target = folder / tail
        target.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (32, 24), (number * 37 % 256, number * 91 % 256, 30)).save(target)  # own bytes
    return folder


# ---------------------------------------------------------------- the real export (wptest.xml)


@pytest.fixture(scope="module")
def wp_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """wptest.xml imported (pages too, images from an uploads folder) into a new site; what it printed."""
    root = tmp_path_factory.mktemp("wptest") / "site"
    assert run(["init", str(root)]) == EXIT_OK
    for example in (root / "content").iterdir():
        example.unlink()
    uploads = fake_uploads(wptest(), root.parent / "uploads")
    import io
    from contextlib import redirect_stderr, redirect_stdout

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = run(["import", "--wordpress", str(wptest()), "--site", str(root), "--into", "wp", "--pages",
                    "--uploads", str(uploads)])
    assert code == EXIT_OK, err.getvalue()
    return root, out.getvalue(), err.getvalue()


def test_wptest_counts_imported_skipped_and_listed(wp_site: tuple[Path, str, str]) -> None:
    root, said, listed = wp_site
    tree = ET.parse(wptest())
    items = tree.getroot().iter("item")
    published = [i for i in items if i.findtext("wp:post_type", namespaces=NS) in ("post", "page")
                 and i.findtext("wp:status", namespaces=NS) == "publish"
                 and not i.findtext("wp:post_password", namespaces=NS)]
    posts = sum(i.findtext("wp:post_type", namespaces=NS) == "post" for i in published)
    pages = len(published) - posts
    assert (posts, pages) == (35, 15)
    assert said.splitlines()[0].startswith(f"Imported {posts} posts and {pages} pages into ")
    assert "Skipped 2 posts that are not published: 1 password-protected, 1 scheduled." in said
    assert "45 attachments (images are taken from them), 102 menu items" in said
    assert len(list((root / "content" / "wp").glob("*.md"))) == posts + pages
    lines = numbered(listed)
    assert re.search(r"^wptest\.xml:\d+: warning: «post-format-video-videopress»: the shortcode \[wpvideo\] "
                     r"was kept as text$", "\n".join(lines), re.M)
    assert any("«no-title»: the post has no title; «This post has no title, but it still must link…» was used"
               in line for line in lines)
    assert any("«post-format-audio»: an embedded <audio> became a link" in line for line in lines)
    assert not any("http://" in line for line in lines)  # every image was found in the uploads folder
    # each listed item points at the line where its <item> starts
    text = wptest().read_text(encoding="utf-8").splitlines()
    for line in lines:
        number = int(line.split(":")[1])
        assert text[number - 1].strip() == "<item>", line


def test_wptest_builds_with_no_errors(wp_site: tuple[Path, str, str], tmp_path: Path) -> None:
    root, _, _ = wp_site
    loaded = pipeline.load(root)  # raises on any error
    assert len(loaded.articles) == 50
    assert loaded.problems.warnings == [] and loaded.unresolved == []
    result = pipeline.build(loaded, tmp_path / "public")
    assert result.pages > 50
    redirect = tmp_path / "public" / "post-format-test-gallery" / "index.html"
    assert "articles/post-format-gallery/" in redirect.read_text(encoding="utf-8")


def test_wptest_caption_becomes_an_image_with_its_caption(wp_site: tuple[Path, str, str]) -> None:
    front, body = front_and_body(wp_site[0] / "content" / "wp" / "post-format-image-caption.md")
    assert body.strip() == ("![Triforce Wallpaper](uploads/2012/12/triforce-wallpaper.jpg)\n\n"
                            "*It's dangerous to go alone! Take this.*")
    assert (wp_site[0] / "content" / "wp" / "uploads" / "2012" / "12" / "triforce-wallpaper.jpg").is_file()


def test_wptest_galleries_become_their_images(wp_site: tuple[Path, str, str]) -> None:
    root = wp_site[0]
    # [gallery] with no ids shows the images attached to the post, in WordPress's order
    tree = ET.parse(wptest()).getroot()
    post = next(i for i in tree.iter("item") if i.findtext("wp:post_name", namespaces=NS) == "post-format-gallery")
    post_id = post.findtext("wp:post_id", namespaces=NS)
    attached = sorted((int(i.findtext("wp:menu_order", namespaces=NS) or 0), int(i.findtext("wp:post_id", namespaces=NS)),
                       i.findtext("wp:attachment_url", namespaces=NS)) for i in tree.iter("item")
                      if i.findtext("wp:post_type", namespaces=NS) == "attachment"
                      and i.findtext("wp:post_parent", namespaces=NS) == post_id)
    assert len(attached) > 1
    _, body = front_and_body(root / "content" / "wp" / "post-format-gallery.md")
    shown = re.findall(r"!\[[^\]]*\]\(uploads/([^)]+)\)", body)
    files = [url.split("/uploads/sites/2/")[1] for _, _, url in attached]
    assert shown[: len(files)] == files
    assert len(shown) == 12 * len(files)  # twelve [gallery] shortcodes, each showing them all
    assert "[gallery" not in body
    # the block editor's gallery: a figure of figures
    _, tiled = front_and_body(root / "content" / "wp" / "tiled-gallery.md")
    assert re.findall(r"!\[([^\]]*)\]", tiled) == ["Captain America", "Fight Club", "Iron Man 2", "Man Of Steel",
                                                    "The Amazing Spider Man", "The Dark Knight Rises"]


def test_wptest_more_tag_is_the_summary_and_the_body_is_whole(wp_site: tuple[Path, str, str]) -> None:
    front, body = front_and_body(wp_site[0] / "content" / "wp" / "more-tag.md")
    assert front["summary"] == ('This content is before the more tag. Right after this sentence should be a '
                                '"continue reading" button of some sort.')
    assert "more-->" not in body and body.rstrip().endswith("And this content is after the more tag.")


def test_wptest_titles_with_markup_and_entities_are_text(wp_site: tuple[Path, str, str]) -> None:
    wp = wp_site[0] / "content" / "wp"
    assert front_and_body(wp / "title-with-markup.md")[0]["title"] == "Title With Markup"
    special, _ = front_and_body(wp / "title-with-special-characters.md")
    assert special["title"] == "Title With Special Characters ~`!@#$%^&*()-_=+{}[]/\\;:'\"?,.>"


def test_wptest_old_addresses_are_aliases(wp_site: tuple[Path, str, str]) -> None:
    wp = wp_site[0] / "content" / "wp"
    assert front_and_body(wp / "more-tag.md")[0]["aliases"] == ["/more-tag/"]
    gallery, _ = front_and_body(wp / "post-format-gallery.md")
    assert gallery["aliases"] == ["/post-format-gallery/", "/post-format-test-gallery/"]
    child, _ = front_and_body(wp / "child-page-01.md")
    assert child["aliases"] == ["/parent-page/child-page-01/"]
    assert gallery["source_url"] == "http://wptest.io/demo/post-format-gallery/"
    assert gallery["date"] == "2012-12-10T10:00:14-06:00" and gallery["lang"] == "en-US"


# ---------------------------------------------------------------- an Arabic newsroom's export


@pytest.fixture
def arabic_site(make_site: MakeSite, tmp_path: Path) -> Path:
    return make_site({})


def import_arabic(site: Path, tmp_path: Path, *extra: str) -> int:
    uploads = fake_uploads(ARABIC, tmp_path / "uploads", leave_out="2019/03/old-photo.jpg")
    return run(["import", "--wordpress", str(ARABIC), "--site", str(site), "--into", "wp",
                "--uploads", str(uploads), *extra])


def test_arabic_export_keeps_arabic_slugs_categories_and_text(arabic_site: Path, tmp_path: Path,
                                                              capsys: Capsys) -> None:
    assert import_arabic(arabic_site, tmp_path, "--pages") == EXIT_OK
    said = capsys.readouterr()
    assert said.out.splitlines()[:3] == [
        f"Imported 3 posts and 1 page into {arabic_site / 'content' / 'wp'}; 5 old addresses kept as aliases.",
        "Images: 3 copied from --uploads, 1 shown from its https:// address, 1 only linked (http://).",
        "Skipped 5 posts that are not published: 2 drafts, 1 password-protected, 1 private, 1 trashed."]
    wp = arabic_site / "content" / "wp"
    assert sorted(p.name for p in wp.glob("*.md")) == sorted([
        "مجلس-النواب-يقر-الموازنة.md", "أسعار-الخضار-ترتفع-في-الأسواق.md", "old-market-photos.md", "من-نحن.md"])
    budget, body = front_and_body(wp / "مجلس-النواب-يقر-الموازنة.md")
    assert budget["title"] == "مجلس النواب يقرّ الموازنة بعد جلسة طويلة"  # <em> gone
    assert budget["section"] == "سياسة"  # the primary category, though اقتصاد comes first
    assert budget["tags"] == ["انتخابات", "بيروت", "اقتصاد"]
    assert budget["date"] == "2024-05-14T10:30:00+03:00" and budget["updated"] == "2024-05-15T08:00:00+03:00"
    assert budget["author"] == "سامي الخطيب"
    assert (budget["image"], budget["image_alt"], budget["image_caption"], budget["image_credit"]) == (
        "uploads/2024/05/parliament.jpg", "قاعة البرلمان", "جلسة البرلمان صباح الثلاثاء", "تصوير: رامي حداد")
    assert budget["summary"] == ("بيروت - أقرّ مجلس النواب اللبناني مساء الثلاثاء موازنة العام الحالي، "
                                 "بعد جلسة استمرت تسع ساعات.")
    assert budget["aliases"] == ["/2024/05/14/مجلس-النواب-يقر-الموازنة/", "/2024/05/14/budget-vote/"]
    assert "![قاعة البرلمان](uploads/2024/05/parliament.jpg)\n\n*جلسة البرلمان صباح الثلاثاء*" in body
    assert "**ماذا تتضمن الموازنة؟**  \nزيادة في رواتب القطاع العام  \nوضريبة جديدة على الكماليات." in body
    market, body = front_and_body(wp / "أسعار-الخضار-ترتفع-في-الأسواق.md")
    assert market["summary"] == "الأسعار ارتفعت 20% في أسبوع."
    assert (market["author"], market["image"]) == ("ليلى منصور", "https://cdn.example-news.net/2024/05/market.jpg")
    assert "updated" not in market  # modified at the time it was published
    assert "![سوق الخضار](https://cdn.example-news.net/2024/05/market.jpg)\n\n*سوق الخضار في الصباح الباكر*" in body
    assert ("![بائع طماطم](uploads/2024/05/gallery-1.jpg)\n\n*الباعة يفتحون محالّهم عند السادسة*\n\n"
            "![زحام في السوق](uploads/2024/05/gallery-2.jpg)") in body
    assert "[مقابلة مع بائع](https://www.youtube.com/embed/abc123xyz)" in body
    assert "trackView" not in body and '[contact-form-7 id="5" title="راسلونا"]' in body
    old, body = front_and_body(wp / "old-market-photos.md")
    assert "section" not in old and "image" not in old  # "غير مصنف" is no section; an http:// image is no lead
    assert "[السوق القديم](http://old.example-news.net/wp-content/uploads/2019/03/old-photo.jpg)" in body
    assert sorted(numbered(said.err)) == sorted([
        "wordpress-ar.xml:183: warning: «أسعار-الخضار-ترتفع-في-الأسواق»: a <script> was removed (code, not text)",
        "wordpress-ar.xml:183: warning: «أسعار-الخضار-ترتفع-في-الأسواق»: an embedded <iframe> became a link",
        "wordpress-ar.xml:183: warning: «أسعار-الخضار-ترتفع-في-الأسواق»: the shortcode [contact-form-7] was kept "
        "as text",
        "wordpress-ar.xml:233: warning: «old-market-photos»: an image at an http:// address became a link (pages "
        "cannot show http:// images; give --uploads to copy it)",
        "wordpress-ar.xml:233: warning: «old-market-photos»: the featured image http://old.example-news.net/"
        "wp-content/uploads/2019/03/old-photo.jpg is an http:// address that pages cannot show; it was left out "
        "(give --uploads to copy it)"])


@pytest.mark.browser
def test_arabic_export_builds_into_right_to_left_pages(arabic_site: Path, tmp_path: Path, browser: Any,
                                                       capsys: Capsys) -> None:
    assert import_arabic(arabic_site, tmp_path) == EXIT_OK
    out = tmp_path / "public"
    assert run(["build", "--site", str(arabic_site), "--out", str(out), "--strict"]) == EXIT_OK
    page_path = out / "articles" / "مجلس-النواب-يقر-الموازنة" / "index.html"
    assert (out / "2024" / "05" / "14" / "budget-vote" / "index.html").is_file()
    assert not (out / "articles" / "من-نحن").exists()  # pages only with --pages
    html = page_path.read_text(encoding="utf-8")
    assert "سامي الخطيب" in html and "تصوير: رامي حداد" in html  # byline and the lead image's credit
    assert len(list((out / "media").glob("*"))) >= 3  # the copied uploads, published
    page = browser.new_page()
    page.goto(page_path.as_uri())
    assert page.locator("h1").inner_text() == "مجلس النواب يقرّ الموازنة بعد جلسة طويلة"
    paragraph = page.locator("article p", has_text="صوّت 62 نائباً")
    assert paragraph.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert page.evaluate("document.documentElement.lang") == "ar"
    page.close()


def test_nothing_is_written_when_anything_is_wrong(arabic_site: Path, tmp_path: Path, capsys: Capsys) -> None:
    wp = arabic_site / "content" / "wp"
    wp.mkdir()
    (wp / "old-market-photos.md").write_text("---\ntitle: نسختي\n---\nنص.\n", encoding="utf-8")
    before = snapshot(arabic_site)
    assert import_arabic(arabic_site, tmp_path) == EXIT_PROBLEMS
    err = capsys.readouterr().err
    assert "wordpress-ar.xml: error: content/wp/old-market-photos.md already exists (use --force to replace it" in err
    assert "Nothing was imported." in err
    assert snapshot(arabic_site) == before  # no article, no image copied
    assert import_arabic(arabic_site, tmp_path, "--force") == EXIT_OK
    assert front_and_body(wp / "old-market-photos.md")[0]["title"] == "صور من أرشيف السوق القديم"
    capsys.readouterr()
    assert import_arabic(arabic_site, tmp_path) == EXIT_PROBLEMS  # the articles exist now; the images are the same
    errors = [line for line in numbered(capsys.readouterr().err) if ": error: " in line]
    assert len(errors) == 3 and all(".md already exists" in line for line in errors)


# ---------------------------------------------------------------- exports that are not safe or not exports


BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<rss><channel><item><title>&lol2;</title></item></channel></rss>
"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss><channel><item><title>&secret;</title></item></channel></rss>
"""


@pytest.mark.parametrize("text, message", [
    (BOMB, "wordpress.xml:2: error: the export declares a DTD or entities (DTDForbidden); it was not read"),
    (EXTERNAL, "wordpress.xml:2: error: the export declares a DTD or entities (DTDForbidden); it was not read"),
    (ARABIC.read_text(encoding="utf-8")[:9000], "wordpress.xml:134: error: the export is not well-formed XML: "
                                                "unclosed CDATA section (export it again"),
    ("<?xml version='1.0'?>\n<html><body>not an export</body></html>\n",
     "wordpress.xml:1: error: this is XML, but not a WordPress export (no <channel> with items)"),
], ids=["entity-expansion", "external-entity", "cut-short", "not-an-export"])
def test_unsafe_or_broken_exports_are_refused(text: str, message: str, make_site: MakeSite, tmp_path: Path,
                                              capsys: Capsys) -> None:
    site = make_site({})
    export = tmp_path / "wordpress.xml"
    export.write_text(text, encoding="utf-8")
    before = snapshot(site)
    assert run(["import", "--wordpress", str(export), "--site", str(site)]) == EXIT_PROBLEMS
    [line] = numbered(capsys.readouterr().err)
    assert line.startswith(message)
    assert snapshot(site) == before


@pytest.mark.parametrize("argv", [
    ["import"], ["import", "--wordpress", "x.xml", "a.txt"], ["import", "a.txt"],
    ["import", "a.txt", "--metadata", "m.jsonl", "--pages"],
])
def test_import_usage_is_checked(argv: list[str], capsys: Capsys) -> None:
    assert run(argv) == EXIT_USAGE
    assert "import: " in capsys.readouterr().err


# ---------------------------------------------------------------- pieces


@pytest.mark.parametrize("name, slug", [
    ("%d9%85%d9%86-%d9%86%d8%ad%d9%86", "من-نحن"),
    ("hello-world", "hello-world"),
    ("deleted__trashed", "deleted__trashed"),
    ("a%20b%2Fc..d", "a-b-c.d"),
    ("---", "post-7"),
    ("", "post-7"),
    ("%e2%80%aeevil", "evil"),
])
def test_slugs_are_decoded_and_made_safe(name: str, slug: str) -> None:
    assert wordpress.safe_slug(name, "post-7") == slug


@pytest.mark.parametrize("local, gmt, iso", [
    ("2024-05-14 10:30:00", "2024-05-14 07:30:00", "2024-05-14T10:30:00+03:00"),
    ("2013-01-10 20:15:40", "2013-01-11 02:15:40", "2013-01-10T20:15:40-06:00"),
    ("2024-05-14 10:30:00", "0000-00-00 00:00:00", "2024-05-14T10:30:00"),
    ("0000-00-00 00:00:00", "0000-00-00 00:00:00", ""),
    ("2024-05-14 10:30:00", "2024-05-14 10:30:00", "2024-05-14T10:30:00+00:00"),
])
def test_dates_keep_the_sites_offset(local: str, gmt: str, iso: str) -> None:
    assert wordpress.wp_date(local, gmt) == iso


def test_classic_editor_paragraphs_are_made_as_wordpress_does() -> None:
    assert wordpress.autop("سطر أول\nسطر ثان\n\nفقرة ثانية\n\n<h2>عنوان</h2>\n\n[gallery ids=\"1\"]") == (
        "<p>سطر أول<br>\nسطر ثان</p>\n\n<p>فقرة ثانية</p>\n\n<h2>عنوان</h2>\n\n[gallery ids=\"1\"]")


def test_shortcode_attributes_take_any_quoting() -> None:
    assert wordpress.shortcode_attributes('id="attachment_5" align=left width=\'300\' caption="نص"') == {
        "id": "attachment_5", "align": "left", "width": "300", "caption": "نص"}


def test_an_escaped_shortcode_is_text_and_an_older_caption_attribute_is_read() -> None:
    export = wordpress.Export(base_url="https://x.org")
    converter = wordpress.Converter(export, wordpress.Images(None))
    item = wordpress.Item(1, {"wp:post_id": "1", "content:encoded":
                              'اكتب [[gallery]] هكذا.\n\n[caption caption="تعليق قديم"]<img src="https://x.org/a.jpg" '
                              'alt="أ" />[/caption]'})
    converted = converter.convert(item)
    assert converted.markdown == "اكتب [gallery] هكذا.\n\n![أ](https://x.org/a.jpg)\n\n*تعليق قديم*"
    assert converted.notes.messages() == []


def test_reading_an_export_keeps_each_items_line(tmp_path: Path) -> None:
    problems = Problems()
    export = wordpress.read_export(ARABIC, "wordpress-ar.xml", problems)
    assert export is not None and not problems.items
    lines = ARABIC.read_text(encoding="utf-8").splitlines()
    assert all(lines[item.line - 1].strip() == "<item>" for item in export.items)
    assert export.authors == {"sami": "سامي الخطيب", "layla": "ليلى منصور"}
    assert export.categories["2"] == ("%d8%b3%d9%8a%d8%a7%d8%b3%d8%a9", "سياسة")
