"""Share cards: a 1200×630 PNG per article with its headline drawn in Arabic, reused across builds.

Browsers shape Arabic themselves; Pillow's basic layout does not. So here, and only here, text is
shaped into presentation forms by arabic_reshaper and put into visual order (with mirrored
brackets) by python-bidi. Pillow's basic layout is used even where Raqm is installed, so a card
is the same bytes on every machine. Cards are 4-bit palette images of 15 colours: every colour is
one of five steps on a ramp between two theme colours, which keeps enough anti-aliasing for
headlines 44 px and taller and makes the files small (a third smaller than 17 steps at 8 bits).

A card takes a couple of milliseconds, because little is done twice. Each glyph is measured and rendered once per
process, and lines are laid out from those bitmaps exactly as Pillow lays them out (its basic
layout loads and renders every glyph of a line again on each call). The band with the site's name
is drawn once per site. The PNG's deflate stream is pieced together from runs of rows: only the
rows a card drew on are compressed for it; blank runs and the band are compressed once.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sqlite3
import struct
import sys
import unicodedata
import weakref
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import PIL
from arabic_reshaper import ArabicReshaper
from bidi.algorithm import get_display  # the Python implementation: it mirrors brackets in RTL runs
from PIL import Image, ImageDraw, ImageFont, features

from .i18n import _
from .workers import frozen_heap, worker_started

CARD_SIZE = (1200, 630)
LOGO_SIZE = (600, 60)
DESIGN = "4"  # part of every cache key: bump it when the drawing or the encoding changes
FONT_DIR = Path(__file__).parent / "theme" / "fonts-cards"
FONT_NAMES = ("NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf")
# Debian's fonts-noto-core: Arabic only (no Latin letters, no brackets), so only a fallback.
SYSTEM_FONT_DIR = Path("/usr/share/fonts/truetype/noto")
POOL_FROM = 64  # draw in worker processes when at least this many cards are missing
CHUNK = 32  # cards handed to a worker at a time

MARGIN = 72
BAND = 100  # height of the top band that carries the site's name
FOOT = 520  # top of the footer (date, place, source)
HEADLINE_SIZES = (72, 64, 56, 50, 44)
LINE_HEIGHT = 1.45
ELLIPSIS = "…"
# More characters than a card can show: five lines at the smallest headline size hold about 530 of
# the narrowest glyphs (tatweel, a space: 10 px of 1056). Longer text is cut before it is shaped (clip).
DRAWN_CHARACTERS = 600

# Ramps of 64 steps drawn on: value = ramp start + ink strength (the PNG keeps 5 steps of each).
INK, MUTED, ON_BAND = 0, 64, 128
INK_LEVELS = 4
PAPER, TEXT, GREY, ACCENT, WHITE = "#fdfcf9", "#1d1d1f", "#555b61", "#083f33", "#ffffff"


class _Settings:
    """The reshaper's settings, each read once: arabic_reshaper asks configparser for five of them on
    every call, which is most of the time it takes over a word."""

    def __init__(self, section: Any):
        self.section = section
        self.read: dict[str, bool] = {}

    def getboolean(self, key: str, *args: Any, **kwargs: Any) -> bool:
        if args or kwargs:
            return bool(self.section.getboolean(key, *args, **kwargs))
        if key not in self.read:
            self.read[key] = self.section.getboolean(key)
        return self.read[key]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.section, name)


_reshaper = ArabicReshaper({"delete_harakat": True, "ARABIC LIGATURE ALLAH": False})
_reshaper.configuration = _Settings(_reshaper.configuration)


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
            note = "" if where == folder else _("share cards use {folder} (no Latin letters); reinstall akhbar").format(
                folder=where)
            return Fonts(regular, bold), note
    return None, _("no font for share cards in {folder}; pages are built without og:image (reinstall akhbar, or "
                   "install Debian's fonts-noto-core)").format(folder=folder)


# ---------------------------------------------------------------- text: shape, order, wrap


@functools.lru_cache(maxsize=16384)
def shape(text: str, rtl: bool = True) -> str:
    """Arabic joined into presentation forms and put in visual (left-to-right) order for Pillow."""
    joined = _reshaper.reshape(text)
    if rtl and all(unicodedata.bidirectional(ch) in _ARABIC_OR_SPACE for ch in joined):
        return joined[::-1]  # what the bidi algorithm makes of Arabic letters and spaces alone
    visual = get_display(joined, base_dir="R" if rtl else "L")
    return "".join(ch for ch in visual if unicodedata.category(ch) != "Cf")


_ARABIC_OR_SPACE = frozenset({"AL", "WS"})


@functools.lru_cache(maxsize=64)
def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.BASIC)


def _pixel(length: int) -> int:
    """A 26.6 fixed-point length rounded to whole pixels, as FreeType and Pillow round it."""
    return (length + 32) >> 6


class _Glyphs:
    """One font's glyphs, each measured and rendered once per process.

    Pillow's basic layout loads every glyph of a string four times and renders it twice on every
    call, and keeps nothing; a card is a few dozen glyphs out of a few hundred. Lines drawn here are
    pixel for pixel the ones Pillow draws: the same advances and kerning (26.6 fixed point), the
    same anti-aliased bitmaps at the same whole-pixel places, overlaps blended the same way.
    """

    def __init__(self, font: ImageFont.FreeTypeFont):
        self.font = font
        self.advances: dict[str, int] = {}
        self.kerning: dict[str, int] = {}
        self.lengths: dict[str, int] = {}
        self.bitmaps: dict[str, tuple[Image.Image, int, int] | None] = {}
        # how far the baseline lies below a middle ('m') anchor
        self.middle = int(font.getbbox(" ", anchor="lm")[1] - font.getbbox(" ", anchor="ls")[1])

    def advance(self, ch: str) -> int:
        found = self.advances.get(ch)
        if found is None:
            found = self.advances[ch] = round(self.font.getlength(ch) * 64)
        return found

    def kern(self, pair: str) -> int:
        """What a pair adds to the first one's advance (0 unless the font has a 'kern' table)."""
        found = self.kerning.get(pair)
        if found is None:
            whole = round(self.font.getlength(pair) * 64)
            found = self.kerning[pair] = whole - self.advance(pair[0]) - self.advance(pair[1])
        return found

    def length(self, visual: str) -> int:
        """The advance of a visual string in 26.6 units: font.getlength(visual) * 64."""
        found = self.lengths.get(visual)
        if found is None:
            found = 0
            previous = ""
            for ch in visual:
                found += self.advance(ch) + (self.kern(previous + ch) if previous else 0)
                previous = ch
            if len(self.lengths) < 65536:
                self.lengths[visual] = found
        return found

    def bitmap(self, ch: str) -> tuple[Image.Image, int, int] | None:
        """A glyph's coverage, cropped to its ink, and where its corner lies from the pen on the baseline."""
        if ch not in self.bitmaps:
            left, top, right, bottom = (int(edge) for edge in self.font.getbbox(ch, anchor="ls"))
            found = None
            if right > left and bottom > top:
                canvas = Image.new("L", (right - left, bottom - top), 0)
                ImageDraw.Draw(canvas).text((-left, -top), ch, font=self.font, fill=255, anchor="ls")
                ink = canvas.getbbox()
                if ink is not None:
                    found = canvas.crop(ink), left + ink[0], top + ink[1]
            self.bitmaps[ch] = found
        return self.bitmaps[ch]

    def draw(self, image: Image.Image, visual: str, x: int, y: float, ink: int,
             right: bool) -> tuple[int, int, int, int] | None:
        """Draw a visual string as ImageDraw.text((x, y), anchor='rm' or 'lm') does; the box inked.

        As in Pillow, the glyphs are first laid over one another in a coverage mask, which then
        blends the ink into the image: the pixels come out the same.
        """
        origin = x - (_pixel(self.length(visual)) if right else 0)
        whole = int(y)
        baseline = whole + self.middle + (1 if int((y - whole) * 64 + 0.5) > 32 else 0)
        placed = []
        pen = 0
        previous = ""
        for ch in visual:
            if previous:
                pen += self.kern(previous + ch)
            glyph = self.bitmap(ch)
            if glyph is not None:
                placed.append((glyph[0], origin + _pixel(pen) + glyph[1], baseline + glyph[2]))
            pen += self.advance(ch)
            previous = ch
        if not placed:
            return None
        left, top = min(p[1] for p in placed), min(p[2] for p in placed)
        right_edge = max(p[1] + p[0].width for p in placed)
        bottom = max(p[2] + p[0].height for p in placed)
        coverage = Image.new("L", (right_edge - left, bottom - top), 0)
        core = coverage.im  # Image.paste's checks cost more than the paste itself, glyph after glyph
        for mask, gx, gy in placed:
            x, y = gx - left, gy - top
            core.paste(255, (x, y, x + mask.width, y + mask.height), mask.im)
        image.paste(ink, (left, top), coverage)
        return left, top, right_edge, bottom


