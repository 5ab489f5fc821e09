"""Share cards: Arabic shaped and ordered for Pillow, mixed scripts in order, wrapping, caching, speed."""

from __future__ import annotations

import io
import re
import struct
import unicodedata
import zlib
from pathlib import Path

import pytest
from arabic_reshaper import ArabicReshaper
from bidi.algorithm import get_display
from PIL import Image, ImageChops, ImageColor, ImageDraw, ImageFont, features

from akhbar import cards

FONTS, _NOTE = cards.find_fonts()
SITE = "أرشيف الأخبار"
HOST = "example.github.io/akhbar"

# Letters that join only to the letter before them (Unicode joining type R); the others here join both ways.
RIGHT_JOINING = set("اأإآدذرزوؤةى")
MIXED = [
    "أبل تطلق iPhone 15 Pro في 2023",
    "روسيا تقصف مواقع «داعش» في دير الزور بطائرات Su-34",
    "قالت (رويترز) إن 45% من السكان غادروا حلب خلال 24 ساعة",
    "ريال مدريد يفوز في الدوري الإسباني La Liga للمرة 35 منذ 1932",
]


def card(headline: str, **kw: object) -> cards.CardText:
    return cards.CardText(headline, "17 أيلول 2018 · موسكو · سانا", SITE, HOST, **kw)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def fonts() -> cards.Fonts:
    assert FONTS is not None, _NOTE
    return FONTS


# ---------------------------------------------------------------- shaping and order


def expected_forms(word: str) -> list[str]:
    """The contextual form each letter of an Arabic word must take (no lam-alef in these words)."""
    forms = []
    for i, letter in enumerate(word):
        joins_before = i > 0 and word[i - 1] not in RIGHT_JOINING
        joins_after = i + 1 < len(word) and letter not in RIGHT_JOINING
        forms.append({(True, True): "MEDIAL", (True, False): "FINAL",
                      (False, True): "INITIAL", (False, False): "ISOLATED"}[(joins_before, joins_after)])
    return forms


def drawn_forms(visual_word: str) -> list[str]:
    """The forms of a shaped word as drawn, back in logical order."""
    return [unicodedata.name(ch).rsplit(" ", 2)[-2] for ch in reversed(visual_word)]


@pytest.mark.parametrize("word", ["تقصف", "مواقع", "سيدة", "بطائرات", "السكان", "مدريد", "دير", "غادروا"])
def test_every_letter_takes_its_joined_form(word: str) -> None:
    shaped = cards.shape(word)
    assert all("\ufe70" <= ch <= "\ufeff" for ch in shaped), f"unshaped letters left in {shaped!r}"
    assert drawn_forms(shaped) == expected_forms(word)


def test_lam_alef_becomes_one_ligature() -> None:
    shaped = cards.shape("الأخبار")
    assert "\ufef7" in shaped or "\ufef8" in shaped  # LAM WITH ALEF WITH HAMZA ABOVE
    assert "ل" not in shaped and "أ" not in shaped


def latin_runs(headline: str) -> list[str]:
    """Maximal stretches of words without Arabic letters (brackets and % aside), in reading order."""
    runs: list[list[str]] = [[]]
    for word in headline.split():
        if any("\u0600" <= ch <= "\u06ff" for ch in word):
            runs.append([])
        else:
            runs[-1].append(word.strip("()«»%"))
    return [" ".join(run) for run in runs if run]


@pytest.mark.parametrize("headline", MIXED)
def test_mixed_headlines_keep_latin_and_digits_in_reading_order(headline: str) -> None:
    visual = cards.shape(headline)
    positions = []
    for run in latin_runs(headline):
        assert run in visual, f"{run!r} is not intact in {visual!r}"
        positions.append(visual.index(run))
    # Right to left: a run read later sits further left in the drawn (left-to-right) string.
    assert positions == sorted(positions, reverse=True), (latin_runs(headline), visual)
    # Undoing the shaping gives back each Arabic word, its letters drawn right to left.
    letters = unicodedata.normalize("NFKC", visual)
    for word in headline.split():
        if all("\u0600" <= ch <= "\u06ff" for ch in word):
            drawn = re.sub("([اأإآ])ل", r"ل\1", word[::-1])  # a lam-alef ligature unfolds as lam, alef
            assert drawn in letters


