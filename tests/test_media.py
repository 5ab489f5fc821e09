"""Images: checked while loading (missing, unreadable, not images, outside content/), resized with Pillow
into a width set, kept in the user's cache, written with their sizes, and shown from disk and under a
sub-path in Chromium."""

from __future__ import annotations

import functools
import hashlib
import io
import re
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from akhbar import media
from akhbar import site as pipeline
from akhbar.problems import SiteError

SITE_YAML = "title: أرشيف الصور\nbase_url: https://example.org/news/archive/\nsearch: false\n"


def image_bytes(width: int, height: int, kind: str = "JPEG", color: tuple[int, int, int] = (180, 40, 40),
                orientation: int | None = None) -> bytes:
    """A picture with detail (noise, a bar), so resizing has something to do and files are not tiny."""
    image = Image.merge("RGB", [Image.effect_noise((width, height), 40).point(lambda v, c=c: (v + c) // 2)
                                for c in color])
    for x in range(0, width, max(1, width // 64)):
        image.paste((x * 255 // width, 90, 200), (x, 0, x + max(1, width // 128), height // 3))
    out = io.BytesIO()
    options: dict[str, Any] = {}
    if orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = orientation
        exif[0x010F] = "ExampleCam"  # the camera's maker: metadata that resized copies must drop
        options["exif"] = exif.tobytes()
    image.save(out, kind, **options)
    return out.getvalue()


def article(lines: str = "", body: str = "نص الخبر.") -> str:
    return f"---\ntitle: خبر مصور\ndate: 2018-03-01\n{lines}---\n{body}\n"


def build(root: Path, out: Path | None = None) -> pipeline.BuildResult:
    out = out or root.parent / "public"
    return pipeline.build(pipeline.load(root), out, cache=root.parent / "cache")


def errors_of(root: Path) -> list[str]:
    with pytest.raises(SiteError) as info:
        pipeline.load(root)
    return [p.format() for p in info.value.problems.errors]


def digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------- checks while loading


def test_a_missing_image_is_an_error_at_the_line_that_names_it(make_site) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"site.yaml": SITE_YAML,
                      "content/2018/a.md": article("image: lead.jpg\n", "فقرة.\n\n![خريطة](map.png)"),
                      "content/2018/Map.PNG": image_bytes(40, 30, "PNG")})
    assert errors_of(root) == [
        "content/2018/a.md:4: error: the image file 'lead.jpg' was not found (looked for content/2018/lead.jpg) "
        "(put the file beside the article, or write its path inside content/ with a leading '/')",
        "content/2018/a.md:8: error: the image file 'map.png' was not found (looked for content/2018/map.png) "
        "(did you mean 'Map.PNG'?)",
    ]
    assert not (root.parent / "public").exists()  # nothing was written


def test_a_root_absolute_path_is_looked_up_in_content(make_site) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"site.yaml": SITE_YAML,
                      "content/2018/a.md": article("", "![خريطة](/images/map.png)"),
                      "content/images/map.png": image_bytes(300, 200, "PNG")})
    build(root)
    page = (root.parent / "public/articles/a/index.html").read_text(encoding="utf-8")
    [tag] = re.findall(r"<img [^>]*>", page)
    src = re.search(r' src="([^"]+)"', tag).group(1)  # type: ignore[union-attr]
    assert src.startswith("../../media/") and src.endswith(".png")
    assert (root.parent / "public/articles/a" / src).resolve().is_file()
    assert 'width="300" height="200"' in tag


def test_a_root_absolute_path_missing_from_content_is_reported(make_site) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"site.yaml": SITE_YAML, "content/2018/a.md": article("", "نص.\n\n![خريطة](/images/map.png)")})
    assert errors_of(root) == [
        "content/2018/a.md:7: error: the image file '/images/map.png' was not found (looked for "
        "content/images/map.png) (a path starting with '/' is looked up in content/: put the file there or "
        "correct the path)"]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("photo.jpg", b"not an image at all\n", "the file is not an image that can be read: content/photo.jpg "
         "(is it damaged, or another kind of file? save it again as JPEG or PNG)"),
        ("photo.jpg", image_bytes(200, 100)[:400], "the image file ends too soon (is it cut short, or half "
         "downloaded?): content/photo.jpg (is it damaged, or another kind of file? save it again as JPEG or PNG)"),
        ("photo.bmp", image_bytes(20, 10, "BMP"), "the image is in BMP format, which not every browser shows: "
         "content/photo.bmp (save it as JPEG (photographs) or PNG (drawings))"),
    ],
)
def test_a_file_that_is_not_a_usable_image_is_an_error(make_site, name: str, data: bytes,  # type: ignore[no-untyped-def]
                                                       message: str) -> None:
    root = make_site({"site.yaml": SITE_YAML, "content/a.md": article(f"image: {name}\n"), f"content/{name}": data})
    assert errors_of(root) == [f"content/a.md:4: error: {message}"]


