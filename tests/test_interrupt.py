"""Nothing lost: a build killed at any moment leaves the complete previous site or the complete new one.

Two versions of a generated site (A and B: every headline differs, so every page differs) are
built once as references. Then, trial after trial, a real `build.py build` process is started
on the other version and killed with SIGKILL after a random delay spanning the whole build:
every other trial with its helpers (Pagefind, card and page workers), as a power cut would, and
otherwise the main process alone, as an out-of-memory killer or a CI timeout does; then no
process of the build may survive it. Afterwards the output folder must hold, byte for byte,
exactly the reference A site or the reference B site: never a mix, never nothing. Every few
trials the next build runs to the end and must succeed and leave no staging folder behind. The
random generator is seeded, so a failure can be replayed (AKHBAR_INTERRUPT_SEED, _TRIALS).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from akhbar import search
from tests.tools import REPO_ROOT

ARTICLES = 150
TRIALS = int(os.environ.get("AKHBAR_INTERRUPT_TRIALS", "25"))
SEED = int(os.environ.get("AKHBAR_INTERRUPT_SEED", "20170917"))
COMPLETE_EVERY = 5  # every this many trials, the following build is left to finish
WORDS = "قال الرئيس إن الحكومة ستعمل على تحسين الاقتصاد في المدينة خلال العام المقبل مع الشركاء".split()

Digest = dict[str, str]
_VARIES = re.compile(r"(und_)[0-9a-f]+")  # Pagefind's per-build hash in filter and meta file names


def write_site(root: Path, version: str) -> None:
    """A site of ARTICLES generated articles; `version` is part of every headline and the site's title."""
    rng = random.Random(1)  # the same words for A and B: only the version letter differs
    content = root / "content"
    content.mkdir(parents=True)
    (root / "site.yaml").write_text(f"title: أرشيف {version}\nbase_url: https://example.org/archive/\n",
                                    encoding="utf-8")
    for i in range(ARTICLES):
        title = f"خبر رقم {i} {' '.join(rng.choice(WORDS) for _ in range(5))} {version}"
        body = "\n\n".join(" ".join(rng.choice(WORDS) for _ in range(60)) + "." for _ in range(4))
        (content / f"a{i:04d}.md").write_text(
            f"---\ntitle: {title}\ndate: 2017-{1 + i % 12:02d}-{1 + i % 28:02d}\nsection: قسم{i % 5}\n"
            f"tags: [وسم{i % 9}]\nsee_also: [a{(i * 7 + 1) % ARTICLES:04d}]\n---\n{body}\n",
            encoding="utf-8")


def files(folder: Path) -> Digest:
    """Every file under `folder` with the SHA-256 of its bytes."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def digest(folder: Path) -> Digest:
    """A built site's files and their SHA-256, except that Pagefind's filter and meta files (whose
    names and bytes vary from one build of the same input to the next) count only by name pattern,
    once the index is checked to be whole."""
    found: Digest = {}
    varying: Counter[str] = Counter()
    for rel, sha in files(folder).items():
        if rel.startswith("pagefind/") and (_VARIES.search(rel) or "pagefind-entry.json" in rel):
            varying[_VARIES.sub(r"\1#", rel)] += 1
        else:
            found[rel] = sha
    found.update((rel, f"{count} file(s), named per build") for rel, count in varying.items())
    entry = folder / "pagefind" / "pagefind-entry.json"
    if entry.is_file():
        for language in json.loads(entry.read_text(encoding="utf-8"))["languages"].values():
            assert (folder / "pagefind" / f"pagefind.{language['hash']}.pf_meta").is_file(), "a torn index"
    return found


def snapshot(site: Path) -> Digest:
    """The site's source files (not the card cache a build keeps in .cache/)."""
    return {rel: sha for rel, sha in files(site).items() if not rel.startswith(".cache/")}


def build_command(site: Path, out: Path) -> list[str]:
    return [sys.executable, str(REPO_ROOT / "build.py"), "build", "--site", str(site), "--out", str(out), "--quiet"]


@dataclass
class Versions:
    sites: dict[str, Path]
    references: dict[str, Digest]
    env: dict[str, str]
    durations: list[float]  # complete builds seen so far: kills are drawn over their median

    @property
    def seconds(self) -> float:
        return statistics.median(self.durations)