def test_digits_after_arabic_follow_the_bidi_algorithm_like_browsers() -> None:
    """A score '2-1' after Arabic words is two Arabic numbers around a neutral: drawn '1-2', as browsers do."""
    assert "1-2" in cards.shape("فاز الفريق 2-1 أمس")


def test_brackets_are_mirrored_inside_right_to_left_text() -> None:
    visual = cards.shape("قالت (رويترز) الخبر")
    # drawn left to right, the bracket that closes the Arabic word must come first
    inside = visual[visual.index("(") + 1: visual.index(")")]
    assert unicodedata.normalize("NFKC", inside) == "رويترز"[::-1]


def test_left_to_right_headline_is_not_reversed() -> None:
    assert cards.shape("Apple unveils the iPhone 15", rtl=False) == "Apple unveils the iPhone 15"


@pytest.mark.parametrize("text", ["تقصف", "روسيا تقصف مواقع داعش", " سوريا ", "الأخبار", "مُحَمَّد", "ـ",
                                  *MIXED, "أبل، (رويترز)", "دير الزور 2017"])
@pytest.mark.parametrize("rtl", [True, False])
def test_shape_is_reshaping_then_the_bidi_algorithm(text: str, rtl: bool) -> None:
    """Arabic letters and spaces alone skip the bidi algorithm (they are simply reversed): same result."""
    reshaper = ArabicReshaper({"delete_harakat": True, "ARABIC LIGATURE ALLAH": False})
    visual = get_display(reshaper.reshape(text), base_dir="R" if rtl else "L")
    assert cards.shape(text, rtl) == "".join(ch for ch in visual if unicodedata.category(ch) != "Cf")


@pytest.mark.skipif(not features.check("raqm"), reason="Pillow has no Raqm (libraqm/fribidi) here")
@pytest.mark.parametrize("headline", MIXED[:3])
def test_drawn_text_matches_pillow_with_raqm(fonts: cards.Fonts, headline: str) -> None:
    """Raqm shapes with HarfBuzz and orders with FriBiDi; the reshaped basic layout must look alike."""

    def ink(text: str, engine: ImageFont.Layout, direction: str | None = None) -> Image.Image:
        font = ImageFont.truetype(str(fonts.bold), 48, layout_engine=engine)
        image = Image.new("L", (1600, 120), 0)
        ImageDraw.Draw(image).text((1580, 60), text, font=font, fill=255, anchor="rm", direction=direction)
        return image.crop(image.getbbox()).point(lambda p: 255 if p > 127 else 0)

    def overlap(a: Image.Image, b: Image.Image) -> float:
        size = (max(a.width, b.width), max(a.height, b.height))
        pa, pb = Image.new("L", size), Image.new("L", size)
        pa.paste(a, (size[0] - a.width, 0))
        pb.paste(b, (size[0] - b.width, 0))
        inter = ImageChops.multiply(pa, pb).histogram()[255]
        union = ImageChops.lighter(pa, pb).histogram()[255]
        return inter / union

    raqm = ink(headline, ImageFont.Layout.RAQM, "rtl")
    ours = ink(cards.shape(headline), ImageFont.Layout.BASIC)
    unshaped = ink(headline[::-1], ImageFont.Layout.BASIC)
    assert abs(ours.width - raqm.width) <= 0.03 * raqm.width, (ours.width, raqm.width)
    assert overlap(ours, raqm) > 0.4
    assert overlap(ours, raqm) > 2.5 * overlap(unshaped, raqm)


# ---------------------------------------------------------------- wrapping


def test_long_headline_wraps_into_lines_that_fit_in_reading_order(fonts: cards.Fonts) -> None:
    font = ImageFont.truetype(str(fonts.bold), 56, layout_engine=ImageFont.Layout.BASIC)
    headline = " ".join(MIXED)
    lines = cards.wrap(headline, font, 900)
    assert len(lines) >= 3
    assert " ".join(lines) == " ".join(headline.split())  # nothing lost, logical order kept
    assert all(font.getlength(cards.shape(line)) <= 900 for line in lines)


def test_headline_too_long_for_the_card_ends_in_an_ellipsis(fonts: cards.Fonts) -> None:
    size, lines = cards.fit(" ".join(MIXED * 6), 1056, 360, lambda s: ImageFont.truetype(
        str(fonts.bold), s, layout_engine=ImageFont.Layout.BASIC))
    assert size == cards.HEADLINE_SIZES[-1]
    assert lines[-1].endswith(cards.ELLIPSIS)
    assert len(lines) * size * cards.LINE_HEIGHT <= 360


