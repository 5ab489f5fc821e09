"""Time and memory of hostile sizes, each at three sizes (×1, ×2, ×4), to show how they grow.

    python benchmarks/hostile.py [--scale 1] [--out FILE.json] [--akhbar DIR]

Cases (every measurement is a fresh process, so memory is that case's alone):

* card:     drawing one share card whose headline is 5,000 / 10,000 / 20,000 characters of words;
* one-line: reading a scraped .txt of 1 / 2 / 4 MB with no line break (headline and text found);
* build:    building a site of one article with 25,000 / 50,000 / 100,000 matches of one word
            (search index included), with `build.py build`;
* excerpt:  archiveSearch() for that word in headless Chromium, from disk: the one result with its
            excerpt (the densest window of the matches), after a first search has loaded Pagefind.

Card, one-line and excerpt figures are the best of three runs (the fastest, as the least disturbed
by the rest of the machine); the build is run once.

For each case it prints seconds and peak memory (the process's maximum resident set; for the
excerpt, the page's JavaScript heap after the search) and the growth from ×1 to ×4: about 4 is
linear, about 1 is bounded (the card draws at most what fits on it), 16 would be quadratic.
`--akhbar DIR` measures another checkout of akhbar (for an A/B comparison); `--scale 0.25`
divides every size by four (quick runs, or the quadratic code before it was bounded). Timings
are wall-clock on whatever else the machine does: compare runs made on a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
FACTORS = (1, 2, 4)
WORD = "الحكومة"

CARD = """
import resource, sys, time
from akhbar import cards
fonts = cards.find_fonts()[0]
headline = " ".join(["{word}"] * (int(sys.argv[1]) // {step}))[: int(sys.argv[1])]
started = time.perf_counter()
cards.draw_card(cards.CardText(headline, "17 أيلول 2017 · دمشق · سانا", "أرشيف", "example.org"), fonts)
print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""

ONE_LINE = """
import resource, sys, time
from akhbar.content import parse_article
from akhbar.problems import Problems
sentence = "قال الرئيس إن الحكومة ستعمل على تحسين الاقتصاد في المدينة خلال العام المقبل. "
data = (sentence * (int(sys.argv[1]) // len(sentence.encode()) + 1)).encode()[: int(sys.argv[1])]
data = data.decode("utf-8", "ignore").encode()
started = time.perf_counter()
article = parse_article("content/one-line.txt", data, Problems())
print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, len(article.title))
"""


ROUNDS = 3  # each measurement is the best of this many (the fastest, and its process's memory)


def run_probe(code: str, akhbar: Path, *args: str) -> list[float]:
    """[seconds, peak MB, …] printed by `code`, run with `akhbar` first on the path: the fastest of ROUNDS."""
    env = {**os.environ, "PYTHONPATH": str(akhbar), "PYTHONDONTWRITEBYTECODE": "1"}
    runs = []
    for _ in range(ROUNDS):
        done = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, cwd=akhbar,
                              timeout=3600, check=True)
        runs.append([float(value) for value in done.stdout.split()])
    return min(runs)


def card(akhbar: Path, size: int) -> dict[str, Any]:
    seconds, megabytes = run_probe(CARD.replace("{word}", WORD).replace("{step}", str(len(WORD) + 1)), akhbar,
                                   str(size))
    return {"size": f"{size:,} characters", "seconds": seconds, "peak MB": megabytes}


def one_line(akhbar: Path, size: int) -> dict[str, Any]:
    seconds, megabytes, headline = run_probe(ONE_LINE, akhbar, str(size))
    return {"size": f"{size / 1e6:g} MB", "seconds": seconds, "peak MB": megabytes, "headline": int(headline)}


def many_matches(root: Path, hits: int) -> Path:
    """A site of one article in which WORD is every other word, `hits` times."""
    site = root / f"site-{hits}"
    (site / "content").mkdir(parents=True)
    (site / "site.yaml").write_text("title: أرشيف\nbase_url: https://example.org/\n", encoding="utf-8")
    words = " ".join(f"{WORD} كلمة{i % 7}" for i in range(hits))
    paragraphs = "\n\n".join(words[i:i + 4000] for i in range(0, len(words), 4000))  # cut mid-word: it is noise
    (site / "content" / "many.md").write_text(f"---\ntitle: خبر طويل\ndate: 2017-01-01\n---\n{paragraphs}\n",
                                              encoding="utf-8")
    return site


def build(akhbar: Path, site: Path, out: Path, cache: Path) -> dict[str, Any]:
    probe = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
             "r = subprocess.run(sys.argv[1:], capture_output=True); "
             "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024); "
             "sys.exit(r.returncode)")
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "PYTHONPATH": str(akhbar)}
    done = subprocess.run([sys.executable, "-c", probe, sys.executable, str(akhbar / "build.py"), "build",
                           "--site", str(site), "--out", str(out), "--quiet"], env=env, capture_output=True,
                          text=True, timeout=3600, check=True)
    seconds, megabytes = done.stdout.split()
    return {"seconds": float(seconds), "peak MB": float(megabytes)}


