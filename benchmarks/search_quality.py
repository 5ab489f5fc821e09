#!/usr/bin/env python3
"""Search quality and cost on the shared corpus: akhbar's Arabic-aware index against plain Pagefind.

    python benchmarks/search_quality.py [--corpus DIR] [--json OUT.json] [--keep DIR]   # both dev sets
    python benchmarks/search_quality.py --queries A.yaml B.yaml   # any query sets, scored together
    python benchmarks/search_quality.py --final      # the held-out final set (never tuned on)

It imports the corpus into a throw-away site, builds it (with its search index), builds a second,
*plain* Pagefind index over the same article text (stock Pagefind, <html lang="ar">, so Snowball
stemming and Pagefind's own diacritic folding, no akhbar normalisation), serves both over HTTP and
runs every query of a query set through each in headless Chromium:

  * akhbar: window.archiveSearch.open(query) on the search page, every result; when a query finds
    nothing and akhbar offers a spelling suggestion, the suggestion's results (one click away);
  * plain:  Pagefind's search(query) with every result loaded.

Relevance comes from benchmarks/search_judge.py: hand-written patterns over the articles' own
text, written independently of the index's rules (see the query sets' comments). It prints recall
and precision per query, per kind and overall (each the mean over queries; precision of an empty
result counts as 0), and a ranking figure for queries that say which articles should rank first:
the share of the first N results that are among those N.

It also reports what search costs: bundle size and files, bytes fetched by a first query and the
time to first results in a fresh browser, over HTTP and from disk.
"""

from __future__ import annotations

import argparse
import functools
import html
import json
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
from akhbar.content import Article  # noqa: E402
from akhbar.importer import import_articles  # noqa: E402
from akhbar.problems import Problems  # noqa: E402
from benchmarks import search_judge as judge  # noqa: E402