@pytest.mark.parametrize("rtl", [True, False])
def test_widths_are_what_pillow_measures(fonts: cards.Fonts, rtl: bool) -> None:
    """Glyph advances are measured once and added up (26.6 fixed point, kerning pairs included)."""
    for path, size in [(fonts.bold, 72), (fonts.bold, 44), (fonts.regular, 32)]:
        font = ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.BASIC)
        for text in [*MIXED, " ".join(MIXED), "AVAWAY Ta To", "«»()[]"]:
            assert cards.width(text, font, rtl) == font.getlength(cards.shape(text, rtl)), text


def test_a_word_longer_than_a_line_is_cut(fonts: cards.Fonts) -> None:
    font = ImageFont.truetype(str(fonts.bold), 56, layout_engine=ImageFont.Layout.BASIC)
    lines = cards.wrap("https://example.org/" + "x" * 120, font, 600, rtl=False)
    assert len(lines) > 1 and all(font.getlength(line) <= 600 for line in lines)


def _ink_box(png: bytes, top: int, bottom: int) -> tuple[int, int]:
    """Leftmost and rightmost columns holding headline ink (dark pixels) between two rows."""
    image = Image.open(io.BytesIO(png)).convert("L").crop((0, top, cards.CARD_SIZE[0], bottom))
    box = image.point(lambda p: 255 if p < 128 else 0).getbbox()
    assert box is not None
    return box[0], box[2]


def test_arabic_lines_start_at_the_right_and_latin_ones_at_the_left(fonts: cards.Fonts) -> None:
    rtl = cards.draw_card(card("أبل تطلق هاتفها iPhone"), fonts)
    ltr = cards.draw_card(card("Apple unveils the iPhone 15 Pro", rtl=False), fonts)
    width = cards.CARD_SIZE[0]
    left, right = _ink_box(rtl, cards.BAND + 10, cards.FOOT - 10)
    assert abs(right - (width - cards.MARGIN)) <= 6 and left > cards.MARGIN + 50
    left, right = _ink_box(ltr, cards.BAND + 10, cards.FOOT - 10)
    assert abs(left - cards.MARGIN) <= 6 and right < width - cards.MARGIN - 50


# ---------------------------------------------------------------- the PNG, the cache, the speed


def pillow_card(text: cards.CardText, fonts: cards.Fonts) -> Image.Image:
    """The card drawn the plain way, ImageDraw.text line by line: what draw_card must look like."""
    w, h = cards.CARD_SIZE

    def font(path: Path, size: int) -> ImageFont.FreeTypeFont:
        return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.BASIC)

    image = Image.new("L", cards.CARD_SIZE, cards.INK)
    draw = ImageDraw.Draw(image)
    box = (cards.MARGIN, w - cards.MARGIN)

    def line(words: str, y: float, face: ImageFont.FreeTypeFont, ink: int, rtl: bool) -> None:
        x, anchor = (box[1], "rm") if rtl else (box[0], "lm")
        draw.text((x, y), cards.shape(words, rtl), font=face, fill=ink, anchor=anchor)

    draw.rectangle((0, 0, w, cards.BAND), fill=cards.ON_BAND)
    band, host = font(fonts.bold, 40), font(fonts.regular, 28)
    line(cards.ellipsize(text.site, band, w * 0.6, text.site_rtl), cards.BAND / 2, band, cards.ON_BAND + 63,
         text.site_rtl)
    line(cards.ellipsize(text.host, host, w * 0.3, False), cards.BAND / 2, host, cards.ON_BAND + 44,
         not text.site_rtl)
    top, bottom = cards.BAND + 36, cards.FOOT - 24
    size, lines = cards.fit(text.headline, box[1] - box[0], bottom - top, lambda s: font(fonts.bold, s), text.rtl)
    step = size * cards.LINE_HEIGHT
    y = top + (bottom - top - step * len(lines)) / 2 + step / 2
    for words in lines:
        line(words, y, font(fonts.bold, size), cards.INK + 63, text.rtl)
        y += step
    draw.rectangle((0, cards.FOOT, w, h), fill=cards.MUTED)
    draw.line((cards.MARGIN, cards.FOOT, w - cards.MARGIN, cards.FOOT), fill=cards.MUTED + 20, width=2)
    foot = font(fonts.regular, 32)
    line(cards.ellipsize(text.footer, foot, box[1] - box[0], text.site_rtl), (cards.FOOT + h) / 2, foot,
         cards.MUTED + 63, text.site_rtl)
    # 5 steps of each ramp, as in the PNG
    indexed = Image.frombytes("P", cards.CARD_SIZE, image.point(cards._INDEX).tobytes())
    indexed.putpalette(cards.PALETTE)
    return indexed.convert("RGB")