def excerpt(browser: Any, out: Path, hits: int) -> dict[str, Any]:
    page = browser.new_page()
    try:
        page.goto((out / "search" / "index.html").as_uri())
        page.wait_for_function("window.archiveSearch !== undefined")
        page.evaluate(f"archiveSearch('{WORD}', {{limit: 1}})")  # loads Pagefind, its index and the fragment
        session = page.context.new_cdp_session(page)
        session.send("HeapProfiler.collectGarbage")
        result = page.evaluate(f"""async () => {{
            let best = Infinity, marks = 0;
            for (let round = 0; round < {ROUNDS}; round++) {{
                const started = performance.now();
                const found = await archiveSearch('{WORD}', {{limit: 1}});
                best = Math.min(best, performance.now() - started);
                marks = found[0].excerpt.split('<mark>').length - 1;
            }}
            return [best, marks];
        }}""")
        heap = session.send("Runtime.getHeapUsage")["usedSize"] / 1e6
    finally:
        page.close()
    assert result[1] > 10, result
    return {"seconds": result[0] / 1000, "peak MB": heap}


def chromium() -> Any:
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(REPO))
    from tests.tools import CHROMIUM, CHROMIUM_ARGS

    player = sync_playwright().start()
    return player, player.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def growth(rows: list[dict[str, Any]], key: str) -> float:
    return rows[-1][key] / rows[0][key] if rows[0][key] else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every size by this")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "hostile.json")
    parser.add_argument("--akhbar", type=Path, default=REPO, help="the checkout of akhbar to measure")
    parser.add_argument("--only", help="comma-separated cases to run (card, one-line, build, excerpt)")
    args = parser.parse_args()
    akhbar = args.akhbar.resolve()
    wanted = set((args.only or "card,one-line,build,excerpt").split(","))
    results: dict[str, list[dict[str, Any]]] = {}
    if "card" in wanted:
        results["card"] = [card(akhbar, int(5000 * args.scale * f)) for f in FACTORS]
    if "one-line" in wanted:
        results["one-line"] = [one_line(akhbar, int(1_000_000 * args.scale * f)) for f in FACTORS]
    if wanted & {"build", "excerpt"}:
        player, browser = chromium() if "excerpt" in wanted else (None, None)  # type: Any, Any
        results["build"], results["excerpt"] = [], []
        with tempfile.TemporaryDirectory(prefix="akhbar-hostile-") as tmp:
            for factor in FACTORS:
                hits = int(25_000 * args.scale * factor)
                site, out = many_matches(Path(tmp), hits), Path(tmp) / f"out-{hits}"
                built = build(akhbar, site, out, Path(tmp) / "cache")
                results["build"].append({"size": f"{hits:,} matches", **built})
                if browser is not None:
                    results["excerpt"].append({"size": f"{hits:,} matches", **excerpt(browser, out, hits)})
        if browser is not None:
            browser.close()
            player.stop()
        results = {k: v for k, v in results.items() if v}
    print(f"{'case':<10} {'size ×1, ×2, ×4':<58} {'seconds':<24} {'peak MB':<14} growth ×1→×4 (s, MB)")
    for case, rows in results.items():
        sizes = ", ".join(r["size"] for r in rows)
        seconds = ", ".join(f"{r['seconds']:.3f}" for r in rows)
        memory = ", ".join(f"{r['peak MB']:.0f}" for r in rows)
        print(f"{case:<10} {sizes:<58} {seconds:<24} {memory:<14} "
              f"{growth(rows, 'seconds'):.1f}, {growth(rows, 'peak MB'):.1f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    machine = {"cores": os.cpu_count(), "python": platform.python_version(), "load": os.getloadavg(),
               "akhbar": str(akhbar), "commit": _commit(akhbar), "when": time.strftime("%Y-%m-%d %H:%M")}
    args.out.write_text(json.dumps({"machine": machine, "results": results}, ensure_ascii=False, indent=1),
                        encoding="utf-8")
    return 0


def _commit(folder: Path) -> str:
    done = subprocess.run(["git", "-C", str(folder), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return done.stdout.strip()


if __name__ == "__main__":
    sys.exit(main())