CORPUS = judge.CORPUS
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SITE_YAML = "title: أرشيف العينة\nbase_url: https://example.org/news-archive/\n"


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
  for (const q of queries) {
    const search = await window.archiveSearch.open(q);
    let results = await search.page(0, search.total);
    const suggestion = search.suggestion || null;
    if (!results.length && suggestion) {
      const followed = await window.archiveSearch.open(suggestion);
      results = await followed.page(0, followed.total);
    }
    out[q] = {urls: results.map(r => r.url), suggestion};
  }
  return out;
}"""

RUN_PLAIN = """async ([queries, base]) => {
  const pagefind = await import(base + 'plain-pagefind/pagefind.js');
  const out = {};
  for (const q of queries) {
    const found = await pagefind.search(q);
    out[q] = {urls: await Promise.all(found.results.map(async r => (await r.data()).raw_url)), suggestion: null};
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
    """Each engine's results for each query: {query: {"ids": [...in rank order], "suggestion": ...}}."""
    page = browser.new_page()
    page.goto(base + "search/index.html")
    page.wait_for_function("window.archiveSearch !== undefined")
    mine = page.evaluate(RUN_AKHBAR, queries)
    plain = page.evaluate(RUN_PLAIN, [queries, base])
    page.close()

    def ids(found: dict) -> dict:
        return {q: {"ids": [slug_of(u) for u in r["urls"]], "suggestion": r["suggestion"]} for q, r in found.items()}

    return ids(mine), ids(plain)


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


def ranked_first(found: list[str], first: list[str]) -> float | None:
    """Of the first len(first) results, the share that are in `first` (None when nothing should rank first)."""
    if not first:
        return None
    return len(set(found[:len(first)]) & set(first)) / len(first)


def bundle_stats(folder: Path) -> dict[str, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    twins = [p for p in files if p.name == "pagefind-file.js" or (p.suffix == ".js" and p.with_suffix("").is_file())]
    stock = [p for p in files if p not in twins]
    return {"files": len(stock), "bytes": sum(p.stat().st_size for p in stock),
            "index_bytes": sum(p.stat().st_size for p in stock if p.parent.name == "index"),
            "fragment_bytes": sum(p.stat().st_size for p in stock if p.parent.name == "fragment"),
            "disk_twin_files": len(twins), "disk_twin_bytes": sum(p.stat().st_size for p in twins)}


ENGINES = ("akhbar", "plain")


def evaluate(queries: list[judge.Query], texts: tuple[judge.Text, ...], found: dict[str, dict]) -> list[dict[str, Any]]:
    """One row per query: relevant count, and for each engine what it found and how well."""
    rows = []
    for query in queries:
        relevant, first = query.relevant(texts), query.ranked_first(texts)
        row: dict[str, Any] = {"query": query.query, "kind": query.kind, "relevant": len(relevant),
                               "first": len(first)}
        for engine in ENGINES:
            result = found[engine][query.query]
            recall, precision = score(result["ids"], relevant)
            row[engine] = {"found": len(result["ids"]), "recall": recall, "precision": precision,
                           "ranked_first": ranked_first(result["ids"], first), "suggestion": result["suggestion"],
                           "missed": sorted(set(relevant) - set(result["ids"]))[:10],
                           "extra": sorted(set(result["ids"]) - set(relevant))[:10]}
        rows.append(row)
    return rows


def _mean(values: list[float]) -> float | None:
    return round(statistics.mean(values), 3) if values else None


def summary(rows: list[dict[str, Any]], kinds: list[str]) -> dict[str, dict[str, Any]]:
    """Mean recall, precision and ranking figure per kind and overall, for each engine."""
    groups = {kind: [r for r in rows if r["kind"] == kind] for kind in kinds}
    groups["overall"] = rows
    out: dict[str, dict[str, Any]] = {}
    for name, group in groups.items():
        out[name] = {"queries": len(group)}
        for engine in ENGINES:
            ranking = [r[engine]["ranked_first"] for r in group if r[engine]["ranked_first"] is not None]
            out[name][engine] = {"recall": _mean([r[engine]["recall"] for r in group]),
                                 "precision": _mean([r[engine]["precision"] for r in group]),
                                 "ranked_first": _mean(ranking)}
    return out


def table(rows: list[dict[str, Any]], kinds: list[str]) -> str:
    lines = [f"{'kind':<15} {'query':<26} {'rel':>4} | {'akhbar':>6} {'R':>5} {'P':>5} {'1st':>5} "
             f"| {'plain':>6} {'R':>5} {'P':>5} {'1st':>5}"]

    def fmt(value: float | None) -> str:
        return f"{value:>5.2f}" if value is not None else f"{'':>5}"

    for r in rows:
        a, p = r["akhbar"], r["plain"]
        note = f"  → {a['suggestion']}" if a["suggestion"] else ""
        lines.append(f"{r['kind']:<15} {r['query']:<26} {r['relevant']:>4} | {a['found']:>6} {fmt(a['recall'])} "
                     f"{fmt(a['precision'])} {fmt(a['ranked_first'])} | {p['found']:>6} {fmt(p['recall'])} "
                     f"{fmt(p['precision'])} {fmt(p['ranked_first'])}{note}")
    lines.append("")
    lines.append(f"{'':<15} {'mean over queries':<26} {'n':>4} | {'':>6} {'R':>5} {'P':>5} {'1st':>5} "
                 f"| {'':>6} {'R':>5} {'P':>5} {'1st':>5}")
    for name, figures in summary(rows, kinds).items():
        a, p = figures["akhbar"], figures["plain"]
        lines.append(f"{name:<15} {'':<26} {figures['queries']:>4} | {'':>6} {fmt(a['recall'])} {fmt(a['precision'])} "
                     f"{fmt(a['ranked_first'])} | {'':>6} {fmt(p['recall'])} {fmt(p['precision'])} "
                     f"{fmt(p['ranked_first'])}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--queries", type=Path, nargs="+", default=list(judge.DEV_SETS),
                        help="query sets, scored together (default: both development sets)")
    parser.add_argument("--final", action="store_true", help="run the held-out final query set (never tuned on)")
    parser.add_argument("--json", type=Path, default=Path("search_quality.json"), help="where to write the results")
    parser.add_argument("--keep", type=Path, help="keep the built site in this folder")
    args = parser.parse_args(argv)
    specs = [judge.load(path) for path in ([judge.FINAL] if args.final else args.queries)]
    work = Path(tempfile.mkdtemp(prefix="akhbar-bench-"))
    try:
        return _run(args, specs, work)
    finally:
        if args.keep:
            shutil.rmtree(args.keep, ignore_errors=True)
            shutil.move(str(work), args.keep)
        else:
            shutil.rmtree(work, ignore_errors=True)


def _run(args: argparse.Namespace, specs: list[judge.QuerySet], work: Path) -> int:
    started = time.perf_counter()
    loaded, out = make_site(args.corpus, work)
    build_seconds = time.perf_counter() - started
    texts = judge.corpus_texts(args.corpus)
    plain_seconds = build_plain(loaded.articles, out)
    from playwright.sync_api import sync_playwright

    queries = list(dict.fromkeys(q.query for spec in specs for q in spec.queries))
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
    found = {"akhbar": mine, "plain": plain}
    set_rows = [evaluate(spec.queries, texts, found) for spec in specs]
    rows = [row for own in set_rows for row in own]
    kinds = list(dict.fromkeys(kind for spec in specs for kind in spec.kinds))
    print(table(rows, kinds))
    names = [path.name for path in ([judge.FINAL] if args.final else args.queries)]
    if len(specs) > 1:
        for name, own in zip(names, set_rows, strict=True):
            print(f"{name}: " + json.dumps(summary(own, [])["overall"], ensure_ascii=False))
    report = {
        "query_set": " + ".join(names),
        "articles": len(loaded.articles), "build_seconds": round(build_seconds, 1),
        "plain_index_seconds": round(plain_seconds, 1),
        "bundle": bundle_stats(out / "pagefind"), "plain_bundle": bundle_stats(out / "plain-pagefind"),
        "first_query": {"query": queries[0], **cost},
        "summary": summary(rows, kinds),
        "per_set": {name: summary(own, list(spec.kinds))
                    for name, spec, own in zip(names, specs, set_rows, strict=True)},
        "queries": rows,
    }
    costs = {k: v for k, v in report.items() if k not in ("queries", "summary", "per_set")}
    print(json.dumps(costs, ensure_ascii=False, indent=1))
    args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
