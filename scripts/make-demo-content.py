#!/usr/bin/env python3
"""Regenerate the bundled demonstration archive in content/ from ../shared/corpus.

Picks about 300 articles of sample-2k closed under "see also" (each chosen article brings
the articles it cites) and leaves out every article that cites one outside the corpus, so that
every "see also" entry of the archive names an article in it; imports them with their metadata
through `build.py import`. A few articles then get the newsroom keys (NEWSROOM below: a byline
from the manifest, illustrations drawn by scripts/make-demo-images.py with their captions and
credits, update times) so that the demo shows them. Last, `build.py check --strict` checks the
result (no warning, no unresolved entry). Run once by maintainers; building never needs ../shared.

    python scripts/make-demo-content.py [--count 300]      # AKHBAR_SHARED=DIR if not ../shared
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("AKHBAR_SHARED", ROOT.parent / "shared")) / "corpus"


def choose(rows: list[dict], count: int, first: list[str]) -> list[str]:
    """The articles of `first`, then oldest first, each with every article it cites (transitively),
    while they fit.

    The result is closed under "see also", and an article is left out (with whatever would cite
    it through the closure) when one of its entries names an article the corpus does not have:
    every entry of the archive then resolves, for real, with no entry removed from any text.
    """
    by_id = {r["id"]: r for r in rows}
    incomplete = {r["id"] for r in rows if any(not t.get("in_set") for t in r["see_also"])}

    def closure(start: str) -> set[str]:
        seen: set[str] = set()
        stack = [start]
        while stack:
            current = stack.pop()
            if current not in seen:
                seen.add(current)
                stack += [t["id"] for t in by_id[current]["see_also"] if t.get("in_set")]
        return seen

    chosen: set[str] = set()
    for article_id in first + [r["id"] for r in sorted(rows, key=lambda r: (r["date"], r["id"]))]:
        more = closure(article_id)
        if not more & incomplete and len(chosen | more) <= count:
            chosen |= more
    missing = [a for a in first if a not in chosen]
    if missing:
        raise SystemExit(f"these articles cite one the corpus lacks, or do not fit: {', '.join(missing)}")
    return sorted(chosen)


CREDIT = "رسم: أرشيف الأخبار"
# Front matter added to a few articles to show the newsroom keys. The illustrations are drawings
# made for this archive, and their captions say so; the update times are invented for the demo
# (see content/_ATTRIBUTION.md); the byline is the manifest's.
NEWSROOM: dict[str, dict[str, str]] = {
    "AL-culture-174-20180316": {
        "image": "/images/desert-dunes.jpg",
        "image_alt": "كثبان رملية تحت سماء الغروب وقرص الشمس",
        "image_caption": "رسم توضيحي لصحراء عند الغروب، أُعدّ لهذا الأرشيف التجريبي ولا يصوّر مشاهد السلسلة",
        "image_credit": CREDIT,
        "updated": "2018-03-16T19:40:00",
    },
    "AL-economy-250-20180316": {
        "image": "images/inflation-chart.png",
        "image_alt": "رسم بياني بأعمدة خضراء تتناقص أطوالها",
        "image_caption": "رسم توضيحي لمؤشر يتراجع؛ الأعمدة لا تمثّل أرقام التضخم الواردة في الخبر",
        "image_credit": CREDIT,
    },
    "SK-sport-262-20180314": {
        "image": "/images/football-pitch.jpg",
        "image_alt": "ملعب كرة قدم أخضر مخطط يُرى من الأعلى",
        "image_caption": "رسم توضيحي لملعب كرة قدم، أُعدّ لهذا الأرشيف التجريبي",
        "image_credit": CREDIT,
        "updated": "2018-03-15T09:05:00",
    },
    "FR-internationalNews-448-20180315": {
        "image": "/images/night-globe.jpg",
        "image_alt": "كرة أرضية زرقاء بخطوط الطول والعرض تتناثر عليها نقاط مضيئة",
        "image_caption": "رسم توضيحي للكرة الأرضية، أُعدّ لهذا الأرشيف التجريبي",
        "image_credit": CREDIT,
    },
    "FR-internationalNews-252-20180301": {"author": "ميسلون نصار"},
}


def add_newsroom_keys(content: Path) -> None:
    """Write NEWSROOM's keys into the front matter of its articles (just before the closing ---)."""
    for article_id, keys in NEWSROOM.items():
        path = content / f"{article_id}.txt"
        text = path.read_text(encoding="utf-8")
        end = text.index("\n---\n", 4)
        lines = "".join(f"{key}: {json.dumps(value, ensure_ascii=False)}\n" for key, value in keys.items())
        path.write_text(text[: end + 1] + lines + text[end + 1:], encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300)
    args = parser.parse_args()
    manifest = CORPUS / "sample-2k.manifest.jsonl"
    rows = [json.loads(line) for line in manifest.read_text(encoding="utf-8").splitlines() if line]
    ids = choose(rows, args.count, list(NEWSROOM))
    content = ROOT / "content"
    for old in content.glob("*.txt"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        for article_id in ids:
            shutil.copy(CORPUS / "sample-2k" / f"{article_id}.txt", tmp)
        subprocess.run([sys.executable, str(ROOT / "build.py"), "import", tmp,
                        "--metadata", str(manifest), "--site", str(ROOT), "--force"], check=True)
    add_newsroom_keys(content)
    print(f"content/ now holds {len(ids)} articles")
    return subprocess.run([sys.executable, str(ROOT / "build.py"), "check", "--strict", "--site", str(ROOT)]).returncode


if __name__ == "__main__":
    sys.exit(main())
