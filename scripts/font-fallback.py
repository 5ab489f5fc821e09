#!/usr/bin/env python3
"""Metric-matched fallback fonts for the theme's Noto Naskh Arabic web font, computed from the font files.

    .venv/bin/python scripts/font-fallback.py        # prints the @font-face rules site.css holds

While the web font loads, browsers draw the page in a fallback; when the two differ in width and
height, the text reflows as the web font arrives (Lighthouse's CLS). Each fallback face below is a
font readers' systems have, scaled with size-adjust so that Arabic text (the bundled articles' own)
takes the web font's width, with the web font's ascent and descent, so lines keep their height.
Noto Naskh Arabic itself, where a system has it (Android, most Linux), needs no adjustment.
Widths are measured with Pillow (HarfBuzz shaping through libraqm) on the theme's TTF copies
(akhbar/theme/fonts-cards/, the same family and version as the web font).
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import ImageFont

REPO = Path(__file__).resolve().parent.parent
CARDS = REPO / "akhbar" / "theme" / "fonts-cards"
NASKH = {400: CARDS / "NotoNaskhArabic-Regular.ttf", 700: CARDS / "NotoNaskhArabic-Bold.ttf"}
SAMPLE = REPO / "tests" / "data" / "000_2d05afcdf4556ed0.txt"  # the seed article (a long Arabic text)
SIZE = 1000
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
# (the face's name in site.css, its weight, local() names to try, a file of that font to measure)
FALLBACKS = [
    ("Naskh Fallback DejaVu", 400, ("DejaVu Sans", "DejaVuSans"), DEJAVU / "DejaVuSans.ttf"),
    ("Naskh Fallback DejaVu", 700, ("DejaVu Sans Bold", "DejaVuSans-Bold"), DEJAVU / "DejaVuSans-Bold.ttf"),
]


def width(font_file: Path, text: str) -> float:
    """The advance width of `text` set right to left in the font at SIZE px."""
    font = ImageFont.truetype(str(font_file), SIZE, layout_engine=ImageFont.Layout.RAQM)
    return float(font.getlength(text, direction="rtl", language="ar"))


def metrics(font_file: Path) -> tuple[float, float]:
    """Ascent and descent as fractions of the em."""
    ascent, descent = ImageFont.truetype(str(font_file), SIZE).getmetrics()
    return ascent / SIZE, descent / SIZE


def sample_text() -> str:
    """The seed article's Arabic paragraphs: real letter frequencies and word lengths."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    return " ".join(line for line in lines[1:] if len(line) > 80)


def face(name: str, weight: int, locals_: tuple[str, ...], font_file: Path, text: str) -> str:
    """The @font-face rule of one fallback, matched to the web font of the same weight."""
    size_adjust = width(NASKH[weight], text) / width(font_file, text)
    ascent, descent = metrics(NASKH[weight])
    sources = ", ".join(f"local('{n}')" for n in locals_)
    return (f"@font-face {{\n  font-family: '{name}';\n  font-weight: {weight};\n  src: {sources};\n"
            f"  size-adjust: {size_adjust * 100:.1f}%;\n  ascent-override: {ascent / size_adjust * 100:.1f}%;\n"
            f"  descent-override: {descent / size_adjust * 100:.1f}%;\n  line-gap-override: 0%;\n}}")


def rules() -> str:
    """Every fallback face whose font file is on this machine."""
    text = sample_text()
    return "\n".join(face(name, weight, names, path, text)
                     for name, weight, names, path in FALLBACKS if path.is_file())


if __name__ == "__main__":
    out = rules()
    if not out:
        sys.exit("no fallback font file found to measure (fonts-dejavu-core)")
    print(out)
