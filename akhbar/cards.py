"""Share cards: a 1200×630 PNG per article with its headline drawn in Arabic, reused across builds.

Browsers shape Arabic themselves; Pillow's basic layout does not. So here, and only here, text is
shaped into presentation forms by arabic_reshaper and put into visual order (with mirrored
brackets) by python-bidi. Pillow's basic layout is used even where Raqm is installed, so a card
is the same bytes on every machine. Cards are drawn as 8-bit palette images: every colour is a
ramp between two theme colours, which keeps the anti-aliasing and makes the files small.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from multiprocessing import get_context
from pathlib import Path

import PIL
from arabic_reshaper import ArabicReshaper
from bidi.algorithm import get_display  # the Python implementation: it mirrors brackets in RTL runs
from PIL import Image, ImageDraw, ImageFont, features

from .output import store_file

CARD_SIZE = (1200, 630)
LOGO_SIZE = (600, 60)
DESIGN = "2"  # part of every cache key: bump it when the drawing changes
FONT_DIR = Path(__file__).parent / "theme" / "fonts-cards"
FONT_NAMES = ("NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf")
# Debian's fonts-noto-core: Arabic only (no Latin letters, no brackets), so only a fallback.
SYSTEM_FONT_DIR = Path("/usr/share/fonts/truetype/noto")
POOL_FROM = 64  # draw in worker processes when at least this many cards are missing

MARGIN = 72
BAND = 100  # height of the top band that carries the site's name
FOOT = 520  # top of the footer (date, place, source)
HEADLINE_SIZES = (72, 64, 56, 50, 44)
LINE_HEIGHT = 1.45
ELLIPSIS = "…"

# Palette ramps (64 steps each): index = ramp start + ink strength.
INK, MUTED, ON_BAND = 0, 64, 128
INK_LEVELS = 16
PAPER, TEXT, GREY, ACCENT, WHITE = "#fdfcf9", "#1d1d1f", "#555b61", "#083f33", "#ffffff"

_reshaper = ArabicReshaper({"delete_harakat": True, "ARABIC LIGATURE ALLAH": False})


@dataclass(frozen=True)
class Fonts:
    """The two TTF files cards are drawn with."""

    regular: Path
    bold: Path

    @functools.cached_property
    def digest(self) -> str:
        return hashlib.sha256(self.regular.read_bytes() + self.bold.read_bytes()).hexdigest()


@dataclass(frozen=True)
class CardText:
    """Everything drawn on one card; equal texts give byte-identical cards."""

    headline: str
    footer: str  # e.g. "17 أيلول 2018 · موسكو · سانا"
    site: str  # the site's title, in the top band
    host: str  # the site's address without scheme, e.g. "user.github.io/archive"
    rtl: bool = True  # the headline's direction
    site_rtl: bool = True  # the direction of the site's own words (band and footer)


def find_fonts(folder: Path = FONT_DIR) -> tuple[Fonts | None, str]:
    """The packaged fonts, else Debian's; (None, why) when neither is there."""
    for where in (folder, SYSTEM_FONT_DIR):
        regular, bold = (where / name for name in FONT_NAMES)
        if regular.is_file() and bold.is_file():
            note = "" if where == folder else f"share cards use {where} (no Latin letters); reinstall akhbar"
            return Fonts(regular, bold), note
    return None, (f"no font for share cards in {folder}; pages are built without og:image "
                  "(reinstall akhbar, or install Debian's fonts-noto-core)")


# ---------------------------------------------------------------- text: shape, order, wrap


def shape(text: str, rtl: bool = True) -> str:
    """Arabic joined into presentation forms and put in visual (left-to-right) order for Pillow."""
    visual = get_display(_reshaper.reshape(text), base_dir="R" if rtl else "L")
    return "".join(ch for ch in visual if unicodedata.category(ch) != "Cf")


@functools.lru_cache(maxsize=64)
def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.BASIC)


@functools.lru_cache(maxsize=8192)
def width(text: str, font: ImageFont.FreeTypeFont, rtl: bool = True) -> float:
    """The drawn width of logical `text`."""
    return font.getlength(shape(text, rtl))