_GLYPHS: weakref.WeakKeyDictionary[ImageFont.FreeTypeFont, _Glyphs] = weakref.WeakKeyDictionary()


def _glyphs(font: ImageFont.FreeTypeFont) -> _Glyphs:
    found = _GLYPHS.get(font)
    if found is None:
        found = _GLYPHS[font] = _Glyphs(font)
    return found


def width(text: str, font: ImageFont.FreeTypeFont, rtl: bool = True) -> float:
    """The drawn width of logical `text` (font.getlength of its shaped form)."""
    return _glyphs(font).length(shape(text, rtl)) / 64


def wrap(text: str, font: ImageFont.FreeTypeFont, limit: float, rtl: bool = True) -> list[str]:
    """Break logical text into lines no wider than `limit` (bidi runs in each line are ordered later).

    Arabic letters join only inside a word, so a line is as wide as its words and spaces: each word
    is shaped and measured once, then the lines are filled greedily.
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
        cut = _longest(len(word) - 1, functools.partial(_fits, word, font, limit, rtl))
        yield word[:cut]
        word = word[cut:]
    yield word


def _fits(word: str, font: ImageFont.FreeTypeFont, limit: float, rtl: bool, count: int) -> bool:
    return width(word[:count], font, rtl) <= limit


def _longest(most: int, fits: Callable[[int], bool]) -> int:
    """The largest n in 1..most for which fits(n) holds (fits shrinks as n grows); 1 when none does.

    A binary search: cutting a long word or headline one character at a time, measuring the rest
    each time, took time quadratic in its length.
    """
    low, high = 1, most
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    return low


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
    count = _longest(len(words), lambda n: width(" ".join(words[:n]) + " " + ELLIPSIS, font, rtl) <= limit)
    cut = " ".join(words[:count])
    if width(cut + " " + ELLIPSIS, font, rtl) <= limit:
        return cut + " " + ELLIPSIS
    return cut[:_longest(len(cut), lambda n: width(cut[:n] + ELLIPSIS, font, rtl) <= limit)] + ELLIPSIS


def clip(text: str, most: int = DRAWN_CHARACTERS) -> str:
    """Text on one line (runs of spaces as one), cut at a word to at most `most` characters and '…'.

    A card shows a few lines; what could never be seen is not shaped or measured, so drawing
    a headline of any length takes about the same time.
    """
    plain = " ".join(text[: most * 4].split())  # enough for `most` characters after spaces are folded
    if len(plain) <= most:
        return plain
    cut = plain[:most]
    space = cut.rfind(" ")
    return (cut[:space] if space > most // 2 else cut) + " " + ELLIPSIS


# ---------------------------------------------------------------- drawing


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _ramp(start: str, end: str) -> list[int]:
    a, b = _rgb(start), _rgb(end)
    return [round(a[c] + (b[c] - a[c]) * step / 63) for step in range(64) for c in range(3)]


# Drawing happens on the ramps (0-191); the PNG keeps INK_LEVELS + 1 steps of each: its palette is
# those 15 colours, index = ramp * 5 + step, two pixels a byte. 17 steps at 8 bits looked no different
# at the sizes platforms show a card and took 14.7 KB a card where this takes 9.8 KB (sample-2k).
_STEP = 64 // INK_LEVELS
_RAMPS = [_ramp(PAPER, TEXT), _ramp(PAPER, GREY), _ramp(ACCENT, WHITE)]
PALETTE = [c for ramp in _RAMPS for k in range(INK_LEVELS + 1) for c in ramp[3 * min(63, k * _STEP):][:3]]
_INDEX = [min(v // 64, 2) * (INK_LEVELS + 1) + min(INK_LEVELS, round(v % 64 / _STEP)) for v in range(256)]
_INDEX_BYTES = bytes(_INDEX)  # the same map for bytes.translate


def _line(image: Image.Image, text: str, y: float, font: ImageFont.FreeTypeFont, ink: int,
          rtl: bool, box: tuple[int, int]) -> tuple[int, int, int, int] | None:
    """One line at the start edge of the box: the right edge for RTL, the left for LTR."""
    return _glyphs(font).draw(image, shape(text, rtl), box[1] if rtl else box[0], y, ink, rtl)


def _plain(text: str) -> str:
    """One line of text: runs of spaces, tabs and line breaks become one space; at most what a card shows."""
    return clip(text)


@functools.lru_cache(maxsize=8)
def _background(site: str, host: str, site_rtl: bool, fonts: Fonts) -> _Canvas:
    """Everything but the headline and the footer's words: the same on every card of a site."""
    w, h = CARD_SIZE
    image = Image.new("L", CARD_SIZE, INK)
    draw = ImageDraw.Draw(image)
    box = (MARGIN, w - MARGIN)
    draw.rectangle((0, 0, w, BAND), fill=ON_BAND)
    band_font = _font(fonts.bold, 40)
    _line(image, ellipsize(_plain(site), band_font, w * 0.6, site_rtl), BAND / 2, band_font, ON_BAND + 63,
          site_rtl, box)
    host_font = _font(fonts.regular, 28)
    _line(image, ellipsize(_plain(host), host_font, w * 0.3, False), BAND / 2, host_font, ON_BAND + 44,
          not site_rtl, box)
    draw.rectangle((0, FOOT, w, h), fill=MUTED)
    draw.line((MARGIN, FOOT, w - MARGIN, FOOT), fill=MUTED + 20, width=2)
    return _Canvas(image)