def test_images_outside_content_are_refused(make_site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "secret.jpg").write_bytes(image_bytes(20, 20))
    root = make_site({"site.yaml": SITE_YAML, "content/a.md": article("image: ../../secret.jpg\n"),
                      "content/b.md": article("image: linked.jpg\n"),
                      "content/c.md": article("image: /outside/secret.jpg\n")})
    (root / "content/linked.jpg").symlink_to(tmp_path / "secret.jpg")
    (root / "content/outside").symlink_to(tmp_path, target_is_directory=True)  # a folder that links out
    link_out = ("error: the image is a link to outside content/; it was not read (copy the image into content/ "
                "instead of linking to it)")
    assert errors_of(root) == [
        "content/outside: error: this folder is a link to outside content/; it was not read (copy the articles "
        "into content/ instead of linking to them)",
        "content/a.md:4: error: the image '../../secret.jpg' is outside content/ (copy it into content/, beside "
        "the article or in a folder such as content/images/)",
        f"content/b.md:4: {link_out}",
        f"content/c.md:4: {link_out}",
    ]


def test_an_unreadable_image_is_an_error(make_site, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"site.yaml": SITE_YAML, "content/a.md": article("image: photo.jpg\n"),
                      "content/photo.jpg": image_bytes(20, 20)})
    real = Path.read_bytes

    def denied(self: Path) -> bytes:
        if self.name == "photo.jpg":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", denied)  # CI runs as root: chmod would deny nothing
    assert errors_of(root) == ["content/a.md:4: error: the image could not be read: Permission denied "
                               "(check that you may read the file)"]


# ---------------------------------------------------------------- sizes, the cache, the output


def test_large_images_are_resized_to_the_width_set_never_upscaled(make_site) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"site.yaml": SITE_YAML,
                      "content/a.md": article("image: big.jpg\n", "![صغيرة](small.png)"),
                      "content/big.jpg": image_bytes(2400, 1600),
                      "content/small.png": image_bytes(500, 250, "PNG")})
    result = build(root)
    out = root.parent / "public"
    page = (out / "articles/a/index.html").read_text(encoding="utf-8")
    lead, small = re.findall(r"<img [^>]*>", page)
    candidates = re.findall(r"(\S+) (\d+)w", re.search(r'srcset="([^"]+)"', lead).group(1))  # type: ignore[union-attr]
    assert [int(w) for _, w in candidates] == [480, 960, 1600]
    for url, width in candidates:
        with Image.open(out / "articles/a" / url) as made:
            assert made.size == (int(width), round(1600 * int(width) / 2400))
            assert made.format == "JPEG" and not made.getexif()
    assert 'width="1600" height="1067"' in lead and 'fetchpriority="high"' in lead and "loading" not in lead
    digest = hashlib.blake2b((root / "content/big.jpg").read_bytes(), digest_size=10).hexdigest()
    assert not (out / f"media/{digest}.jpg").exists()  # wider than 1600: the original is not published
    # 500 px: one smaller size (480 is not 10% smaller, so none) and the file as it is, never upscaled
    assert "srcset" not in small and 'width="500" height="250"' in small and 'loading="lazy"' in small
    [original] = [p for p in (out / "media").iterdir() if p.suffix == ".png"]
    assert original.read_bytes() == (root / "content/small.png").read_bytes()
    assert result.published is not None and result.published.images.resized == 3


