"""Images: found and checked while loading, resized with Pillow, written into the site, shown as <img>.

An article's images are its front matter's `image:` (the lead image) and its Markdown images.
A local image is a file beside the article (`photo.jpg`, `../shared/map.png`) or, with a leading
'/', anywhere under content/ (`/images/map.png`). Each file is read once per build: its bytes are
hashed, and Pillow reads its format and size (a file seen for the first time is decoded whole, so
a damaged one is reported while loading; what was found is kept in the build cache by hash).

Published addresses hold the hash of the file's bytes, so they never collide and never go stale:

    media/<hash>.jpg          the file as it is (at most WIDTHS[-1] pixels wide), its metadata
                              stripped losslessly (see strip_metadata: no camera, place or date)
    media/<hash>-960.jpg      resized to 960 pixels wide (EXIF orientation applied, metadata dropped)

Widths are WIDTHS, never wider than the original; an original wider than the largest is not
published. Animated images, and files that are small already (at most WIDTHS[-1] pixels wide and
SMALL_BYTES: drawings, charts, palette PNGs, which resizing would only make larger), are published
as they are, in one size. Resized files are kept in the user's cache
($XDG_CACHE_HOME/akhbar/media/) under a hash of their source and size, so rebuilds do not redo them.
"""

from __future__ import annotations

import difflib
import hashlib
import io
import os
import pickle
import posixpath
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import unquote, urlsplit

from markupsafe import Markup, escape

from . import incremental, workers
from .content import IMAGE_PLACEHOLDER, Article, ImageRef, Picture, Variant
from .i18n import _, language
from .output import Output, store_file
from .problems import Problems

FOLDER = "media"
WIDTHS = (480, 960, 1600)
SMALLER_BY = 0.9  # a resized width is made only when at most this share of the original's
SMALL_BYTES = 64_000
FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "GIF": ("gif", "image/gif"),
           "WEBP": ("webp", "image/webp")}
MAX_BYTES = 50_000_000
MAX_PIXELS = 100_000_000
JPEG_QUALITY = 82
WEBP_QUALITY = 80
VERSION = "2"  # part of every resized file's cache key: change it when resizing makes other bytes
# Sizes the theme shows images at: the article's column (42rem, see site.css) or the whole phone.
BODY_SIZES = "(min-width: 44rem) 42rem, calc(100vw - 2rem)"
_ORIENTATION = 0x0112
_SIDEWAYS = (5, 6, 7, 8)


@dataclass(frozen=True)
class ImageInfo:
    """What reading an image file found."""

    format: str
    width: int  # as shown: EXIF orientation applied
    height: int
    animated: bool = False
    size: int = 0  # bytes


@dataclass
class Media:
    """Every local image file the site publishes, by content path, with its bytes' hash and what it is."""

    files: dict[str, tuple[str, ImageInfo]] = field(default_factory=dict)  # content path -> (hash, info)
    pictures: dict[str, Picture] = field(default_factory=dict)  # content path -> picture


# ---------------------------------------------------------------- finding files


def local_path(article_path: str, src: str) -> str | None:
    """The image's path in the site folder ('content/2018/photo.jpg'); None when it leaves content/.

    `src` is relative to the article, or to content/ with a leading '/'; '%20' and friends are
    decoded, and a '?' or '#' part is ignored.
    """
    path = unicodedata.normalize("NFC", unquote(src.split("#", 1)[0].split("?", 1)[0]))
    joined = "content/" + path.lstrip("/") if path.startswith("/") else posixpath.join(
        posixpath.dirname(article_path), path)
    clean = posixpath.normpath(joined)
    return clean if clean.startswith("content/") and "\0" not in clean else None


