#!/usr/bin/env python3
"""Share cards: CPU time and bytes per card, drawn in this process (no cache, no workers).

    python benchmarks/cards.py [--cards 200] [--corpus DIR]

Draws one card for each of the first N headlines of the shared corpus (`../shared/corpus/sample-2k/`;
without it, the test headlines of tests/test_cards.py, numbered) and prints the CPU milliseconds a
card (process time, best of three rounds, so other work on a shared machine counts less) and the
mean PNG size. Drawing each line with Pillow itself took about 12 ms a card; the glyph cache and
the pieced-together deflate stream of akhbar/cards.py bring it to a few.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from akhbar import cards  # noqa: E402

SHARED = Path(os.environ.get("AKHBAR_SHARED", ROOT.parent / "shared"))
FALLBACK = ["أبل تطلق iPhone 15 Pro في 2023", "روسيا تقصف مواقع «داعش» في دير الزور بطائرات Su-34",
            "قالت (رويترز) إن 45% من السكان غادروا حلب خلال 24 ساعة",
            "ريال مدريد يفوز في الدوري الإسباني La Liga للمرة 35 منذ 1932"]


def headlines(corpus: Path, n: int) -> list[str]:
    folder = corpus / "sample-2k"
    if folder.is_dir():
        paths = sorted(folder.glob("*.txt"))[:n]
        found = [path.read_text(encoding="utf-8").split("\n", 1)[0].strip() for path in paths]
        return [line for line in found if line]
    return [f"{FALLBACK[i % len(FALLBACK)]} {i}" for i in range(n)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cards", type=int, default=200, help="how many cards (default: %(default)s)")
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus")
    args = parser.parse_args(argv)
    fonts, note = cards.find_fonts()
    if fonts is None:
        print(f"error: {note}", file=sys.stderr)
        return 1
    texts = [cards.CardText(h, "27 فبراير 2018 · الرباط · العربية", "أرشيف الأخبار", "example.org", True, True)
             for h in headlines(args.corpus, args.cards)]
    cards.draw_card(texts[0], fonts)  # the band and the first glyphs
    rounds, sizes = [], []
    for _ in range(3):
        started = time.process_time()
        sizes = [len(cards.draw_card(text, fonts)) for text in texts]
        rounds.append((time.process_time() - started) / len(texts))
    print(f"{len(texts)} cards: {min(rounds) * 1000:.2f} ms CPU a card (best of 3), "
          f"{sum(sizes) / len(sizes):,.0f} bytes a card on average")
    return 0


if __name__ == "__main__":
    sys.exit(main())