def test_orientation_is_applied_and_metadata_dropped(make_site) -> None:  # type: ignore[no-untyped-def]
    # stored 2400×1200 with EXIF orientation 6 (rotate 90°): shown 1200×2400
    root = make_site({"site.yaml": SITE_YAML, "content/a.md": article("image: turned.jpg\n"),
                      "content/turned.jpg": image_bytes(2400, 1200, orientation=6)})
    build(root)
    out = root.parent / "public"
    page = (out / "articles/a/index.html").read_text(encoding="utf-8")
    assert 'width="1200" height="2400"' in page
    made = sorted((out / "media").iterdir())
    assert [p.stem.rsplit("-", 1)[-1] for p in made if "-" in p.stem] == ["480", "960"]
    assert len(made) == 3  # and the original, 1200 px wide as shown (browsers turn it by its EXIF)
    for path in made:
        with Image.open(path) as image:
            if "-" in path.stem:
                width = int(path.stem.rsplit("-", 1)[1])
                assert image.size == (width, width * 2)  # upright
                assert not image.getexif()  # no orientation, no camera maker
            else:  # the original: its pixels as they were, its orientation kept alone
                with Image.open(root / "content/turned.jpg") as source:
                    assert image.tobytes() == source.tobytes()
                assert dict(image.getexif()) == {0x0112: 6}


def test_resized_images_come_from_the_user_cache_and_are_byte_identical(make_site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"site.yaml": SITE_YAML, "content/a.md": article("image: big.jpg\n"),
                      "content/big.jpg": image_bytes(1800, 1200)})
    first = build(root, tmp_path / "one")
    second = build(root, tmp_path / "two")  # a new output folder: nothing to link from
    assert first.published and first.published.images.resized == 3
    assert second.published and (second.published.images.resized, second.published.images.cached) == (0, 3)
    cached = sorted((root.parent / "cache/media").rglob("*.jpg"))
    assert len(cached) == 3
    fresh = tmp_path / "three"
    pipeline.build(pipeline.load(root, cached=False), fresh, cache=tmp_path / "empty-cache", incremental_build=False)
    assert digests(tmp_path / "one") == digests(tmp_path / "two") == digests(fresh)


def test_remote_images_stay_remote_and_only_their_host_is_allowed(make_site) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"site.yaml": SITE_YAML,
                      "content/a.md": article("image: https://images.example.com/2018/lead.jpg\nimage_alt: وصف\n"),
                      "content/b.md": article()})
    build(root)
    out = root.parent / "public"
    page = (out / "articles/a/index.html").read_text(encoding="utf-8")
    assert '<img src="https://images.example.com/2018/lead.jpg" alt="وصف" class="remote"' in page
    assert "img-src 'self' data: https://images.example.com;" in page
    assert '<meta property="og:image" content="https://images.example.com/2018/lead.jpg">' in page
    other = (out / "articles/b/index.html").read_text(encoding="utf-8")
    assert "images.example.com" not in other and "img-src 'self' data:;" in other
    assert "img-src 'self' data: https://images.example.com;" in (out / "index.html").read_text(encoding="utf-8")
    assert not (out / "media").exists()