def draw_card(text: CardText, fonts: Fonts) -> bytes:
    """Draw one share card as PNG bytes."""
    w, h = CARD_SIZE
    canvas = _background(text.site, text.host, text.site_rtl, fonts)
    image = canvas.image.copy()
    box = (MARGIN, w - MARGIN)
    top, bottom = BAND + 36, FOOT - 24
    size, lines = fit(clip(text.headline), box[1] - box[0], bottom - top, lambda s: _font(fonts.bold, s), text.rtl)
    step = size * LINE_HEIGHT
    y = top + (bottom - top - step * len(lines)) / 2 + step / 2
    inked = []
    for line in lines:
        inked.append(_line(image, line, y, _font(fonts.bold, size), INK + 63, text.rtl, box))
        y += step
    if any(b is not None and b[3] > FOOT for b in inked):  # the footer is drawn over a deep descender
        image.paste(canvas.image.crop((0, FOOT, w, h)), (0, FOOT))
        inked = [b if b is None else (b[0], b[1], b[2], min(b[3], FOOT)) for b in inked]
    foot_font = _font(fonts.regular, 32)
    footer = ellipsize(_plain(text.footer), foot_font, box[1] - box[0], text.site_rtl)
    inked.append(_line(image, footer, (FOOT + h) / 2, foot_font, MUTED + 63, text.site_rtl, box))
    return canvas.png(image, inked)