def run_build(site: Path, out: Path, env: dict[str, str]) -> float:
    """Build to the end in a separate process; return its wall-clock time."""
    started = time.perf_counter()
    done = subprocess.run(build_command(site, out), env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return time.perf_counter() - started


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> Versions:
    base = tmp_path_factory.mktemp("interrupt")
    tmp = base / "tmp"  # Pagefind's temporary folders, which a killed build cannot remove
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp), "PYTHONDONTWRITEBYTECODE": "1"}
    sites = {v: base / f"site-{v}" for v in "AB"}
    references = {}
    for version, site in sites.items():
        write_site(site, version)
        run_build(site, base / f"reference-{version}", env)  # also fills the site's card cache
        references[version] = digest(base / f"reference-{version}")
    durations = [run_build(sites["A"], base / "timing", env)]
    assert digest(base / "timing") == references["A"], "the same input must give the same site"
    return Versions(sites, references, env, durations)


def state_of(out: Path, versions: Versions) -> str:
    """'A' or 'B' when `out` is exactly that reference site; otherwise fail, saying how it differs."""
    assert out.is_dir(), f"{out} is missing"
    found = digest(out)
    for version, reference in versions.references.items():
        if found == reference:
            return version
    report = []
    for version, reference in versions.references.items():
        differing = sorted(rel for rel in found if found[rel] != reference.get(rel))
        missing = sorted(set(reference) - set(found))
        report.append(f"{len(differing)} files differ from {version} (e.g. {differing[:4]}), "
                      f"{len(missing)} are missing (e.g. {missing[:4]})")
    raise AssertionError(f"{out} is neither complete site: {len(found)} files; " + "; ".join(report))


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name != out.name)


def test_the_two_versions_differ_in_every_page(versions: Versions) -> None:
    a, b = versions.references["A"], versions.references["B"]
    pages = [rel for rel in a if rel.endswith(".html")]
    assert len(pages) > ARTICLES
    assert all(a[rel] != b.get(rel) for rel in pages)