def test_the_lead_image_is_the_share_image_and_has_no_card(make_site) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"site.yaml": SITE_YAML, "content/a.md": article("image: lead.png\nimage_alt: خريطة\n"),
                      "content/b.md": article()})
    (root / "content/lead.png").write_bytes(image_bytes(800, 400, "PNG"))
    build(root)
    out = root.parent / "public"
    page = (out / "articles/a/index.html").read_text(encoding="utf-8")
    digest = hashlib.blake2b((root / "content/lead.png").read_bytes(), digest_size=10).hexdigest()
    url = f"https://example.org/news/archive/media/{digest}.png"
    for tag in (f'<meta property="og:image" content="{url}">', '<meta property="og:image:type" content="image/png">',
                '<meta property="og:image:width" content="800">', '<meta property="og:image:alt" content="خريطة">',
                '<meta name="twitter:image:alt" content="خريطة">'):
        assert tag in page
    assert not (out / "articles/a/card.png").exists() and (out / "articles/b/card.png").exists()
    assert "card.png" in (out / "articles/b/index.html").read_text(encoding="utf-8")


def test_small_files_are_published_in_one_size() -> None:
    # a 1200 px chart of 3 KB: smaller sizes would be larger files (resizing smooths its few colours)
    assert [v.path for v in media.variants("ab12", media.ImageInfo("PNG", 1200, 750, size=3_000))] == [
        "media/ab12.png"]
    assert [v.width for v in media.variants("ab12", media.ImageInfo("JPEG", 1200, 750, size=300_000))] == [
        480, 960, 1200]
    assert [v.width for v in media.variants("ab12", media.ImageInfo("JPEG", 3000, 1500, size=3_000))] == [
        480, 960, 1600]  # wider than 1600: resized whatever its size


def test_variants_never_collide_with_other_outputs() -> None:
    info = media.ImageInfo("PNG", 3000, 1000)
    paths = [v.path for v in media.variants("ab12", info)]
    assert paths == ["media/ab12-480.png", "media/ab12-960.png", "media/ab12-1600.png"]
    assert media.variants("ab12", media.ImageInfo("GIF", 3000, 1000, animated=True))[0].path == "media/ab12.gif"
    from akhbar import aliases

    assert media.FOLDER in aliases.SITE_FOLDERS  # no alias may take the folder


@pytest.mark.parametrize(
    ("article_path", "src", "expected"),
    [
        ("content/2018/a.md", "photo.jpg", "content/2018/photo.jpg"),
        ("content/2018/a.md", "../images/x%20y.jpg", "content/images/x y.jpg"),
        ("content/2018/a.md", "/images/x.jpg?v=2#top", "content/images/x.jpg"),
        ("content/a.md", "../x.jpg", None),
        ("content/a.md", "/../x.jpg", None),
    ],
)
def test_local_paths(article_path: str, src: str, expected: str | None) -> None:
    assert media.local_path(article_path, src) == expected