def draw_logo(title: str, fonts: Fonts, rtl: bool = True) -> bytes:
    """The publisher's logo for structured data: the site's name on the header's colour, 600×60."""
    w, h = LOGO_SIZE
    image = Image.new("L", LOGO_SIZE, ON_BAND)
    font = _font(fonts.bold, 30)
    name = ellipsize(_plain(title), font, w - 24, rtl)
    _line(image, name, h / 2, font, ON_BAND + 63, rtl, (12, w - 12))
    return _Canvas(image).png()


# ---------------------------------------------------------------- PNG


BEST = 9  # zlib level for rows compressed once and reused
DRAWN_LEVEL = 4  # and for the rows a card drew on (with Z_FILTERED: 2% smaller than level 4 alone, as fast)
FLAT_FROM = 4  # blank rows: shorter runs are compressed with their neighbours
_ADLER = 65521
_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_ZLIB_HEADER = b"\x78\xda"  # deflate, 32 KB window, best compression
_LAST_BLOCK = b"\x03\x00"  # an empty final block
_flat_rows: dict[tuple[int, int, int], tuple[bytes, int]] = {}


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


_PLTE = _chunk(b"PLTE", bytes(PALETTE))


def _deflate(raw: bytes, strategy: int = zlib.Z_DEFAULT_STRATEGY, level: int = BEST) -> bytes:
    """Raw deflate that ends on a byte boundary and is not final: such pieces can follow one another."""
    packer = zlib.compressobj(level, zlib.DEFLATED, -15, 8, strategy)
    return packer.compress(raw) + packer.flush(zlib.Z_SYNC_FLUSH)