@pytest.mark.parametrize("text", [
    card(MIXED[1]), card(MIXED[2]), card(" ".join(MIXED * 3)), card("https://example.org/" + "x" * 120),
    card("Apple unveils the iPhone 15 Pro, and a watch", rtl=False),
    cards.CardText("روسيا تقصف مواقع «داعش»", "17 Sep 2018 · Moscow", "News archive", HOST, True, False),
])
def test_cards_look_exactly_as_pillow_draws_them(fonts: cards.Fonts, text: cards.CardText) -> None:
    """Glyphs are rendered once and pasted, the band is drawn once per site and rows are compressed
    in pieces, all for speed: the pixels must be those of drawing each line with ImageDraw.text."""
    drawn = Image.open(io.BytesIO(cards.draw_card(text, fonts))).convert("RGB")
    assert ImageChops.difference(drawn, pillow_card(text, fonts)).getbbox() is None


def test_card_decodes_to_rgb_with_its_colours_and_the_headline_drawn(fonts: cards.Fonts) -> None:
    image = Image.open(io.BytesIO(cards.draw_card(card(MIXED[0]), fonts)))
    assert image.size == cards.CARD_SIZE == (1200, 630)
    rgb = image.convert("RGB")
    assert rgb.mode == "RGB" and rgb.size == (1200, 630)
    paper, accent = ImageColor.getrgb(cards.PAPER), ImageColor.getrgb(cards.ACCENT)
    assert rgb.getpixel((4, 4)) == accent and rgb.getpixel((4, 300)) == paper and rgb.getpixel((4, 600)) == paper
    colours = rgb.getcolors(256)
    assert colours is not None and len(colours) <= 15  # 5 steps of three ramps
    headline = rgb.crop((cards.MARGIN, cards.BAND + 36, 1200 - cards.MARGIN, cards.FOOT - 24))
    ink = sum(count for count, colour in headline.getcolors(256) or [] if sum(colour) < 3 * 96)
    assert ink > 3000, f"only {ink} dark pixels where the headline goes"


