#!/usr/bin/env python3
"""Search quality and cost on the shared corpus: akhbar's Arabic-aware index against plain Pagefind.

    python benchmarks/search_quality.py [--corpus DIR] [--queries FILE] [--json OUT.json]
    python benchmarks/search_quality.py --update-queries    # recompute the relevant ids in FILE

It imports the corpus into a throw-away site, builds it (with its search index), builds a second,
*plain* Pagefind index over the same article text (stock Pagefind, <html lang="ar">, so Snowball
stemming and Pagefind's own diacritic folding, no akhbar normalisation), serves both over HTTP and
runs every query of the query set through each in headless Chromium:

  * akhbar: window.archiveSearch(query, {limit: 5000}) on the search page;
  * plain:  Pagefind's search(query) with every result loaded.

Relevance (relevant_ids below) is a documented normalised pattern match, written independently
of the index code: an article is relevant when every word of the query occurs in its headline or
text as the same word up to spelling variants (diacritics, tatweel, أ/إ/آ/ا, ة/ه, ى/ي, ؤ/ئ/ء,
digits, presentation forms), attached clitics (و ف, ب ك ل, ال, لل) and a sound-plural suffix
(ون ين ات, or ات for a final ة). Precision of an empty result counts as 0.

It also reports what search costs: bundle size and files, bytes fetched by a first query and the
time to first results in a fresh browser, over HTTP and from disk.
"""

from __future__ import annotations

import argparse
import functools
import html
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from akhbar import site as pipeline  # noqa: E402
from akhbar.arabic import fold  # noqa: E402
from akhbar.content import Article  # noqa: E402
from akhbar.importer import import_articles  # noqa: E402
from akhbar.problems import Problems  # noqa: E402

QUERIES = Path(__file__).with_name("search_queries.json")
CORPUS = ROOT.parent / "shared" / "corpus" / "sample-2k"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SITE_YAML = "title: أرشيف العينة\nbase_url: https://example.org/news-archive/\n"

# ---------------------------------------------------------------- relevance: the documented rule

_ARTICLE_GROUP = re.compile("^(?:[وف]?[بكل]?ال|[وف]?لل)")
_NON_WORD = re.compile(r"[\W_]+")


def gt_fold(text: str) -> str:
    """akhbar.arabic.fold, with every hamza seat (ؤ ئ) written ء first so مسئول meets مسؤول."""
    return fold(text.replace("ؤ", "ء").replace("ئ", "ء"))


def gt_base(word: str) -> str:
    """A query word without a leading article group (وال، بال، لل…) while 3 letters remain."""
    while (match := _ARTICLE_GROUP.match(word)) and len(word) - match.end() >= 3:
        word = word[match.end():]
    return word


@functools.cache
def gt_pattern(base: str, plurals: bool = True) -> re.Pattern[str]:
    """Any clitics, then the base, then (unless `plurals` is false) an optional sound-plural suffix."""
    stems = [re.escape(base) + ("(?:ون|ين|ات)?" if plurals else "")]
    if base.endswith("ه") and plurals:
        stems.append(re.escape(base[:-1]) + "ات")
    return re.compile("^[وف]?(?:[بكل]|لل)?(?:ال)*(?:" + "|".join(stems) + ")$")


def article_words(article: Article) -> set[str]:
    """The distinct folded words of an article's headline, summary, text and tags."""
    body = html.unescape(re.sub(r"<[^>]+>", " ", article.body_html))
    text = " ".join((article.title, article.summary, body, " ".join(article.tags)))
    return {w for w in _NON_WORD.split(gt_fold(text)) if w}


def relevant_ids(articles: list[Article], query: str, plurals: bool = True) -> list[str]:
    """Articles in which every query word occurs, by the rule in the module docstring.

    With `plurals` false (the "strict" rule) a sound plural is a different word.
    """
    bases = [gt_base(w) for w in _NON_WORD.split(gt_fold(query)) if w]
    found = []
    for article in articles:
        words = article_words(article)
        if bases and all(any(gt_pattern(b, plurals).match(w) for w in words) for b in bases):
            found.append(article.slug)
    return sorted(found)