def wrap(text: str, font: ImageFont.FreeTypeFont, limit: float, rtl: bool = True) -> list[str]:
    """Break logical text into lines no wider than `limit` (bidi runs in each line are ordered later).

    Arabic letters join only inside a word, so a line is as wide as its words and spaces.
    """
    space = font.getlength(" ")
    lines: list[list[str]] = [[]]
    used = 0.0
    for word in text.split():
        for piece in _pieces(word, font, limit, rtl):
            size = width(piece, font, rtl)
            if lines[-1] and used + space + size > limit:
                lines.append([])
                used = 0.0
            used += size + (space if lines[-1] else 0.0)
            lines[-1].append(piece)
    return [" ".join(words) for words in lines if words]


def _pieces(word: str, font: ImageFont.FreeTypeFont, limit: float, rtl: bool) -> Iterator[str]:
    """A word wider than a whole line (a long address) is cut where it must be."""
    while len(word) > 1 and width(word, font, rtl) > limit:
        cut = len(word) - 1
        while cut > 1 and width(word[:cut], font, rtl) > limit:
            cut -= 1
        yield word[:cut]
        word = word[cut:]
    yield word


def fit(text: str, limit: float, height: float, font_of: Callable[[int], ImageFont.FreeTypeFont],
        rtl: bool = True) -> tuple[int, list[str]]:
    """The largest headline size whose lines fit the box; the smallest one cut with '…' otherwise."""
    for size in HEADLINE_SIZES:
        lines = wrap(text, font_of(size), limit, rtl)
        if len(lines) * size * LINE_HEIGHT <= height:
            return size, lines
    size = HEADLINE_SIZES[-1]
    lines = wrap(text, font_of(size), limit, rtl)
    keep = max(1, int(height // (size * LINE_HEIGHT)))
    return size, lines[: keep - 1] + [ellipsize(" ".join(lines[keep - 1:]), font_of(size), limit, rtl)]


def ellipsize(text: str, font: ImageFont.FreeTypeFont, limit: float, rtl: bool = True) -> str:
    """Cut logical text at a word so that it fits `limit` with a trailing '…'."""
    if width(text, font, rtl) <= limit:
        return text
    words = text.split()
    while len(words) > 1 and width(" ".join(words) + " " + ELLIPSIS, font, rtl) > limit:
        words.pop()
    cut = " ".join(words)
    if width(cut + " " + ELLIPSIS, font, rtl) <= limit:
        return cut + " " + ELLIPSIS
    while len(cut) > 1 and width(cut + ELLIPSIS, font, rtl) > limit:
        cut = cut[:-1]
    return cut + ELLIPSIS


# ---------------------------------------------------------------- drawing


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _ramp(start: str, end: str) -> list[int]:
    a, b = _rgb(start), _rgb(end)
    return [round(a[c] + (b[c] - a[c]) * step / 63) for step in range(64) for c in range(3)]


PALETTE = _ramp(PAPER, TEXT) + _ramp(PAPER, GREY) + _ramp(ACCENT, WHITE) + _ramp(PAPER, PAPER)


def _line(draw: ImageDraw.ImageDraw, text: str, y: float, font: ImageFont.FreeTypeFont, ink: int,
          rtl: bool, box: tuple[int, int]) -> None:
    """One line at the start edge of the box: the right edge for RTL, the left for LTR."""
    x, anchor = (box[1], "rm") if rtl else (box[0], "lm")
    draw.text((x, y), shape(text, rtl), font=font, fill=ink, anchor=anchor)


def draw_card(text: CardText, fonts: Fonts) -> bytes:
    """Draw one share card as PNG bytes."""
    w, h = CARD_SIZE
    image = Image.new("L", CARD_SIZE, INK)
    draw = ImageDraw.Draw(image)
    box = (MARGIN, w - MARGIN)
    draw.rectangle((0, 0, w, BAND), fill=ON_BAND)
    band_font = _font(fonts.bold, 40)
    site = ellipsize(text.site, band_font, w * 0.6, text.site_rtl)
    _line(draw, site, BAND / 2, band_font, ON_BAND + 63, text.site_rtl, box)
    host_font = _font(fonts.regular, 28)
    _line(draw, ellipsize(text.host, host_font, w * 0.3, False), BAND / 2, host_font, ON_BAND + 44,
          not text.site_rtl, box)
    top, bottom = BAND + 36, FOOT - 24
    size, lines = fit(text.headline, box[1] - box[0], bottom - top, lambda s: _font(fonts.bold, s), text.rtl)
    step = size * LINE_HEIGHT
    y = top + (bottom - top - step * len(lines)) / 2 + step / 2
    for line in lines:
        _line(draw, line, y, _font(fonts.bold, size), INK + 63, text.rtl, box)
        y += step
    draw.rectangle((0, FOOT, w, h), fill=MUTED)
    draw.line((MARGIN, FOOT, w - MARGIN, FOOT), fill=MUTED + 20, width=2)
    foot_font = _font(fonts.regular, 32)
    footer = ellipsize(text.footer, foot_font, box[1] - box[0], text.site_rtl)
    _line(draw, footer, (FOOT + h) / 2, foot_font, MUTED + 63, text.site_rtl, box)
    return _png(image)


def draw_logo(title: str, fonts: Fonts, rtl: bool = True) -> bytes:
    """The publisher's logo for structured data: the site's name on the header's colour, 600×60."""
    w, h = LOGO_SIZE
    image = Image.new("L", LOGO_SIZE, ON_BAND)
    font = _font(fonts.bold, 30)
    name = ellipsize(title, font, w - 24, rtl)
    _line(ImageDraw.Draw(image), name, h / 2, font, ON_BAND + 63, rtl, (12, w - 12))
    return _png(image)


_STEP = 64 // INK_LEVELS
_LEVELS = [(v // 64) * 64 + min(63, round(v % 64 / _STEP) * _STEP) for v in range(256)]


def _png(image: Image.Image) -> bytes:
    """Reinterpret the ramp indices as a palette image and encode it (no timestamps: stable bytes).

    Each ramp keeps INK_LEVELS steps of anti-aliasing: as smooth to the eye, a fifth smaller as PNG.
    """
    indexed = Image.frombytes("P", image.size, image.point(_LEVELS).tobytes())
    indexed.putpalette(PALETTE)
    buffer = io.BytesIO()
    indexed.save(buffer, "PNG", compress_level=6)
    return buffer.getvalue()


# ---------------------------------------------------------------- many cards, cached


def card_key(text: CardText, fonts: Fonts) -> str:
    """The cache key: everything that changes a card's bytes."""
    parts = [DESIGN, PIL.__version__, features.version("freetype2") or "", fonts.digest, asdict(text)]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


class CardCache:
    """Finished cards by key, in a folder kept between builds (None: no cache)."""

    def __init__(self, folder: Path | None):
        self.folder = folder

    def _path(self, key: str) -> Path | None:
        return self.folder / key[:2] / f"{key}.png" if self.folder else None

    def get(self, key: str) -> bytes | None:
        path = self._path(key)
        try:
            return path.read_bytes() if path else None
        except OSError:
            return None

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        if path is not None:
            try:
                store_file(path, data)
            except OSError:
                pass  # a read-only cache only costs time on the next build


@dataclass
class CardStats:
    drawn: int = 0
    reused: int = 0


def _draw_job(job: tuple[CardText, Fonts]) -> bytes:
    return draw_card(*job)


def render_cards(texts: Sequence[CardText], fonts: Fonts, cache: CardCache, stats: CardStats,
                 workers: int | None = None) -> Iterator[bytes]:
    """Each text's card, in order: from the cache when it is there, else drawn (in parallel when many)."""
    keys = [card_key(t, fonts) for t in texts]
    found = [cache.get(k) for k in keys]
    missing = [i for i, data in enumerate(found) if data is None]
    drawn = iter(_draw_all([(texts[i], fonts) for i in missing], workers))
    stats.reused += len(texts) - len(missing)
    stats.drawn += len(missing)
    for key, data in zip(keys, found, strict=True):
        if data is None:
            data = next(drawn)
            cache.put(key, data)
        yield data


def _draw_all(jobs: list[tuple[CardText, Fonts]], workers: int | None) -> Iterable[bytes]:
    count = workers or min(os.cpu_count() or 1, 8)
    if len(jobs) < POOL_FROM or count < 2 or sys.platform != "linux":
        return map(_draw_job, jobs)
    return _pooled(jobs, count)


def _pooled(jobs: list[tuple[CardText, Fonts]], count: int) -> Iterator[bytes]:
    # fork: spawn and forkserver re-import the caller's main module, which breaks any script that
    # calls build() without an `if __name__ == "__main__"` guard. The workers only draw with Pillow.
    with ProcessPoolExecutor(count, mp_context=get_context("fork")) as pool:
        yield from pool.map(_draw_job, jobs, chunksize=16)