def _missing_hint(root: Path, rel: str, src: str) -> str:
    folder = (root / rel).parent
    try:
        names = sorted(p.name for p in folder.iterdir() if p.is_file())
    except OSError:
        names = []
    folded = {name.casefold(): name for name in reversed(names)}  # 'Photo.JPG' for 'photo.jpg'
    close = difflib.get_close_matches(posixpath.basename(rel).casefold(), list(folded), n=1, cutoff=0.6)
    if close:
        return _("did you mean '{path}'?").format(path=folded[close[0]])
    if src.startswith("/"):
        return _("a path starting with '/' is looked up in content/: put the file there or correct the path")
    return _("put the file beside the article, or write its path inside content/ with a leading '/'")


class Unsupported(ValueError):
    """An image that can be read, but not published as it is (too many pixels, a format browsers lack)."""


class Unreadable(NamedTuple):
    """Why an image file cannot be used, in the language of the build that found out."""

    message: str
    unsupported: bool


def read_image(data: bytes) -> ImageInfo:
    """Decode an image whole and say what it is; raise ValueError in words for the editor."""
    import warnings

    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # MAX_PIXELS decides
            image = Image.open(io.BytesIO(data))
        with image:
            kind = image.format or ""
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise Unsupported(_("the image is {width}×{height} pixels; images over {most} megapixels are not "
                                    "read").format(width=width, height=height, most=MAX_PIXELS // 1_000_000))
            if kind not in FORMATS:
                raise Unsupported(_("the image is in {kind} format, which not every browser shows").format(kind=kind)
                                  if kind else _("the image is in an unknown format, which not every browser shows"))
            image.load()
            frames = getattr(image, "n_frames", 1)
            orientation = image.getexif().get(_ORIENTATION, 1)
    except UnidentifiedImageError:
        raise ValueError(_("the file is not an image that can be read")) from None
    except Image.DecompressionBombError:
        raise Unsupported(_("the image has more than {most} megapixels; it was not read").format(
            most=MAX_PIXELS // 1_000_000)) from None
    except (OSError, SyntaxError) as exc:
        if "truncated" in str(exc).lower():
            raise ValueError(_("the image file ends too soon (is it cut short, or half downloaded?)")) from None
        raise ValueError(_("the image could not be read ({reason})").format(reason=exc)) from None
    if orientation in _SIDEWAYS:
        width, height = height, width
    return ImageInfo(kind, width, height, frames > 1, len(data))


class InfoCache:
    """What earlier builds found in image files, by hash of their bytes (in the build cache)."""

    def __init__(self, folder: Path | None):
        self.path = folder / "media-info.pickle" if folder else None
        self.old: dict[str, ImageInfo | Unreadable] = {}
        if self.path is not None:
            try:
                loaded = pickle.loads(self.path.read_bytes())
                if isinstance(loaded, tuple) and loaded[0] == _versions():
                    self.old = loaded[1]
            except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError,
                    TypeError, IndexError):
                pass
        self.new: dict[str, ImageInfo | Unreadable] = {}

    def info(self, digest: str, data: bytes) -> ImageInfo | Unreadable:
        """The image's info, or why it cannot be read."""
        found = self.old.get(digest)
        if found is None:
            try:
                found = read_image(data)
            except ValueError as exc:
                found = Unreadable(str(exc), isinstance(exc, Unsupported))
        self.new[digest] = found
        return found

    def save(self) -> None:
        if self.path is not None and self.new.keys() != self.old.keys():
            try:
                store_file(self.path, pickle.dumps((_versions(), self.new), protocol=pickle.HIGHEST_PROTOCOL))
            except OSError:
                pass  # a read-only cache only costs time


def _versions() -> str:
    import PIL

    return f"{VERSION}:{PIL.__version__}:{language()}"  # the messages it keeps are in one language


def _read_file(root: Path, rel: str) -> tuple[bytes | None, str, str]:
    """(bytes, '', '') or (None, message, hint) for the image file at `rel`."""
    path = root / rel
    content = (root / "content").resolve()
    try:
        if not path.exists() and not path.is_symlink():
            return None, "", ""
        if not path.resolve().is_relative_to(content):  # the file, or a folder on its way, links out
            return None, _("the image is a link to outside content/; it was not read"), \
                _("copy the image into content/ instead of linking to it")
        if not path.exists():
            return None, _("the image is a broken link"), _("give the path of an image file")
        if not path.is_file():
            return None, _("the image is not a regular file (a folder, a pipe or a device)"), \
                _("give the path of an image file")
        size = path.stat().st_size
        if size > MAX_BYTES:
            return None, _("the image is {size} MB; images over {most} MB are not read").format(
                size=f"{size / 1e6:.1f}", most=f"{MAX_BYTES / 1e6:.0f}"), \
                _("save it smaller (a news photo needs no more than 2000 pixels across)")
        return path.read_bytes(), "", ""
    except OSError as exc:
        return None, _("the image could not be read: {reason}").format(reason=exc.strerror or exc), \
            _("check that you may read the file")


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=10).hexdigest()


def variants(digest: str, info: ImageInfo) -> tuple[Variant, ...]:
    """The sizes an image is published in, narrowest first (see the module's docstring)."""
    ext = FORMATS[info.format][0]
    width, height = info.width, info.height
    original = Variant(f"{FOLDER}/{digest}.{ext}", width, height)
    if info.animated or (width <= WIDTHS[-1] and info.size <= SMALL_BYTES):
        return (original,)
    top = min(width, WIDTHS[-1])
    out = [Variant(f"{FOLDER}/{digest}-{w}.{ext}", w, max(1, round(height * w / width)), w)
           for w in WIDTHS if w <= width * SMALLER_BY and w < top]
    if width <= WIDTHS[-1]:
        out.append(original)
    else:
        out.append(Variant(f"{FOLDER}/{digest}-{top}.{ext}", top, max(1, round(height * top / width)), top))
    return tuple(out)


class Loader:
    """Reads each referenced image file once, reporting problems at the line that names it."""

    def __init__(self, root: Path, problems: Problems, cache: InfoCache):
        self.root = root
        self.problems = problems
        self.cache = cache
        self.media = Media()
        self.failed: dict[str, tuple[str, str]] = {}

    def picture(self, article: Article, ref: ImageRef) -> Picture | None:
        """The image `ref` names, as it will be published; None (and a problem) when it cannot be."""
        if ref.src.lower().startswith("https://"):
            return Picture(ref.src)
        rel = local_path(article.path, ref.src)
        if rel is None:
            self.problems.error(article.path, ref.line, _("the image '{src}' is outside content/").format(src=ref.src),
                                _("copy it into content/, beside the article or in a folder such as content/images/"))
            return None
        found = self.media.pictures.get(rel)
        if found is not None:
            return found
        failed = self.failed.get(rel) or self._load(rel, ref.src)
        if failed:
            self.failed[rel] = failed
            self.problems.error(article.path, ref.line, *failed)
            return None
        return self.media.pictures[rel]

    def _load(self, rel: str, src: str) -> tuple[str, str] | None:
        data, message, hint = _read_file(self.root, rel)
        if data is None:
            return (message, hint) if message else (
                _("the image file '{src}' was not found (looked for {path})").format(src=src, path=rel),
                _missing_hint(self.root, rel, src))
        digest = _digest(data)
        info = self.cache.info(digest, data)
        if isinstance(info, Unreadable):
            hint = (_("save it as JPEG (photographs) or PNG (drawings)") if info.unsupported
                    else _("is it damaged, or another kind of file? save it again as JPEG or PNG"))
            return f"{info.message}: {rel}", hint
        self.media.files[rel] = (digest, info)
        sizes = variants(digest, info)
        self.media.pictures[rel] = Picture(rel, sizes[-1].width, sizes[-1].height, FORMATS[info.format][1], digest,
                                           sizes)
        return None


def attach(root: Path, articles: Sequence[Article], problems: Problems, state: Path | None) -> Media:
    """Give every article its pictures (lead and body); report every image that cannot be published.

    `state` is the build cache's folder (None: read every image whole).
    """
    cache = InfoCache(state)
    loader = Loader(root, problems, cache)
    for article in articles:
        article.picture = loader.picture(article, article.image) if article.image else None
        article.pictures = tuple(loader.picture(article, ref) for ref in article.images)
    cache.save()
    return loader.media


# ---------------------------------------------------------------- HTML


def img_html(picture: Picture, href: Callable[[str], str], alt: str, *, sizes: str = BODY_SIZES,
             lazy: bool = True, priority: bool = False, title: str = "", css_class: str = "") -> Markup:
    """An <img> for a picture: every size in srcset, its width and height (no layout shift), lazy or not.

    `priority` asks the browser to fetch it first (the lead image, likely the page's largest paint).
    """
    attrs: list[tuple[str, str]] = []
    if picture.remote:
        attrs.append(("src", picture.src))
    else:
        sizes_wide = [v for v in picture.variants if v.width >= 960] or [picture.variants[-1]]
        attrs.append(("src", href(sizes_wide[0].path)))
        if len(picture.variants) > 1:
            attrs.append(("srcset", ", ".join(f"{href(v.path)} {v.width}w" for v in picture.variants)))
            attrs.append(("sizes", sizes))
        attrs += [("width", str(picture.width)), ("height", str(picture.height))]
    attrs.append(("alt", alt))
    if title:
        attrs.append(("title", title))
    if css_class or picture.remote:
        attrs.append(("class", " ".join(filter(None, (css_class, "remote" if picture.remote else "")))))
    if lazy:
        attrs.append(("loading", "lazy"))
    elif priority:
        attrs.append(("fetchpriority", "high"))
    attrs.append(("decoding", "async"))
    return Markup("<img " + " ".join(f'{name}="{escape(value)}"' for name, value in attrs) + ">")


def body_html(article: Article, href: Callable[[str], str]) -> Markup:
    """The article's body with its images filled in for a page (or a feed: `href` gives absolute addresses).

    The first image is not lazy when it opens the article and there is no lead image.
    """
    def image(match: Any) -> str:
        number = int(match.group(1))
        ref, picture = article.images[number], article.pictures[number]
        if picture is None:  # not reached: a site with a broken image does not build
            return str(escape(ref.alt))
        eager = number == 0 and article.picture is None and ref.block <= 2
        return img_html(picture, href, ref.alt, lazy=not eager, title=ref.title)

    return Markup(IMAGE_PLACEHOLDER.sub(image, article.body_html))


def origins(articles: Iterable[Article | None]) -> list[str]:
    """The hosts of the remote images these articles show (for the page's Content-Security-Policy)."""
    found = set()
    for article in articles:
        if article is None:
            continue
        for picture in (article.picture, *article.pictures):
            if picture is not None and picture.remote:
                parts = urlsplit(picture.src)
                found.add(f"https://{parts.netloc.lower()}")
    return sorted(found)


# ---------------------------------------------------------------- writing


@dataclass
class MediaReport:
    resized: int = 0  # made by this build
    cached: int = 0  # resized by an earlier build, taken from the user's cache
    reused: int = 0  # linked from the previous site
    copied: int = 0


def default_cache() -> Path:
    """Where resized images are kept between builds: the user's cache, never the site folder."""
    home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(home) / "akhbar" / "media"


@dataclass(frozen=True)
class _Job:
    source: str  # content path
    digest: str
    variant: Variant
    format: str

    @property
    def key(self) -> str:
        stripped = "" if self.variant.resize else f":{STRIPPED}"  # a file copied before stripping is not reused
        text = f"{_versions()}:{self.digest}:{self.variant.resize}x{self.variant.height}:{self.format}{stripped}"
        return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def jobs(media: Media) -> list[_Job]:
    """One job per published file, in a stable order."""
    out: dict[str, _Job] = {}
    for rel in sorted(media.pictures):
        digest, info = media.files[rel]
        for variant in media.pictures[rel].variants:
            out.setdefault(variant.path, _Job(rel, digest, variant, info.format))
    return sorted(out.values(), key=lambda j: j.variant.path)


def resize(data: bytes, width: int, height: int) -> bytes:
    """The image at width×height: EXIF orientation applied, metadata other than the colour profile dropped."""
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as opened:
        kind = opened.format or "PNG"
        icc = opened.info.get("icc_profile")
        image = ImageOps.exif_transpose(opened)
        if image.mode not in ("RGB", "RGBA", "L", "LA") and not (kind == "JPEG" and image.mode == "CMYK"):
            clear = kind != "JPEG" and (image.mode in ("PA", "RGBa") or "transparency" in image.info)
            image = image.convert("RGBA" if clear else "RGB")
        small = image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
    out = io.BytesIO()
    options: dict[str, Any] = {"icc_profile": icc} if icc else {}
    if kind == "JPEG":
        small.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True, **options)
    elif kind == "WEBP":
        small.save(out, "WEBP", quality=WEBP_QUALITY, method=4, **options)
    else:
        small.save(out, kind, optimize=True, **options)
    return out.getvalue()


STRIPPED = "metadata-stripped-1"
_JPEG_DROPPED = (b"Exif\0\0", b"http://ns.adobe.com/xap/1.0/\0", b"http://ns.adobe.com/xmp/extension/\0")
_PNG_DROPPED = frozenset({b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"})


def strip_metadata(data: bytes, kind: str) -> bytes:
    """A JPEG or PNG published as it is, without what a camera or an editor wrote about it (EXIF with its
    GPS position and date, XMP, IPTC, comments, PNG text chunks), the image data untouched, byte for
    byte. An EXIF orientation is kept, alone, so the picture stays upright; the colour profile stays.
    A file whose structure is not as expected, and GIF and WebP files, are published unchanged."""
    if kind == "JPEG":
        return _strip_jpeg(data)
    if kind == "PNG":
        return _strip_png(data)
    return data


def _orientation_exif(orientation: int) -> bytes:
    """An EXIF block ("Exif\\0\\0" and a TIFF header) holding the orientation only."""
    from PIL import Image

    exif = Image.Exif()
    exif[_ORIENTATION] = orientation
    return exif.tobytes()


def _orientation_of(block: bytes) -> int:
    from PIL import Image

    exif = Image.Exif()
    try:
        exif.load(block)
        value = int(exif.get(_ORIENTATION, 1))
    except Exception:  # noqa: BLE001 - a damaged EXIF block: the picture is shown as stored
        return 1
    return value if 2 <= value <= 8 else 1


def _strip_jpeg(data: bytes) -> bytes:
    if not data.startswith(b"\xff\xd8"):
        return data
    kept: list[bytes] = []
    i, orientation = 2, 1
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            return data
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in (0xDA, 0xD9):  # start of scan (or end of image): the rest is image data
            head = _with_orientation(kept, orientation)
            return data[:2] + b"".join(head) + data[i:]
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            kept.append(data[i:i + 2])
            i += 2
            continue
        end = i + 2 + int.from_bytes(data[i + 2:i + 4], "big")
        if end <= i + 3 or end > len(data):
            return data
        payload = data[i + 4:end]
        if marker == 0xE1 and payload.startswith(_JPEG_DROPPED[0]):
            orientation = _orientation_of(payload)
        elif not ((marker == 0xE1 and payload.startswith(_JPEG_DROPPED[1:])) or marker in (0xED, 0xFE)):
            kept.append(data[i:end])  # APP1 XMP, APP13 IPTC and COM comments are dropped; the rest stays
        i = end
    return data


def _with_orientation(segments: list[bytes], orientation: int) -> list[bytes]:
    if orientation == 1:
        return segments
    block = _orientation_exif(orientation)
    app1 = b"\xff\xe1" + (len(block) + 2).to_bytes(2, "big") + block
    at = 1 if segments and segments[0].startswith(b"\xff\xe0") else 0  # after JFIF's APP0, which comes first
    return [*segments[:at], app1, *segments[at:]]


def _strip_png(data: bytes) -> bytes:
    signature = b"\x89PNG\r\n\x1a\n"
    if not data.startswith(signature):
        return data
    out, i = [signature], len(signature)
    while i + 12 <= len(data):
        length = int.from_bytes(data[i:i + 4], "big")
        kind = data[i + 4:i + 8]
        end = i + 12 + length
        if end > len(data):
            return data
        if kind == b"eXIf":
            orientation = _orientation_of(b"Exif\0\0" + data[i + 8:i + 8 + length])
            if orientation != 1:
                block = _orientation_exif(orientation)[6:]
                out.append(len(block).to_bytes(4, "big") + kind + block
                           + zlib.crc32(kind + block).to_bytes(4, "big"))
        elif kind not in _PNG_DROPPED:
            out.append(data[i:end])
        i = end
        if kind == b"IEND":
            return b"".join(out) + data[i:]
    return data


class Writer:
    """Writes the site's image files: linked from the previous site, taken from the cache, or made."""

    def __init__(self, root: Path, output: Output, cache: Path | None, report: MediaReport):
        self.root = root
        self.output = output
        self.cache = cache
        self.report = report

    def cached(self, job: _Job) -> Path | None:
        return self.cache / job.key[:2] / f"{job.key}.{posixpath.splitext(job.variant.path)[1][1:]}" \
            if self.cache is not None else None

    def make(self, job: _Job) -> bytes:
        """The file's bytes: the original's, or the resized copy (from the cache when it is there)."""
        data = (self.root / job.source).read_bytes()
        if not job.variant.resize:
            return strip_metadata(data, job.format)
        path = self.cached(job)
        if path is not None:
            try:
                return path.read_bytes()
            except OSError:
                pass
        made = resize(data, job.variant.width, job.variant.height)
        if path is not None:
            try:
                store_file(path, made)
            except OSError:
                pass  # a read-only cache only costs time
        return made

    def write_one(self, job: _Job) -> tuple[int, int]:
        info = self.output.write(job.variant.path, self.make(job), count=False).stat()
        return info.st_size, info.st_mtime_ns


def write(media: Media, root: Path, output: Output, cache: Path | None, previous: incremental.OutState | None,
          state: incremental.OutState | None, jobs_count: int | None = None) -> MediaReport:
    """Write every image file of the site into the staging folder; unchanged ones are linked from the previous site."""
    report = MediaReport()
    writer = Writer(root, output, cache, report)
    todo = []
    for job in jobs(media):
        key = job.key.encode()
        if previous is not None and state is not None and incremental.carry(previous, state, output,
                                                                             job.variant.path, key):
            report.reused += 1
        else:
            todo.append(job)
    for job in todo:
        if not job.variant.resize:
            report.copied += 1
        elif (path := writer.cached(job)) is not None and path.is_file():
            report.cached += 1
        else:
            report.resized += 1
    done = workers.chunked(lambda a, b: [writer.write_one(j) for j in todo[a:b]], len(todo), jobs_count,
                           step=4, parallel_from=PARALLEL_FROM)
    for job, (size, mtime_ns) in zip(todo, done, strict=True):
        output.bytes_written += size
        output.files_written += 1
        if state is not None:
            state.pages[job.variant.path] = incremental.PageRecord(job.key.encode(), size, mtime_ns)
    return report


PARALLEL_FROM = 8  # resizing is slow enough that a few images are worth the worker processes

