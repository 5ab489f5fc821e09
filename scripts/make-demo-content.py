#!/usr/bin/env python3
"""Regenerate the bundled demonstration archive in content/ from ../shared/corpus.

Picks about 300 articles of sample-2k closed under "see also" (each chosen article brings
the articles it cites), imports them with their
metadata through `build.py import`, and adds the seed article. Run once by maintainers;
building never needs ../shared.

    python scripts/make-demo-content.py [--count 300]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"


def choose(rows: list[dict], count: int) -> list[str]:
    """Oldest first, add each article with every article it cites (transitively) while they fit.

    The result is closed under "see also": only entries whose target is outside the corpus
    stay unresolved, as they would in a real archive.
    """
    by_id = {r["id"]: r for r in rows}

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
    for row in sorted(rows, key=lambda r: (r["date"], r["id"])):
        more = closure(row["id"])
        if len(chosen | more) <= count:
            chosen |= more
    return sorted(chosen)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300)
    args = parser.parse_args()
    manifest = CORPUS / "sample-2k.manifest.jsonl"
    rows = [json.loads(line) for line in manifest.read_text(encoding="utf-8").splitlines() if line]
    ids = choose(rows, args.count)
    content = ROOT / "content"
    for old in content.glob("*.txt"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        for article_id in ids:
            shutil.copy(CORPUS / "sample-2k" / f"{article_id}.txt", tmp)
        subprocess.run([sys.executable, str(ROOT / "build.py"), "import", tmp,
                        "--metadata", str(manifest), "--site", str(ROOT), "--force"], check=True)
    shutil.copy(CORPUS / "000_2d05afcdf4556ed0.txt", content / "000_2d05afcdf4556ed0.txt")
    print(f"content/ now holds {len(ids) + 1} articles")
    return 0


if __name__ == "__main__":
    sys.exit(main())