def _adler_after(adler: int, more: int, length: int) -> int:
    """The Adler-32 of two byte strings in a row, from the first's and the second's (zlib's combine)."""
    a1, b1, a2, b2 = adler & 0xFFFF, adler >> 16, more & 0xFFFF, more >> 16
    return ((b1 + b2 + length * (a1 - 1)) % _ADLER) << 16 | (a1 + a2 - 1) % _ADLER


def _scanlines(data: bytes, width: int) -> bytes:
    """Rows of palette indices (`width` a row, each below 16) as 4-bit PNG scanlines, two pixels a
    byte (Pillow packs them), each row after a filter byte 0 (none)."""
    stride = (width + 1) // 2
    packed = Image.frombytes("P", (width, len(data) // width), data).tobytes("raw", "P;4")
    return b"\0" + b"\0".join(packed[y:y + stride] for y in range(0, len(packed), stride))


def _flat(value: int, rows: int, width: int) -> tuple[bytes, int]:
    """Blank rows of one palette index, compressed, and their Adler-32 (a card has a few such runs;
    a thousand cards, about a hundred different ones)."""
    key = (value, rows, width)
    found = _flat_rows.get(key)
    if found is None:
        raw = _scanlines(bytes([value]) * width, width) * rows
        found = _flat_rows[key] = (_deflate(raw), zlib.adler32(raw))
    return found


def _same(values: list[int]) -> Iterator[tuple[int, int]]:
    """(start, end) of each run of equal values."""
    start = 0
    while start < len(values):
        end = start + 1
        while end < len(values) and values[end] == values[start]:
            end += 1
        yield start, end
        start = end


class _Canvas:
    """An image cards are drawn on, its rows compressed once per process.

    A card's PNG is one deflate stream of independent pieces, one per run of rows. The rows a card
    drew on are compressed for that card at DRAWN_LEVEL (run-length matching alone, faster, took a
    third more bytes on 4-bit rows); the others are the canvas's, compressed once at zlib's best level, blank runs
    of them all the more cheaply. The pieces depend only on the rows, so the bytes are stable.
    """

    def __init__(self, image: Image.Image):
        self.image = image
        self.data = image.point(_INDEX).tobytes()
        self.runs = list(self._runs())
        self.pieces: dict[tuple[int, int], tuple[bytes, int]] = {}

    def _runs(self) -> Iterator[tuple[int, int, int]]:
        """(first row, end row, palette index or -1): runs of blank rows of one index, and rows between."""
        w, h = self.image.size
        rows = [self.data[y * w:(y + 1) * w] for y in range(h)]
        flat = [row[0] if row.count(row[0]) == w else -1 for row in rows]
        for start, end in _same(flat):
            if flat[start] >= 0 and end - start < FLAT_FROM:
                flat[start:end] = [-1] * (end - start)  # too short to stand alone
        for start, end in _same(flat):
            yield start, end, flat[start]

    def piece(self, start: int, end: int, value: int) -> tuple[bytes, int]:
        """Rows start..end of the canvas, compressed, and their Adler-32."""
        w = self.image.width
        if value >= 0:
            return _flat(value, end - start, w)
        found = self.pieces.get((start, end))
        if found is None:
            raw = _scanlines(self.data[start * w:end * w], w)
            found = self.pieces[(start, end)] = (_deflate(raw), zlib.adler32(raw))
        return found

    def png(self, image: Image.Image | None = None,
            drawn: Iterable[tuple[int, int, int, int] | None] = ()) -> bytes:
        """`image` (this canvas, with `drawn` boxes drawn on it) as PNG: 8-bit palette, no filter,
        no interlace, no timestamp or text. Rows outside the boxes must be the canvas's."""
        image = self.image if image is None else image
        w, h = image.size
        spans: list[list[int]] = []
        for box in sorted((max(0, b[1]), min(h, b[3])) for b in drawn if b is not None):
            if spans and box[0] <= spans[-1][1]:
                spans[-1][1] = max(spans[-1][1], box[1])
            elif box[0] < box[1]:
                spans.append(list(box))
        pieces = [_ZLIB_HEADER]
        adler = 1
        row = 0
        for first, end in [*spans, [h, h]]:
            for start, stop, value in self.runs:  # the canvas's own rows up to the next drawn span
                lo, hi = max(start, row), min(stop, first)
                if lo < hi:
                    blob, part = self.piece(lo, hi, value)
                    pieces.append(blob)
                    adler = _adler_after(adler, part, (hi - lo) * ((w + 1) // 2 + 1))
            if first < end:
                raw = _scanlines(image.crop((0, first, w, end)).tobytes().translate(_INDEX_BYTES), w)
                pieces.append(_deflate(raw, zlib.Z_FILTERED, DRAWN_LEVEL))
                adler = zlib.adler32(raw, adler)
            row = end
        pieces += [_LAST_BLOCK, struct.pack(">I", adler)]
        header = struct.pack(">IIBBBBB", w, h, 4, 3, 0, 0, 0)
        return b"".join([_SIGNATURE, _chunk(b"IHDR", header), _PLTE, _chunk(b"IDAT", b"".join(pieces)),
                         _chunk(b"IEND", b"")])


# ---------------------------------------------------------------- many cards, cached


def card_key(text: CardText, fonts: Fonts) -> str:
    """The cache key: everything that changes a card's bytes."""
    parts = [DESIGN, PIL.__version__, features.version("freetype2") or "", zlib.ZLIB_RUNTIME_VERSION,
             fonts.digest, asdict(text)]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


class CardCache:
    """Finished cards by key, in one SQLite file kept between builds (folder None: no cache).

    One file rather than a file per card: creating a file costs more than writing a card's
    bytes. New cards are stored a few hundred at a time (one transaction each), and cached ones
    are read one at a time as they are needed, so memory does not grow with the archive. It is a
    cache: nothing is synced to disk, a damaged file is replaced, and any other problem (read-only,
    locked by another build) only costs time.
    """

    FILE = "cards.sqlite"
    BATCH = 256  # new cards per transaction

    def __init__(self, folder: Path | None):
        self.folder = folder
        self._db: sqlite3.Connection | None = None
        self._new: dict[str, bytes] = {}

    def _connect(self) -> sqlite3.Connection | None:
        folder = self.folder
        if self._db is not None or folder is None:
            return self._db
        path = folder / self.FILE
        for attempt in (1, 2):
            try:
                folder.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(path, timeout=5)
                db.execute("PRAGMA synchronous=OFF")
                db.execute("CREATE TABLE IF NOT EXISTS cards (key TEXT PRIMARY KEY, png BLOB NOT NULL)")
                self._db = db
                return db
            except sqlite3.DatabaseError as exc:
                damaged = "not a database" in str(exc) or "malformed" in str(exc)
                if attempt == 1 and damaged:
                    path.unlink(missing_ok=True)  # start afresh
                    continue
                break
            except (OSError, sqlite3.Error):
                break
        self.folder = None  # no cache for this build
        return None

    def present(self, keys: Sequence[str]) -> set[str]:
        """Which of `keys` the cache holds."""
        db = self._connect()
        found: set[str] = set()
        if db is None:
            return found
        try:
            for start in range(0, len(keys), 500):
                part = list(keys[start:start + 500])
                rows = db.execute(f"SELECT key FROM cards WHERE key IN ({','.join('?' * len(part))})", part)
                found.update(key for (key,) in rows)
        except sqlite3.Error:
            return set()
        return found

    def get(self, key: str) -> bytes | None:
        db = self._connect()
        if db is None:
            return None
        try:
            row = db.execute("SELECT png FROM cards WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            return None
        return bytes(row[0]) if row else None

    def put(self, key: str, data: bytes) -> None:
        self._new[key] = data
        if len(self._new) >= self.BATCH:
            self.save()

    def save(self) -> None:
        """Store the cards put since the last save."""
        db = self._connect()
        new, self._new = self._new, {}
        if db is None or not new:
            return
        try:
            with db:
                db.executemany("INSERT OR REPLACE INTO cards (key, png) VALUES (?, ?)", new.items())
        except sqlite3.Error:
            pass


@dataclass
class CardStats:
    drawn: int = 0
    reused: int = 0


_Job = tuple[CardText, Fonts]


def _draw_job(job: _Job) -> bytes:
    text, fonts = job
    return draw_card(text, fonts)


def render_cards(texts: Sequence[CardText], fonts: Fonts, cache: CardCache, stats: CardStats,
                 workers: int | None = None) -> Iterator[bytes]:
    """Each text's card, in order: from the cache when it is there, else drawn (in parallel when many).

    New cards are stored in the cache as they are handed out.
    """
    keys = [card_key(t, fonts) for t in texts]
    cached = cache.present(keys)
    missing = [i for i, key in enumerate(keys) if key not in cached]
    drawn = iter(_draw_all([(texts[i], fonts) for i in missing], workers))
    stats.reused += len(texts) - len(missing)
    stats.drawn += len(missing)
    for text, key in zip(texts, keys, strict=True):
        data = cache.get(key) if key in cached else None
        if data is None:
            data = next(drawn) if key not in cached else _draw_job((text, fonts))  # gone meanwhile
            cache.put(key, data)
        yield data
    cache.save()


def _draw_all(jobs: list[_Job], workers: int | None) -> Iterable[bytes]:
    count = workers or min(os.cpu_count() or 1, 8)
    if len(jobs) < POOL_FROM or count < 2 or sys.platform != "linux":
        return map(_draw_job, jobs)
    return _pooled(jobs, count)


def _pooled(jobs: list[_Job], count: int) -> Iterator[bytes]:
    # fork: spawn and forkserver re-import the caller's main module, which breaks any script that
    # calls build() without an `if __name__ == "__main__"` guard. The workers only draw with Pillow.
    with frozen_heap(), ProcessPoolExecutor(count, mp_context=get_context("fork"), initializer=worker_started,
                                            initargs=(os.getpid(),)) as pool:
        yield from pool.map(_draw_job, jobs, chunksize=CHUNK)