# ---------------------------------------------------------------- building the two indexes


def make_site(corpus: Path, work: Path) -> tuple[pipeline.Site, Path]:
    """Import the corpus into a new site folder and build it with its search index."""
    root, out = work / "site", work / "out"
    (root / "content").mkdir(parents=True)
    (root / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    manifest = corpus.parent / f"{corpus.name}.manifest.jsonl"
    import_articles([corpus], manifest, root, "", False, Problems())
    loaded = pipeline.load(root)
    pipeline.build(loaded, out)
    return loaded, out


def plain_page(article: Article) -> str:
    """The article as stock Pagefind would see it: Arabic page, headline and text, nothing else."""
    return ('<!DOCTYPE html><html lang="ar"><head><meta charset="utf-8"></head><body>'
            f"<main data-pagefind-body><h1>{html.escape(article.title)}</h1>{article.body_html}</main>"
            "</body></html>")


def build_plain(articles: list[Article], out: Path) -> float:
    """Index the same articles with stock Pagefind into out/plain-pagefind/; return seconds."""
    with tempfile.TemporaryDirectory() as tmp:
        for article in articles:
            path = Path(tmp) / article.url
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(plain_page(article), encoding="utf-8")
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pagefind", "--site", tmp, "--output-path",
                        str(out / "plain-pagefind"), "--keep-index-url", "--silent"], check=True)
        return time.perf_counter() - started


# ---------------------------------------------------------------- running the queries


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