def test_a_build_killed_at_random_leaves_the_old_or_the_new_site(
    versions: Versions, tmp_path: Path, record_property: pytest.RecordProperty,
) -> None:
    rng = random.Random(SEED)
    out = tmp_path / "outs" / "public"
    sources = {v: snapshot(site) for v, site in versions.sites.items()}
    run_build(versions.sites["A"], out, versions.env)
    current = state_of(out, versions)
    outcomes: Counter[str] = Counter()
    staging_seen = 0
    killed: list[int] = []
    started = time.perf_counter()
    for trial in range(TRIALS):
        target = "B" if current == "A" else "A"
        delay = rng.uniform(0.0, versions.seconds * 1.15)
        launched = time.perf_counter()
        alone = trial % 2 == 1
        # killed alone, the build starts with an empty cache: share cards are drawn by worker processes
        env = {**versions.env, "XDG_CACHE_HOME": str(tmp_path / f"cache-{trial}")} if alone else versions.env
        process = subprocess.Popen(build_command(versions.sites[target], out), env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        try:
            process.wait(timeout=delay)
            finished = True
        except subprocess.TimeoutExpired:
            finished = False
            if alone:  # the main process only, as an out-of-memory killer does: its helpers must die with it
                os.kill(process.pid, signal.SIGKILL)
            else:  # the build and its helpers, as a power cut would
                os.killpg(process.pid, signal.SIGKILL)
            killed.append(process.pid)
        error = process.communicate(timeout=60)[1].decode("utf-8", "replace")
        if not finished:
            assert survivors(process.pid) == [], f"trial {trial}: processes of the killed build still run"
        if finished:
            assert process.returncode == 0, f"trial {trial}: the build failed on its own:\n{error}"
            if not alone:
                versions.durations.append(time.perf_counter() - launched)
        now = state_of(out, versions)
        assert now in (current, target), f"trial {trial}: {now}"
        if finished:
            assert now == target, f"trial {trial}: the build finished but the site was not replaced"
        outcomes["finished" if finished else "new site" if now == target else "previous site"] += 1
        outcomes["killed alone"] += alone and not finished
        staging_seen += any(".staging-" in name for name in leftovers(out))
        current = now
        if trial % COMPLETE_EVERY == COMPLETE_EVERY - 1:
            target = "B" if current == "A" else "A"
            versions.durations.append(run_build(versions.sites[target], out, versions.env))
            assert state_of(out, versions) == target
            assert leftovers(out) == [], "a complete build must remove what killed builds left"
            current = target
    run_build(versions.sites["B" if current == "A" else "A"], out, versions.env)
    assert leftovers(out) == []
    assert outcomes["killed alone"] > 0, "no trial killed the main process alone"
    scratch = [Path(search.scratch_folder(1) or tempfile.gettempdir()), Path(tempfile.gettempdir())]
    for pid in killed:  # their search sources (in memory when tmpfs has room) are swept too
        assert not [p for folder in scratch for p in folder.glob(f"{search.SCRATCH_PREFIX}{pid}-*")], pid
    assert {v: snapshot(site) for v, site in versions.sites.items()} == sources, "a build changed its sources"
    seconds = time.perf_counter() - started
    record_property("interrupt_outcomes", dict(outcomes))
    print(f"\n{TRIALS} builds killed at random (seed {SEED}, median build {versions.seconds:.1f} s): "
          f"{dict(outcomes)}; "
          f"{staging_seen} left a staging folder; {seconds:.0f} s in all")
    assert outcomes["previous site"] > 0, "no kill landed before the swap: the delays do not span the build"


def survivors(session: int, grace: float = 0.5) -> list[str]:
    """Processes of the build started as session `session` still running after `grace` seconds
    (zombies are dead; the trash emptier, which only deletes the replaced site from the user's
    cache, outlives a build on purpose and leaves the session)."""
    deadline = time.monotonic() + grace
    while True:
        running = []
        for entry in os.listdir("/proc"):
            try:
                stat = Path(f"/proc/{entry}/stat").read_text() if entry.isdigit() else ""
            except OSError:
                continue
            fields = stat.rpartition(")")[2].split()
            if fields and fields[0] != "Z" and int(fields[3]) == session:
                running.append(f"{entry} {stat.partition(' ')[2].partition(')')[0]}) {fields[0]}")
        if not running or time.monotonic() > deadline:
            return running
        time.sleep(0.1)


def dead_pid() -> int:
    """The id of a process that has ended (and been reaped)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_staging_folder_half_deleted_by_a_killed_build_is_removed_next_time(tmp_path: Path) -> None:
    """A build killed while deleting the previous site (after the swap) leaves a folder with the marker
    still in it: the marker goes last, so the next build knows the folder as its own and removes it."""
    from akhbar.output import MARKER, Output, _remove

    out = tmp_path / "public"
    out.mkdir()
    (out / MARKER).write_text("Made by akhbar\n")
    stale = tmp_path / f".public.staging-{dead_pid()}"
    (stale / "articles" / "x").mkdir(parents=True)
    (stale / "articles" / "x" / "index.html").write_text("<p>old</p>")
    (stale / MARKER).write_text("Made by akhbar\n")
    Output(out).recover()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public"]

    folder = tmp_path / "folder"
    (folder / "a" / "b").mkdir(parents=True)
    (folder / MARKER).write_text("x")
    (folder / "a" / "b" / "c.html").write_text("x")
    _remove(folder)
    assert not folder.exists()


def test_a_folder_that_only_looks_like_a_staging_folder_is_kept(tmp_path: Path) -> None:
    from akhbar.output import Output

    out = tmp_path / "public"
    theirs = tmp_path / f".public.staging-{dead_pid()}"
    theirs.mkdir()
    (theirs / "notes.txt").write_text("someone else's")
    Output(out).recover()
    assert (theirs / "notes.txt").read_text() == "someone else's"


@pytest.mark.parametrize("name", ["we[ir]d *name?", "public-2 (copy)", "نسخة [١]", "a\nb"])
def test_staging_folders_are_recognised_whatever_the_output_folder_is_called(tmp_path: Path, name: str) -> None:
    """Leftovers are matched by name as text: glob's brackets, stars and question marks, dashes,
    spaces, Arabic and newlines in --out mean nothing special."""
    from akhbar.output import MARKER, Output

    out = tmp_path / name
    out.mkdir()
    (out / MARKER).write_text("Made by akhbar\n")
    stale = tmp_path / f".{name}.staging-{dead_pid()}"
    (stale / "articles").mkdir(parents=True)
    (stale / MARKER).write_text("Made by akhbar\n")
    Output(out).recover()
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]