# ---------------------------------------------------------------- in Chromium: from disk and under a sub-path


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder served over HTTP; the site goes into its news/archive/ sub-folder (base_url's path)."""
    root = tmp_path / "www"
    (root / "news").mkdir(parents=True)
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root / "news" / "archive", f"http://127.0.0.1:{server.server_address[1]}/news/archive/"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


SHOWN = """() => [...document.querySelectorAll('main img')].map(img => ({
  src: img.currentSrc, complete: img.complete, natural: img.naturalWidth, width: img.getAttribute('width'),
  box: img.getBoundingClientRect().width, right: img.getBoundingClientRect().right,
  left: img.getBoundingClientRect().left}))"""


@pytest.mark.browser
def test_images_show_with_their_size_from_disk_and_under_a_sub_path(make_site, browser: Any,  # type: ignore[no-untyped-def]
                                                                    served: tuple[Path, str]) -> None:
    out, http_base = served
    root = make_site({"site.yaml": SITE_YAML,
                      "content/2018/a.md": article("image: big.jpg\nimage_caption: تعليق\nimage_credit: المصور\n",
                                                   "فقرة.\n\n![خريطة](/images/map.png)"),
                      "content/2018/big.jpg": image_bytes(2400, 1600),
                      "content/images/map.png": image_bytes(700, 350, "PNG")})
    build(root, out)
    for base in (out.resolve().as_uri() + "/", http_base):
        for viewport in ({"width": 390, "height": 844}, {"width": 1366, "height": 900}):
            page = browser.new_page(viewport=viewport)
            failed: list[str] = []
            page.on("requestfailed", lambda r: failed.append(r.url))  # noqa: B023
            page.goto(base + "articles/a/index.html")
            page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # bring the lazy one into view
            page.wait_for_function("[...document.querySelectorAll('main img')].every(i => i.complete)")
            shown = page.evaluate(SHOWN)
            page.close()
            assert not failed, (base, failed)
            assert len(shown) == 2, shown
            for image in shown:
                assert image["src"].startswith(base + "media/"), (base, image)
                assert image["natural"] > 0, (base, image)  # it loaded, and its natural size is known
                assert 0 < image["box"] <= viewport["width"] and image["left"] >= 0, (viewport, image)
            assert shown[0]["width"] == "1600" and shown[1]["width"] == "700"
        listing = browser.new_page(viewport={"width": 390, "height": 844})
        listing.goto(base + "index.html")
        listing.wait_for_function("document.querySelector('.thumb img') && document.querySelector('.thumb img').complete")
        assert listing.evaluate("document.querySelector('.thumb img').naturalWidth") > 0
        listing.close()


def test_originals_are_published_without_what_the_camera_wrote(make_site) -> None:  # type: ignore[no-untyped-def]
    # a reporter's photo, published as it is (not wider than the width set): no place, camera or notes
    from PIL import PngImagePlugin

    picture = Image.merge("RGB", [Image.effect_noise((700, 400), 40)] * 3)
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"
    exif.get_ifd(0x8825).update({1: "N", 2: (33.0, 30.0, 15.0), 3: "E", 4: (36.0, 17.0, 0.0)})  # GPS
    jpeg, png = io.BytesIO(), io.BytesIO()
    picture.save(jpeg, "JPEG", quality=95, exif=exif.tobytes(), comment=b"SecretComment")
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "SecretText")
    text.add_itxt("XML:com.adobe.xmp", "SecretXMP")
    picture.save(png, "PNG", pnginfo=text, exif=exif.tobytes())
    assert len(jpeg.getvalue()) > media.SMALL_BYTES  # published as it is, one size and resized copies
    root = make_site({"site.yaml": SITE_YAML, "content/a.md": article("image: photo.jpg\n", "![خريطة](map.png)"),
                      "content/photo.jpg": jpeg.getvalue(), "content/map.png": png.getvalue()})
    build(root)
    originals = [p for p in (root.parent / "public" / "media").iterdir() if "-" not in p.stem]
    assert sorted(p.suffix for p in originals) == [".jpg", ".png"]
    for path in originals:
        data = path.read_bytes()
        for secret in (b"SecretCam", b"SecretComment", b"SecretText", b"SecretXMP"):
            assert secret not in data, (path.name, secret)
        with Image.open(path) as image, Image.open(root / "content" / f"{'photo.jpg' if path.suffix == '.jpg' else 'map.png'}") as source:
            assert not image.getexif() and not image.getexif().get_ifd(0x8825)
            assert image.tobytes() == source.tobytes()  # the same pixels: nothing re-encoded


def test_a_file_whose_structure_is_unexpected_is_published_unchanged() -> None:
    for kind, data in (("JPEG", b"\xff\xd8\xff\xe1\x00"), ("JPEG", b"\xff\xd8not markers"),
                       ("PNG", b"\x89PNG\r\n\x1a\n\x00\x00\x00\xffIHDR"), ("GIF", b"GIF89a"), ("WEBP", b"RIFF")):
        assert media.strip_metadata(data, kind) == data
