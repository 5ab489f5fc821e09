#!/usr/bin/env python3
"""Draw the bundled archive's demonstration illustrations into content/images/ with Pillow.

They are drawings made by this script for this repository (MIT, like the rest of the code), not
photographs of the events the articles report; their captions say so. The same Pillow gives the
same bytes, so running it again changes nothing.

    python scripts/make-demo-images.py
"""

from __future__ import annotations

import math
import random
import sys
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "content" / "images"

Drawing = Callable[[int, int], Image.Image]


def gradient(width: int, height: int, top: tuple[int, int, int], bottom: tuple[int, int, int]) -> Image.Image:
    """A vertical blend from `top` to `bottom`."""
    column = Image.new("RGB", (1, height))
    for y in range(height):
        t = y / max(1, height - 1)
        column.putpixel((0, y), tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))
    return column.resize((width, height))


def dunes(width: int, height: int) -> Image.Image:
    """Sand dunes under an evening sky."""
    image = gradient(width, height, (250, 196, 120), (243, 120, 84))
    draw = ImageDraw.Draw(image)
    draw.ellipse((width * 0.68, height * 0.16, width * 0.8, height * 0.16 + width * 0.12), fill=(255, 236, 190))
    for layer, (color, base, amplitude, phase) in enumerate([
            ((222, 150, 84), 0.55, 0.07, 0.3), ((204, 128, 66), 0.66, 0.08, 1.7), ((176, 102, 50), 0.78, 0.06, 2.9)]):
        points = [(0, height)]
        for x in range(0, width + 8, 8):
            y = height * (base + amplitude * math.sin(x / width * (3 + layer) + phase)
                          + amplitude * 0.4 * math.sin(x / width * 11 + layer))
            points.append((x, y))
        points.append((width, height))
        draw.polygon(points, fill=color)
    return image


def chart(width: int, height: int) -> Image.Image:
    """A falling bar chart on paper, as for a report on inflation."""
    image = Image.new("RGB", (width, height), (247, 244, 236))
    draw = ImageDraw.Draw(image)
    left, right, top, bottom = width * 0.08, width * 0.94, height * 0.1, height * 0.86
    for step in range(6):
        y = bottom - (bottom - top) * step / 5
        draw.line((left, y, right, y), fill=(214, 208, 196), width=max(1, width // 600))
    values = [0.95, 0.9, 0.82, 0.7, 0.61, 0.52, 0.46, 0.41, 0.36, 0.33, 0.3, 0.28]
    slot = (right - left) / len(values)
    for i, value in enumerate(values):
        x = left + slot * i + slot * 0.18
        draw.rectangle((x, bottom - (bottom - top) * value, x + slot * 0.64, bottom), fill=(11, 93, 75))
    trend = [(left + slot * (i + 0.5), bottom - (bottom - top) * v - height * 0.03) for i, v in enumerate(values)]
    draw.line(trend, fill=(199, 119, 0), width=max(2, width // 250), joint="curve")
    draw.line((left, bottom, right, bottom), fill=(60, 60, 60), width=max(2, width // 400))
    return image


def pitch(width: int, height: int) -> Image.Image:
    """A football pitch seen from above, mown in stripes."""
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    stripes = 12
    for i in range(stripes):
        draw.rectangle((width * i / stripes, 0, width * (i + 1) / stripes, height),
                       fill=(46, 139, 62) if i % 2 else (58, 156, 74))
    line = (240, 245, 240)
    w = max(3, width // 300)
    margin = width * 0.05
    draw.rectangle((margin, margin, width - margin, height - margin), outline=line, width=w)
    draw.line((width / 2, margin, width / 2, height - margin), fill=line, width=w)
    radius = height * 0.15
    draw.ellipse((width / 2 - radius, height / 2 - radius, width / 2 + radius, height / 2 + radius),
                 outline=line, width=w)
    for side in (margin, width - margin):
        depth = width * 0.13 * (1 if side == margin else -1)
        box = sorted((side, side + depth))
        draw.rectangle((box[0], height * 0.25, box[1], height * 0.75), outline=line, width=w)
    draw.ellipse((width * 0.62, height * 0.4, width * 0.62 + height * 0.05, height * 0.45), fill=(250, 250, 250))
    return image


def globe(width: int, height: int) -> Image.Image:
    """A globe of meridians and parallels with scattered lights, for a report ranking the world's countries."""
    image = gradient(width, height, (16, 40, 72), (8, 20, 40))
    draw = ImageDraw.Draw(image)
    cx, cy, r = width / 2, height / 2, height * 0.38
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(22, 78, 120), outline=(150, 200, 230),
                 width=max(2, width // 500))
    for k in range(1, 6):
        rx = r * math.cos(math.pi * k / 12)
        draw.ellipse((cx - rx, cy - r, cx + rx, cy + r), outline=(110, 170, 210), width=max(1, width // 800))
    for k in range(-3, 4):
        y = cy + r * math.sin(math.pi * k / 8)
        half = math.sqrt(max(0.0, r * r - (y - cy) ** 2))
        draw.line((cx - half, y, cx + half, y), fill=(110, 170, 210), width=max(1, width // 800))
    rng = random.Random(2018)
    for _ in range(90):
        angle, distance = rng.uniform(0, 2 * math.pi), r * math.sqrt(rng.uniform(0, 1)) * 0.95
        x, y = cx + distance * math.cos(angle), cy + distance * math.sin(angle)
        size = rng.uniform(2, 5) * width / 1600
        draw.ellipse((x - size, y - size, x + size, y + size), fill=(255, 214, 120))
    return image.filter(ImageFilter.SMOOTH)


# name, drawing, width, height: one wider than the largest published size (1600), so it is resized
IMAGES: list[tuple[str, Drawing, int, int]] = [
    ("desert-dunes.jpg", dunes, 2000, 1125),
    ("inflation-chart.png", chart, 1200, 750),
    ("football-pitch.jpg", pitch, 1600, 1000),
    ("night-globe.jpg", globe, 1500, 1000),
]


def main() -> int:
    FOLDER.mkdir(parents=True, exist_ok=True)
    for name, draw, width, height in IMAGES:
        image = draw(width, height)
        path = FOLDER / name
        if name.endswith(".png"):
            image.quantize(64, dither=Image.Dither.NONE).save(path, optimize=True)
        else:
            image.save(path, quality=84, optimize=True, progressive=True)
        print(f"{path.relative_to(ROOT)}: {width}×{height}, {path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