def png_chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """(kind, body) of every chunk, each checked against its CRC."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = [], 8
    while at < len(png):
        (length,) = struct.unpack(">I", png[at:at + 4])
        kind, body = png[at + 4:at + 8], png[at + 8:at + 8 + length]
        assert struct.unpack(">I", png[at + 8 + length:at + 12 + length])[0] == zlib.crc32(kind + body)
        chunks.append((kind, body))
        at += 12 + length
    return chunks


def test_the_png_is_one_whole_zlib_stream_of_unfiltered_4_bit_rows(fonts: cards.Fonts) -> None:
    """The stream is pieced together from runs of rows compressed apart: zlib must still read it to
    the end and find the right Adler-32."""
    for png, size in [(cards.draw_card(card(" ".join(MIXED)), fonts), cards.CARD_SIZE),
                      (cards.draw_logo(SITE, fonts), cards.LOGO_SIZE)]:
        chunks = png_chunks(png)
        assert [kind for kind, _ in chunks] == [b"IHDR", b"PLTE", b"IDAT", b"IEND"]
        assert chunks[0][1] == struct.pack(">IIBBBBB", *size, 4, 3, 0, 0, 0)
        assert len(chunks[1][1]) == 3 * 15
        raw = zlib.decompress(chunks[2][1])  # checks the Adler-32
        w, h = size
        stride = w // 2 + 1
        assert len(raw) == h * stride and all(raw[y * stride] == 0 for y in range(h))
        indices = bytes(i for y in range(h) for byte in raw[y * stride + 1:(y + 1) * stride] for i in (byte >> 4, byte & 15))
        assert max(indices) < 15
        pixels = Image.open(io.BytesIO(png)).tobytes()
        assert indices == pixels


def test_card_is_a_1200_by_630_png_and_the_same_bytes_every_time(fonts: cards.Fonts) -> None:
    first = cards.draw_card(card(MIXED[1]), fonts)
    assert first == cards.draw_card(card(MIXED[1]), fonts)
    image = Image.open(io.BytesIO(first))
    assert image.format == "PNG" and image.size == (1200, 630) and image.mode == "P"
    assert b"tIME" not in first and b"tEXt" not in first  # no timestamp, no comment


def test_cached_cards_are_reused_and_identical(fonts: cards.Fonts, tmp_path: Path) -> None:
    texts = [card(h) for h in MIXED]
    cache = cards.CardCache(tmp_path / "cache")
    first_stats, second_stats = cards.CardStats(), cards.CardStats()
    first = list(cards.render_cards(texts, fonts, cache, first_stats))
    second = list(cards.render_cards(texts, fonts, cache, second_stats))
    assert (first_stats.drawn, first_stats.reused) == (4, 0)
    assert (second_stats.drawn, second_stats.reused) == (0, 4)
    assert first == second == [cards.draw_card(t, fonts) for t in texts]
    changed = list(cards.render_cards([card(MIXED[0] + "!")], fonts, cache, second_stats))
    assert second_stats.drawn == 1 and changed[0] != first[0]


def test_a_card_key_changes_with_anything_drawn(fonts: cards.Fonts) -> None:
    base = card(MIXED[0])
    others = [card(MIXED[0] + " "), cards.CardText(MIXED[0], "", SITE, HOST),
              cards.CardText(MIXED[0], base.footer, "موقع آخر", HOST), card(MIXED[0], rtl=False)]
    keys = {cards.card_key(t, fonts) for t in [base, *others]}
    assert len(keys) == 5


def test_a_damaged_cache_is_replaced(fonts: cards.Fonts, tmp_path: Path) -> None:
    (tmp_path / cards.CardCache.FILE).write_bytes(b"not sqlite at all " * 100)
    first, second = cards.CardStats(), cards.CardStats()
    drawn = list(cards.render_cards([card(MIXED[0])], fonts, cards.CardCache(tmp_path), first))
    again = list(cards.render_cards([card(MIXED[0])], fonts, cards.CardCache(tmp_path), second))
    assert (first.drawn, second.reused) == (1, 1) and drawn == again


def test_new_cards_are_stored_in_batches_not_held_to_the_end(fonts: cards.Fonts, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cards.CardCache, "BATCH", 2)
    cache = cards.CardCache(tmp_path)
    texts = [card(f"{MIXED[i % 4]} {i}") for i in range(5)]
    handed = cards.render_cards(texts, fonts, cache, cards.CardStats(), workers=1)
    for _ in range(4):
        next(handed)
    assert len(cards.CardCache(tmp_path).present([cards.card_key(t, fonts) for t in texts])) == 4
    assert len(cache._new) == 0
    list(handed)
    assert len(cards.CardCache(tmp_path).present([cards.card_key(t, fonts) for t in texts])) == 5


def test_unreadable_cache_only_costs_time(fonts: cards.Fonts, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    stats = cards.CardStats()
    assert list(cards.render_cards([card(MIXED[0])], fonts, cards.CardCache(blocker), stats))
    assert stats.drawn == 1


def test_missing_packaged_fonts_fall_back_with_a_note(tmp_path: Path) -> None:
    found, note = cards.find_fonts(tmp_path)
    if found is None:
        assert "no font for share cards" in note
    else:
        assert found.regular.parent == cards.SYSTEM_FONT_DIR and "reinstall" in note


def test_a_card_is_small(fonts: cards.Fonts) -> None:
    """Byte counts, not times (those are in benchmarks/cards.py): a headline's card stays
    under 12 KB (it took about 15 KB at 17 grey steps, 8 bits a pixel)."""
    assert len(cards.draw_card(card(MIXED[1]), fonts)) < 12_000


@pytest.mark.slow
def test_cards_drawn_in_worker_processes_are_the_same_bytes(fonts: cards.Fonts, tmp_path: Path) -> None:
    texts = [card(f"{MIXED[i % 4]} {i}") for i in range(cards.POOL_FROM)]
    pooled = list(cards.render_cards(texts, fonts, cards.CardCache(None), cards.CardStats(), workers=2))
    assert pooled == [cards.draw_card(t, fonts) for t in texts]