def serve(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


RUN_AKHBAR = """async (queries) => {
  const out = {};
  for (const q of queries) out[q] = (await window.archiveSearch(q, {limit: 5000})).map(r => r.url);
  return out;
}"""

RUN_PLAIN = """async ([queries, base]) => {
  const pagefind = await import(base + 'plain-pagefind/pagefind.js');
  const out = {};
  for (const q of queries) {
    const found = await pagefind.search(q);
    out[q] = await Promise.all(found.results.map(async r => (await r.data()).raw_url));
  }
  return out;
}"""

FIRST_QUERY = """() => new Promise(resolve => {
  const done = () => document.querySelector('#search-results li') && resolve(performance.now());
  new MutationObserver(done).observe(document.body, {childList: true, subtree: true});
  done();
})"""


def slug_of(url: str) -> str:
    return [part for part in url.split("/") if part and part != "index.html"][-1]


def run_queries(browser: Any, base: str, queries: list[str]) -> tuple[dict, dict]:
    page = browser.new_page()
    page.goto(base + "search/index.html")
    page.wait_for_function("window.archiveSearch !== undefined")
    mine = page.evaluate(RUN_AKHBAR, queries)
    plain = page.evaluate(RUN_PLAIN, [queries, base])
    page.close()
    return ({q: sorted(map(slug_of, urls)) for q, urls in mine.items()},
            {q: sorted(map(slug_of, urls)) for q, urls in plain.items()})


def _kind(url: str) -> str:
    name = url.split("?")[0].rsplit("/", 1)[-1]
    for suffix, kind in ((".pf_fragment", "fragments"), (".pf_index", "index chunks"), (".pf_filter", "filter chunks"),
                         (".pf_meta", "metadata"), (".pagefind", "webassembly")):
        if name.endswith(suffix) or name.endswith(suffix + ".js"):
            return kind
    return "scripts" if name.endswith(".js") else "other"


def first_query(browser: Any, url: str, runs: int = 5) -> dict[str, Any]:
    """Bytes fetched for search and ms until the first result shows, in fresh browser contexts."""
    times, sizes = [], {}
    for _ in range(runs):
        context = browser.new_context()
        sizes = {}

        def record(response: Any, sizes: dict[str, int] = sizes) -> None:
            if "/pagefind" in response.url or "/assets/js/search" in response.url:
                try:
                    sizes[response.url] = len(response.body())
                except Exception:  # noqa: BLE001 - a request the page dropped
                    pass

        context.on("response", record)
        page = context.new_page()
        page.goto(url)
        times.append(page.evaluate(FIRST_QUERY))
        page.wait_for_timeout(1000)  # let the first page of excerpts finish loading
        context.close()
    kinds: dict[str, int] = {}
    for address, size in sizes.items():
        kinds[_kind(address)] = kinds.get(_kind(address), 0) + size
    result: dict[str, Any] = {"ms_to_first_results_median": round(statistics.median(times)),
                              "ms_runs": [round(t) for t in times]}
    if url.startswith("http"):
        result.update(requests=len(sizes), bytes=sum(sizes.values()), bytes_by_kind=kinds)
    return result


ALL_RESULTS = """async (query) => {
  const started = performance.now();
  const results = await window.archiveSearch(query, {limit: 5000});
  return [results.length, Math.round(performance.now() - started)];
}"""


def all_results(browser: Any, url: str, query: str) -> dict[str, int]:
    """How long archiveSearch takes to return every match (limit 5000), on a fresh page."""
    page = browser.new_page()
    page.goto(url)
    count, ms = page.evaluate(ALL_RESULTS, query)
    page.close()
    return {"query": query, "results": count, "ms": ms}


# ---------------------------------------------------------------- scoring and reporting


def score(found: list[str], relevant: list[str]) -> tuple[float, float]:
    hits = len(set(found) & set(relevant))
    return hits / len(relevant) if relevant else 1.0, hits / len(found) if found else 0.0


def bundle_stats(folder: Path) -> dict[str, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    twins = [p for p in files if p.name == "pagefind-file.js" or (p.suffix == ".js" and p.with_suffix("").is_file())]
    stock = [p for p in files if p not in twins]
    return {"files": len(stock), "bytes": sum(p.stat().st_size for p in stock),
            "index_bytes": sum(p.stat().st_size for p in stock if p.parent.name == "index"),
            "fragment_bytes": sum(p.stat().st_size for p in stock if p.parent.name == "fragment"),
            "disk_twin_files": len(twins), "disk_twin_bytes": sum(p.stat().st_size for p in twins)}


def table(rows: list[dict[str, Any]]) -> str:
    lines = [f"{'query':<22} {'rel':>4} | {'akhbar: found':>13} {'R':>5} {'P':>5} "
             f"| {'plain: found':>12} {'R':>5} {'P':>5}"]
    for r in rows:
        a, p = r["akhbar"], r["plain"]
        lines.append(f"{r['query']:<22} {r['relevant']:>4} | {a['found']:>13} {a['recall']:>5.2f} "
                     f"{a['precision']:>5.2f} | {p['found']:>12} {p['recall']:>5.2f} {p['precision']:>5.2f}")
    for name in ("recall", "precision"):
        mine = statistics.mean(r["akhbar"][name] for r in rows)
        plain = statistics.mean(r["plain"][name] for r in rows)
        lines.append(f"{'mean ' + name:<27} | {'':>13} {mine:>11.3f} | {'':>12} {plain:>11.3f}")
    return "\n".join(lines)


def evaluate(spec: dict, relevant: dict[str, list[str]], mine: dict, plain: dict) -> list[dict[str, Any]]:
    rows = []
    for item in spec["queries"]:
        q = item["query"]
        row: dict[str, Any] = {"query": q, "relevant": len(relevant[q])}
        for name, found in (("akhbar", mine[q]), ("plain", plain[q])):
            recall, precision = score(found, relevant[q])
            row[name] = {"found": len(found), "recall": recall, "precision": precision,
                         "missed": sorted(set(relevant[q]) - set(found))[:10],
                         "extra": sorted(set(found) - set(relevant[q]))[:10]}
        rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--queries", type=Path, default=QUERIES)
    parser.add_argument("--json", type=Path, default=Path("search_quality.json"), help="where to write the results")
    parser.add_argument("--update-queries", action="store_true", help="recompute the relevant ids and stop")
    parser.add_argument("--keep", type=Path, help="keep the built site in this folder")
    args = parser.parse_args(argv)
    spec = json.loads(args.queries.read_text(encoding="utf-8"))
    work = Path(tempfile.mkdtemp(prefix="akhbar-bench-"))
    try:
        return _run(args, spec, work)
    finally:
        if args.keep:
            shutil.rmtree(args.keep, ignore_errors=True)
            shutil.move(str(work), args.keep)
        else:
            shutil.rmtree(work, ignore_errors=True)


def _run(args: argparse.Namespace, spec: dict, work: Path) -> int:
    started = time.perf_counter()
    loaded, out = make_site(args.corpus, work)
    build_seconds = time.perf_counter() - started
    relevant = {item["query"]: relevant_ids(loaded.articles, item["query"]) for item in spec["queries"]}
    if args.update_queries:
        for item in spec["queries"]:
            item["relevant"] = relevant[item["query"]]
        args.queries.write_text(_dump(spec), encoding="utf-8")
        print(f"wrote {len(relevant)} queries to {args.queries}")
        return 0
    stale = [i["query"] for i in spec["queries"] if i.get("relevant") != relevant[i["query"]]]
    if stale:
        print(f"warning: stored relevant ids differ for {stale}; run with --update-queries", file=sys.stderr)
    plain_seconds = build_plain(loaded.articles, out)
    from playwright.sync_api import sync_playwright

    queries = [item["query"] for item in spec["queries"]]
    server, base = serve(out)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            mine, plain = run_queries(browser, base, queries)
            probe = "search/index.html?q=" + queries[0]
            disk = out.resolve().as_uri() + "/"
            cost = {"http": first_query(browser, base + probe), "disk": first_query(browser, disk + probe),
                    "all_http": all_results(browser, base + "search/index.html", "في"),
                    "all_disk": all_results(browser, disk + "search/index.html", "في")}
            browser.close()
    finally:
        server.shutdown()
    rows = evaluate(spec, relevant, mine, plain)
    print(table(rows))
    strict = {q: relevant_ids(loaded.articles, q, plurals=False) for q in queries}
    strict_rows = evaluate(spec, strict, mine, plain)
    report = {
        "articles": len(loaded.articles), "build_seconds": round(build_seconds, 1),
        "plain_index_seconds": round(plain_seconds, 1),
        "bundle": bundle_stats(out / "pagefind"), "plain_bundle": bundle_stats(out / "plain-pagefind"),
        "first_query": {"query": queries[0], **cost},
        "mean": {name: {"recall": statistics.mean(r[name]["recall"] for r in rows),
                        "precision": statistics.mean(r[name]["precision"] for r in rows)}
                 for name in ("akhbar", "plain")},
        "mean_strict_rule": {name: {"recall": statistics.mean(r[name]["recall"] for r in strict_rows),
                                    "precision": statistics.mean(r[name]["precision"] for r in strict_rows)}
                             for name in ("akhbar", "plain")},
        "queries": rows,
    }
    print(json.dumps({k: v for k, v in report.items() if k != "queries"}, ensure_ascii=False, indent=1))
    args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.json}")
    return 0


def _dump(spec: dict) -> str:
    lines = ["{", f'  "about": {json.dumps(spec["about"], ensure_ascii=False)},',
             f'  "corpus": {json.dumps(spec["corpus"])},', '  "queries": [']
    items = [json.dumps(item, ensure_ascii=False) for item in spec["queries"]]
    lines += ["    " + item + ("," if i < len(items) - 1 else "") for i, item in enumerate(items)]
    return "\n".join(lines + ["  ]", "}"]) + "\n"


if __name__ == "__main__":
    sys.exit(main())
