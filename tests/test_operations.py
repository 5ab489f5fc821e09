"""Hostile operations: what goes wrong around the input, not in it (README: "Bad and hostile
operations"). The file system fails, the output folder is a strange place, builds race, sizes are
absurd. Faults are injected (tests/faults.py; strace for real subprocesses), because CI runs as
root and chmod denies nothing. Each case asserts the exact message, exit code 1, and the
previous site byte for byte.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from akhbar import incremental, serve, sources
from akhbar.cli import EXIT_OK, EXIT_PROBLEMS, main
from akhbar.problems import Problems
from tests.faults import Faults
from tests.tools import REPO_ROOT, require

ARTICLES = {
    "content/2017/summit.md": "---\ntitle: قمة الرياض\ndate: 2017-05-20\n---\nنص الخبر الأول.\n",
    "content/2018/talks.md": "---\ntitle: محادثات جنيف\ndate: 2018-02-01\n---\nنص الخبر الثاني.\n",
    "static/assets/extra.css": "p { color: black }\n",
}
NUMBERED = re.compile(r"^\s*\d+\. (.*)$", re.M)


@pytest.fixture
def faults(monkeypatch: pytest.MonkeyPatch) -> Faults:
    return Faults(monkeypatch)


def files_of(folder: Path) -> dict[str, str]:
    """Every file under `folder` with the SHA-256 of its bytes (links as their targets)."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str], str]:
    """Run the command line; (exit code, the numbered problem lines, everything printed)."""
    code = main(list(argv))
    printed = capsys.readouterr()
    return code, NUMBERED.findall(printed.err), printed.out + printed.err


@pytest.fixture
def built(make_site: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path, dict[str, str]]:
    """A small site built once with the command line: (site, output folder, its files)."""
    site = make_site(ARTICLES)
    out = tmp_path / "out"
    assert main(["build", "--site", str(site), "--out", str(out), "--quiet"]) == EXIT_OK
    capsys.readouterr()
    return site, out, files_of(out)


def rebuild_fails(built: tuple[Path, Path, dict[str, str]], capsys: pytest.CaptureFixture[str],
                  *extra: str) -> list[str]:
    """Build again: it must fail with exit 1 and leave the previous site, byte for byte, and nothing beside it."""
    site, out, before = built
    code, problems, printed = run(capsys, "build", "--site", str(site), "--out", str(out), "--quiet", *extra)
    assert code == EXIT_PROBLEMS, printed
    assert "Nothing was written" in printed
    assert files_of(out) == before
    assert sorted(p.name for p in out.parent.iterdir() if p.name.startswith(".out")) == []
    return problems


# ------------------------------------------------------------------ 1. what cannot be read is an error


@pytest.mark.parametrize(("folder", "code", "message"), [
    ("content/2018", errno.EACCES, "content/2018: error: this folder could not be read: Permission denied "
                                   "(check that you may read it)"),
    ("content", errno.EIO, "content: error: this folder could not be read: Input/output error "
                           "(the disk may be failing; check it, or copy the files again)"),
    ("templates", errno.EACCES, "templates: error: this folder could not be read: Permission denied "
                                "(check that you may read it)"),
    ("static/assets", errno.EIO, "static/assets: error: this folder could not be read: Input/output error "
                                 "(the disk may be failing; check it, or copy the files again)"),
])
def test_a_folder_that_cannot_be_listed_is_an_error_not_an_absence(
        built: Any, faults: Faults, capsys: pytest.CaptureFixture[str], folder: str, code: int, message: str) -> None:
    site = built[0]
    (site / "templates").mkdir(exist_ok=True)
    faults.fail("scandir", site / folder, code)
    assert rebuild_fails(built, capsys) == [message]
    assert run(capsys, "check", "--site", str(site))[:2] == (EXIT_PROBLEMS, [message])


def test_an_article_that_cannot_be_examined_or_opened_is_an_error(built: Any, faults: Faults,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    site = built[0]
    faults.fail("stat", site / "content/2017/summit.md", errno.EIO)
    faults.fail("open", site / "content/2018/talks.md", errno.EACCES)
    faults.fail("open", site / "static/assets/extra.css", errno.EACCES)
    assert rebuild_fails(built, capsys) == [
        "content/2017/summit.md: error: this could not be read: Input/output error "
        "(the disk may be failing; check it, or copy the files again)",
        "content/2018/talks.md:1: error: the file could not be read: Permission denied (check that you may read it)",
        "static/assets/extra.css:1: error: the file could not be read: Permission denied (check that you may read it)",
    ]


def test_an_unreadable_site_yaml_is_an_error(built: Any, faults: Faults, capsys: pytest.CaptureFixture[str]) -> None:
    faults.fail("open", built[0] / "site.yaml", errno.EIO)
    assert rebuild_fails(built, capsys) == [
        "site.yaml: error: site.yaml could not be read: Input/output error "
        "(the disk may be failing; check it, or copy the files again)"]


def test_link_loops_are_errors_never_hangs(built: Any, capsys: pytest.CaptureFixture[str]) -> None:
    site = built[0]
    (site / "content/2017/a.md").symlink_to("b.md")
    (site / "content/2017/b.md").symlink_to("a.md")
    (site / "content/2018/up").symlink_to("..", target_is_directory=True)  # inside content/: not followed
    hint = "(replace the link with the article it should name)"
    assert rebuild_fails(built, capsys) == [
        f"content/2017/a.md: error: this link leads back to itself (a loop of links); it was not read {hint}",
        f"content/2017/b.md: error: this link leads back to itself (a loop of links); it was not read {hint}",
    ]


def test_a_content_folder_that_is_a_link_loop_is_an_error(built: Any, capsys: pytest.CaptureFixture[str]) -> None:
    site = built[0]
    shutil.rmtree(site / "content")
    (site / "content").symlink_to("content", target_is_directory=True)
    assert rebuild_fails(built, capsys) == [
        "content: error: the content/ folder could not be read: Too many levels of symbolic links "
        "(a link leads back to itself; replace it with the folder or file it should name)"]


def test_an_unreadable_folder_after_a_build_is_not_taken_for_nothing_changed(
        built: Any, faults: Faults, capsys: pytest.CaptureFixture[str]) -> None:
    """The no-op check walks the folders as the build does: an unreadable one is a change, then an error."""
    site, out, _ = built
    assert "Nothing changed" in run(capsys, "build", "--site", str(site), "--out", str(out))[2]
    faults.fail("scandir", site / "content/2018", errno.EACCES)
    digest = incremental.input_digest(site, {})
    faults.clear()
    assert digest != incremental.input_digest(site, {})
    faults.fail("scandir", site / "content/2018", errno.EACCES)
    assert rebuild_fails(built, capsys) == [
        "content/2018: error: this folder could not be read: Permission denied (check that you may read it)"]


def test_the_preview_watcher_sees_a_folder_become_unreadable(built: Any, faults: Faults) -> None:
    site = built[0]
    before = serve.snapshot(site)
    assert "content/2018/talks.md" in before and "static/assets/extra.css" in before
    faults.fail("scandir", site / "content/2018", errno.EACCES)
    after = serve.snapshot(site)
    assert "content/2018/talks.md" not in after
    assert [key for key in after if key.startswith("!")] == [
        "!content/2018: this folder could not be read: Permission denied"]


def test_every_walk_lists_the_same_files_in_the_same_order(make_site: Any) -> None:
    site = make_site({"content/b.md": "x", "content/a/z.md": "x", "content/a/y/x.txt": "x", "content/c.txt": "x",
                      "content/_note.md": "x", "content/.hidden/d.md": "x", "content/img.png": "x"})
    problems = Problems()
    found = sources.walk(site, "content", problems, sources.is_article, sources.skipped_in_content)
    assert [s.rel for s in found] == ["content/b.md", "content/c.txt", "content/a/z.md", "content/a/y/x.txt"]
    assert not problems.items


# ------------------------------------------------------------------ 4. links out of the site


def test_links_out_of_static_and_templates_are_errors(built: Any, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    site = built[0]
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "base.html").write_text("<p>elsewhere</p>")
    (site / "static/passwd").symlink_to(secret)
    (site / "static/private").symlink_to(elsewhere, target_is_directory=True)
    (site / "templates").mkdir()
    (site / "templates/base.html").symlink_to(elsewhere / "base.html")
    (site / "static/assets/same.css").symlink_to(site / "static/assets/extra.css")  # inside static/: copied
    assert rebuild_fails(built, capsys) == [
        "static/passwd:1: error: this link points outside static/; it was not read "
        "(copy the file into static/ instead of linking to it)",
        "static/private: error: this folder is a link to outside static/; it was not read "
        "(copy the files into static/ instead of linking to them)",
        "templates/base.html:1: error: this link points outside templates/; it was not read "
        "(copy the file into templates/ instead of linking to it)",
    ]


# ------------------------------------------------------------------ 5. failures of the machine are messages


def test_a_full_disk_while_writing_pages_is_a_message(built: Any, faults: Faults, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """ENOSPC on the pages a worker process writes (the workers inherit the fault) and on the
    build's own files: one message at the output folder, the previous site kept."""
    from akhbar import site as pipeline

    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 1)  # pages are written by worker processes
    out = built[1]
    faults.fail("open", lambda path: f"/.{out.name}.staging-" in path and path.endswith(".html"),
                errno.ENOSPC, writing=True)
    assert rebuild_fails(built, capsys, "--clean", "--jobs", "2") == [
        f"{out}: error: the new site could not be written: No space left on device "
        "(free some space on that disk, then build again)"]


@pytest.mark.parametrize(("call", "code", "hint"), [
    ("mkdir", errno.EROFS, "choose an --out folder on a writable disk"),
    ("open", errno.EACCES, "check that you may write to that folder"),
])
def test_a_read_only_or_unchangeable_output_folder_is_a_message(
        built: Any, faults: Faults, capsys: pytest.CaptureFixture[str], call: str, code: int, hint: str) -> None:
    out = built[1]
    faults.fail(call, lambda path: f"/.{out.name}.staging-" in path, code, writing=True)
    assert rebuild_fails(built, capsys, "--clean") == [
        f"{out}: error: the new site could not be written: {os.strerror(code)} ({hint})"]


def test_an_unknown_locale_is_caught_by_check_as_by_build(built: Any, capsys: pytest.CaptureFixture[str]) -> None:
    site = built[0]
    (site / "site.yaml").write_text("title: أرشيف\nbase_url: https://example.org/\nlocale: xx_YY\n", encoding="utf-8")
    message = ("site.yaml:3: error: locale 'xx_YY' is not a locale Babel knows "
               "(choose one such as ar, ar_SY or ar_EG)")
    assert run(capsys, "check", "--site", str(site))[:2] == (EXIT_PROBLEMS, [message])
    assert rebuild_fails(built, capsys) == [message]
    (site / "site.yaml").write_text("title: أرشيف\nbase_url: https://example.org/\nlocale: ar_SX\n", encoding="utf-8")
    assert run(capsys, "check", "--site", str(site))[1] == [
        "site.yaml:3: error: locale 'ar_SX' is not a locale Babel knows (did you mean 'ar_SY' or 'ar_SS' or 'ar_SO'?)"]


def test_a_template_with_a_syntax_error_is_caught_by_check_as_by_build(
        built: Any, capsys: pytest.CaptureFixture[str]) -> None:
    site = built[0]
    (site / "templates/partials").mkdir(parents=True)
    (site / "templates/partials/csp.html").write_text("<meta>\n{% if x %}\n<p>{{ y }</p>\n", encoding="utf-8")
    (site / "templates/article.html").write_text("{{ x | no_such_filter }}\n", encoding="utf-8")
    expected = [
        "templates/article.html:1: error: the template is not valid Jinja: No filter named 'no_such_filter'. "
        "(fix it, or delete it to use the theme's own)",
        "templates/partials/csp.html:3: error: the template is not valid Jinja: unexpected '}' "
        "(fix it, or delete it to use the theme's own)",
    ]
    assert run(capsys, "check", "--site", str(site))[:2] == (EXIT_PROBLEMS, expected)
    assert rebuild_fails(built, capsys) == expected


def strace_build(site: Path, out: Path, *inject: str) -> subprocess.CompletedProcess[str]:
    """A real `build.py build` under strace, with the system calls named in `inject` failing."""
    strace = require("strace", "strace is missing: run `bash scripts/setup-system.sh`")
    calls = ",".join(spec.split(":", 1)[0] for spec in inject)
    command = [strace, "-f", "-qq", "-o", "/dev/null", "-e", f"trace={calls}",
               *(f"--inject={spec}" for spec in inject),
               sys.executable, str(REPO_ROOT / "build.py"), "build", "--site", str(site), "--out", str(out), "--quiet"]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
    assert "ptrace" not in done.stderr, done.stderr  # strace could not trace (a locked-down container)
    return done


@pytest.mark.parametrize(("inject", "words", "hint"), [
    (["mkdir:error=EROFS"], "Read-only file system", "choose an --out folder on a writable disk"),
    (["mkdir:error=ENOSPC"], "No space left on device", "free some space on that disk, then build again"),
    (["renameat2:error=EBUSY", "rename:error=EBUSY"], "Device or resource busy",
     "is it a mount point, or open in another program? choose a folder inside it as --out"),
])
def test_faults_injected_into_a_real_build_by_strace(built: Any, inject: list[str], words: str, hint: str) -> None:
    site, out, before = built
    (site / "content/2018/talks.md").write_text("---\ntitle: خبر معدل\ndate: 2018-02-01\n---\nنص.\n", encoding="utf-8")
    done = strace_build(site, out, *inject)
    assert done.returncode == EXIT_PROBLEMS, done.stderr
    assert NUMBERED.findall(done.stderr) == [f"{out}: error: the new site could not be written: {words} ({hint})"]
    assert "Traceback" not in done.stderr
    assert files_of(out) == before
    assert sorted(p.name for p in out.parent.iterdir() if p.name.startswith(".out")) == []


# ------------------------------------------------------------------ 3. where a build writes


@pytest.mark.parametrize(("inside", "message"), [
    ("content/public", "the output folder is inside content/; every build would read the one before as articles"),
    ("static/site", "the output folder is inside static/; every build would read the one before into itself"),
    ("templates", "the output folder is inside templates/; every build would read the one before as templates"),
])
def test_an_output_folder_inside_what_the_build_reads_is_refused(
        make_site: Any, capsys: pytest.CaptureFixture[str], inside: str, message: str) -> None:
    site = make_site(ARTICLES)
    (site / "templates").mkdir()
    before = files_of(site)
    code, problems, printed = run(capsys, "build", "--site", str(site), "--out", str(site / inside))
    assert code == EXIT_PROBLEMS
    assert problems == [f"{site / inside}: error: {message} "
                        "(choose an --out folder outside content/, templates/ and static/, such as public/)"]
    assert files_of(site) == before


def test_an_output_folder_holding_the_site_is_refused(make_site: Any, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(ARTICLES)
    before = files_of(site.parent)
    for out in (site, site.parent):
        assert run(capsys, "build", "--site", str(site), "--out", str(out))[1] == [
            f"{out}: error: the output folder holds the site itself; a build would replace the site's own files "
            "(choose an --out folder inside the site folder, such as public/, or elsewhere)"]
    assert files_of(site.parent) == before


def test_an_output_folder_that_is_a_mount_point_is_refused_before_building(
        make_site: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from akhbar import output

    site = make_site(ARTICLES)
    for out in (Path("/proc"), tmp_path / "mounted"):  # a real one, and one the system is said to have
        out.mkdir(exist_ok=True)
        monkeypatch.setattr(output, "mount_points", lambda out=out: {str(out)})
        code, problems, printed = run(capsys, "build", "--site", str(site), "--out", str(out))
        assert (code, problems) == (EXIT_PROBLEMS, [
            f"{out}: error: the output folder is a mount point; a build replaces the folder itself, which a mount "
            f"point cannot be (choose a folder inside it, such as {out / 'site'})"])
        assert "Built" not in printed
    assert output.is_mount(Path("/proc"))


def test_an_output_folder_that_is_a_link_is_followed_and_kept(make_site: Any, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """The link stays a link; the folder it names is replaced, so the old site is never stranded."""
    site = make_site(ARTICLES)
    real = tmp_path / "sites" / "archive-v1"
    link = tmp_path / "public"
    assert run(capsys, "build", "--site", str(site), "--out", str(real))[0] == EXIT_OK
    link.symlink_to(real, target_is_directory=True)
    (site / "content/2018/talks.md").write_text("---\ntitle: خبر معدل\ndate: 2018-02-01\n---\nنص.\n",
                                                encoding="utf-8")
    code, _, printed = run(capsys, "build", "--site", str(site), "--out", str(link))
    assert code == EXIT_OK, printed
    assert link.is_symlink() and link.resolve() == real
    assert "خبر معدل" in (real / "articles/talks/index.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in real.parent.iterdir()) == ["archive-v1"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    assert "Nothing changed" in run(capsys, "build", "--site", str(site), "--out", str(real))[2]


def test_zip_replaces_only_a_zip_that_akhbar_wrote(make_site: Any, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(ARTICLES)
    out = tmp_path / "out"
    yaml_before = (site / "site.yaml").read_bytes()
    code, problems, printed = run(capsys, "bundle", "--site", str(site), "--out", str(out),
                                  "--zip", str(site / "site.yaml"))
    assert (code, problems) == (EXIT_PROBLEMS, [
        f"{site / 'site.yaml'}: error: this file exists and is not a zip written by akhbar bundle; it was not "
        "replaced (choose another --zip name, or move the file away first)"])
    assert (site / "site.yaml").read_bytes() == yaml_before and not out.exists()
    code, problems, _ = run(capsys, "bundle", "--site", str(site), "--out", str(out),
                            "--zip", str(site / "static" / "site.zip"))
    assert problems == [f"{site / 'static' / 'site.zip'}: error: the zip cannot be written inside static/; the next "
                        "build would read it (choose a --zip file outside content/, templates/ and static/)"]
    target = tmp_path / "offline.zip"
    for _ in range(2):  # the second time, akhbar's own zip is replaced
        assert run(capsys, "bundle", "--site", str(site), "--out", str(out), "--zip", str(target))[0] == EXIT_OK
    foreign = tmp_path / "other.zip"
    shutil.make_archive(str(foreign.with_suffix("")), "zip", site)
    before = foreign.read_bytes()
    assert run(capsys, "bundle", "--site", str(site), "--out", str(out), "--zip", str(foreign))[0] == EXIT_PROBLEMS
    assert foreign.read_bytes() == before


# ------------------------------------------------------------------ 7. concurrent builds


def many_articles(count: int) -> dict[str, str]:
    body = "قال الرئيس إن الحكومة ستعمل على تحسين الاقتصاد في المدينة خلال العام المقبل. " * 20
    return {f"content/a{i:03d}.md": f"---\ntitle: خبر رقم {i}\ndate: 2017-01-{1 + i % 28:02d}\n---\n{body}\n"
            for i in range(count)}


def test_two_builds_racing_on_one_output_folder_with_different_options(make_site: Any, tmp_path: Path) -> None:
    """The second waits for the first (and says so); the folder ends as the second's site, and the
    no-op check then answers for exactly that site and those options."""
    site = make_site(many_articles(120))
    out = tmp_path / "public"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    command = [sys.executable, str(REPO_ROOT / "build.py"), "build", "--site", str(site), "--out", str(out), "--quiet"]
    references = {}
    for name, options in (("search", []), ("no-search", ["--no-search"])):
        ref = tmp_path / f"reference-{name}"
        subprocess.run([*command[:-3], "--out", str(ref), "--quiet", *options], env=env, check=True,
                       capture_output=True, timeout=300)
        references[name] = files_of(ref)
    lock = output_lock(out)
    first = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_until(lambda: lock.is_file() and lock.read_text().strip() == str(first.pid), first)
    second = subprocess.Popen([*command, "--no-search"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
    results = [process.communicate(timeout=300) for process in (first, second)]
    assert first.returncode == second.returncode == EXIT_OK, results
    assert (f"another build into {out} is running (process {first.pid}); waiting for it to finish…"
            in results[1][1]), results[1][1]
    assert files_of(out) == references["no-search"]
    again = subprocess.run([*command, "--no-search"], env=env, capture_output=True, text=True, timeout=300)
    assert again.stdout.startswith("Nothing changed"), again.stdout
    other = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert other.stdout.startswith("Built"), other.stdout
    assert files_of(out) == references["search"]


def output_lock(out: Path) -> Path:
    from akhbar.output import lock_path

    return lock_path(out)


def wait_until(ready: Any, process: subprocess.Popen[str], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the build did not take its lock"
        time.sleep(0.01)


def test_an_article_edited_while_the_build_reads_it_is_built_again_next_time(
        make_site: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The no-op check remembers a build only when its inputs did not change while it ran."""
    from akhbar import site as pipeline

    site = make_site(ARTICLES)
    out = tmp_path / "out"
    real_load = pipeline.load

    def load_then_edit(*args: Any, **kwargs: Any) -> Any:
        loaded = real_load(*args, **kwargs)
        (site / "content/2017/summit.md").write_text("---\ntitle: قمة معدلة\ndate: 2017-05-20\n---\nنص.\n",
                                                     encoding="utf-8")
        return loaded

    monkeypatch.setattr(pipeline, "load", load_then_edit)
    assert run(capsys, "build", "--site", str(site), "--out", str(out))[0] == EXIT_OK
    monkeypatch.setattr(pipeline, "load", real_load)
    code, _, printed = run(capsys, "build", "--site", str(site), "--out", str(out))
    assert code == EXIT_OK and printed.startswith("Built"), printed
    assert "قمة معدلة" in (out / "articles/summit/index.html").read_text(encoding="utf-8")
    assert run(capsys, "build", "--site", str(site), "--out", str(out))[2].startswith("Nothing changed")


def test_a_folder_replaced_after_the_build_recorded_it_is_built_again(
        built: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """What the no-op check compares with is taken from the build's own folder, before the swap."""
    site, out, before = built
    (out / "index.html").write_text("<p>changed by hand</p>", encoding="utf-8")
    code, _, printed = run(capsys, "build", "--site", str(site), "--out", str(out))
    assert code == EXIT_OK and printed.startswith("Built"), printed
    assert files_of(out) == before


# ------------------------------------------------------------------ 2. every address is owned once


def test_every_output_path_is_owned_once(built: Any, capsys: pytest.CaptureFixture[str]) -> None:
    """Articles on the site's own pages, aliases and feeds under static files, a static file where the
    site needs a folder or inside the search index: each an error at the editor's file, naming both."""
    site = built[0]
    (site / "site.yaml").write_text("title: أرشيف\nbase_url: https://example.org/\npermalink: '{section}/{slug}/'\n",
                                    encoding="utf-8")
    (site / "content/2017/all.md").write_text("---\ntitle: كل شيء\ndate: 2017-01-01\nsection: archive\n---\nنص.\n",
                                             encoding="utf-8")
    (site / "content/2017/moved.md").write_text(
        "---\ntitle: خبر نقل\ndate: 2017-01-02\naliases: [old/page.html]\n---\nنص.\n", encoding="utf-8")
    for rel in ("static/old/page.html", "static/feed.xml", "static/pagefind/x.js", "static/sections"):
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text("x", encoding="utf-8")
    expected = [
        "content/2017/all.md:1: error: this article's address archive/all/index.html is also the address of "
        "the site's page «كل المقالات» (give it another 'slug:', or change 'permalink')",
        "static/feed.xml: error: this file would be published as feed.xml, which is also the address of the Atom "
        "feed «أرشيف» (rename or remove it)",
        "static/old/page.html: error: this file would be published as old/page.html, which is also the address of "
        "an alias of content/2017/moved.md (rename or remove it)",
        "static/pagefind/x.js: error: this file would be published as pagefind/x.js, which lies inside pagefind/, "
        "the folder of the search index (rename or remove it)",
        "static/sections: error: this file would be published as sections, which clashes with "
        "sections/index.html (the site's page «الأقسام»): one is a file where the other needs a folder "
        "(rename or remove it)",
    ]
    assert run(capsys, "check", "--site", str(site))[:2] == (EXIT_PROBLEMS, expected)
    assert rebuild_fails(built, capsys) == expected


def test_an_article_named_like_a_listing_under_the_slug_permalink(make_site: Any,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site({**ARTICLES, "site.yaml": "title: t\nbase_url: https://example.org/\npermalink: '{slug}/'\n",
                      "content/sections.md": "---\ntitle: أقسام\ndate: 2017-01-01\nsection: سياسة\n---\nنص.\n"})
    assert run(capsys, "check", "--site", str(site))[1] == [
        "content/sections.md:1: error: this article's address sections/index.html is also the address of the "
        "site's page «الأقسام» (give it another 'slug:', or change 'permalink')"]


def test_the_collision_check_pairs_files_folders_and_whole_folders() -> None:
    from akhbar.output import Claim, collisions

    claims = [Claim("index.html", "home"), Claim("pagefind/x.js", "x"), Claim("pagefind/", "search"),
              Claim("a/b.html", "alias"), Claim("A/B.html", "static"), Claim("a", "file a"),
              Claim("a/c/index.html", "page c"), Claim("\u0622/index.html", "nfc"), Claim("\u0627\u0653/index.html", "nfd")]
    assert [(a.owner, b.owner) for a, b in collisions(claims)] == [
        ("x", "search"), ("alias", "static"), ("alias", "file a"), ("nfc", "nfd")]


# ------------------------------------------------------------------ 8. bounded work for hostile sizes


def test_a_headline_of_any_length_is_cut_before_it_is_shaped(monkeypatch: pytest.MonkeyPatch) -> None:
    from akhbar import cards

    fonts = cards.find_fonts()[0]
    assert fonts is not None
    shaped: list[int] = []
    real = cards.shape.__wrapped__

    def shape(text: str, rtl: bool = True) -> str:
        shaped.append(len(text))
        return real(text, rtl)

    monkeypatch.setattr(cards, "shape", shape)
    for headline in ("الحكومة " * 2500, "ب" * 20_000):  # 20,000 characters: words, and one word
        shaped.clear()
        png = cards.draw_card(cards.CardText(headline, "١٧ أيلول ٢٠١٧", "أرشيف", "example.org"), fonts)
        assert png.startswith(b"\x89PNG") and max(shaped) <= cards.DRAWN_CHARACTERS + 2
        assert len(shaped) < 2000, "shaping must not grow with the headline"
    assert cards.clip("كلمة " * 1000).endswith(" …") and len(cards.clip("كلمة " * 1000)) <= cards.DRAWN_CHARACTERS + 2


def test_a_scraped_text_without_line_breaks_gets_a_headline_and_a_warning(make_site: Any,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    sentence = "قال الرئيس إن الحكومة ستعمل على تحسين الاقتصاد في المدينة خلال العام المقبل. "
    site = make_site({"content/one-line.txt": sentence * 400, "content/words.txt": "كلمة " * 2000,
                      "content/run-on.txt": "عنوان الخبر\n" + "نص يتبع العنوان بلا سطر فارغ " * 20 + "\n\nفقرة.",
                      "content/long.md": "---\ntitle: " + "ع" * 400 + "\ndate: 2017-01-01\n---\nنص.\n"})
    code, problems, printed = run(capsys, "check", "--site", str(site))
    assert code == EXIT_OK, printed
    assert [p for p in problems if "date" not in p] == [
        "content/long.md:2: warning: the headline is 400 characters long; it was built, but readers expect a line "
        "or two (share cards show its start) (shorten it)",
        "content/one-line.txt:1: warning: the first line is 30,799 characters long (has the file lost its line "
        "breaks?); its first sentence became the headline and the rest the text (put the headline on the first "
        "line, and a blank line before each paragraph)",
        "content/run-on.txt:1: warning: the headline runs on into the next line with no blank line between; line 1 "
        "was taken as the headline and the rest as text (put a blank line after the headline)",
        "content/words.txt:1: warning: the first line is 9,999 characters long (has the file lost its line breaks?); "
        "its first words became the headline, and the whole line the text (put the headline on the first line, "
        "and a blank line before each paragraph)",
    ]
    from akhbar import site as pipeline

    titles = {a.path: a.title for a in pipeline.load(site).articles}
    assert titles["content/one-line.txt"] == sentence.strip().rstrip(".")
    assert titles["content/words.txt"] == ("كلمة " * 24).strip() + " …"
    assert titles["content/run-on.txt"] == "عنوان الخبر"


def test_jobs_has_an_upper_bound(make_site: Any, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(ARTICLES)
    with pytest.raises(SystemExit) as stopped:
        main(["build", "--site", str(site), "--jobs", "100000"])
    assert stopped.value.code == 2
    assert "argument --jobs: expected a whole number from 1 to 256, not '100000'" in capsys.readouterr().err


@pytest.mark.browser
def test_excerpts_take_time_in_proportion_to_the_matches(browser: Any, make_site: Any, tmp_path: Path) -> None:
    """An article with thousands of matches: the excerpt is the densest window, found in one pass
    (counted, not timed: every callback of Array.prototype.filter on the page is counted)."""
    words = ["كلمة"] * 6000
    for at in range(0, 6000, 2):
        words[at] = "الحكومة"
    for at in range(4000, 4030):
        words[at] = "الحكومة"  # the densest run of matches
    site = make_site({"content/many.md": "---\ntitle: خبر كثير التكرار\ndate: 2017-01-01\n---\n" + " ".join(words)})
    out = tmp_path / "out"
    assert main(["build", "--site", str(site), "--out", str(out), "--quiet"]) == EXIT_OK
    page = browser.new_page()
    try:
        page.add_init_script("""(() => {
            const filter = Array.prototype.filter;
            window.__filtered = 0;
            Array.prototype.filter = function (test, self) {
                return filter.call(this, function () { window.__filtered++; return test.apply(self, arguments); });
            };
        })();""")
        page.goto((out / "search" / "index.html").as_uri())
        page.wait_for_function("window.archiveSearch !== undefined")
        page.evaluate("window.__filtered = 0")
        found = page.evaluate("archiveSearch('الحكومة', {limit: 1})")
        filtered = page.evaluate("window.__filtered")
    finally:
        page.close()
    assert len(found) == 1
    assert found[0]["excerpt"].count("<mark>") == 3 + 24, found[0]["excerpt"]  # from 6 words before the run
    assert filtered < 20 * 3030, f"{filtered:,} filter callbacks for 3,030 matches"


# ------------------------------------------------------------------ 10. validated settings and imports


@pytest.mark.parametrize(("line", "message"), [
    ("cname: https://news.example.org/", "site.yaml:3: error: cname must be one host name such as news.example.org, "
     "not 'https://news.example.org/' (write the domain alone: no https://, path, port, spaces or '*')"),
    ("cname: '*.example.org'", "site.yaml:3: error: cname must be one host name such as news.example.org, not "
     "'*.example.org' (write the domain alone: no https://, path, port, spaces or '*')"),
    ("cname: مثال.إختبار", "site.yaml:3: error: cname must give a Unicode domain in its xn-- form, here "
     "xn--mgbh0fb.xn--kgbechtv (GitHub Pages reads CNAME as ASCII)"),
    ("cname: news.example.org", "site.yaml:3: warning: cname is news.example.org, but base_url is "
     "https://example.org/archive/; with a custom domain GitHub Pages serves the site from "
     "https://news.example.org/ (set base_url: https://news.example.org/ (or pass it with --base-url))"),
])
def test_cname_is_one_host_name(make_site: Any, capsys: pytest.CaptureFixture[str], line: str, message: str) -> None:
    site = make_site({**ARTICLES, "site.yaml": f"title: t\nbase_url: https://example.org/archive/\n{line}\n"})
    assert [p for p in run(capsys, "check", "--site", str(site))[1] if "site.yaml" in p] == [message]


CSP_HINT = "(for example https://user.github.io/archive/)"


@pytest.mark.parametrize(("url", "message"), [
    ("https://*.example.org/", "base_url must name its host with letters, digits, '-' and '.' only, not "
     "'*.example.org' (no '*', quotes or other signs: it is written into every page's Content-Security-Policy)"),
    ("\"https://example.org';script-src:*/\"", "base_url must name its host with letters, digits, '-' and '.' only, "
     "not 'example.org';script-src:*' (no '*', quotes or other signs: it is written into every page's "
     "Content-Security-Policy)"),
    ("https://editor:secret@example.org/", "base_url must not hold a user name or password (the part before '@')"),
    ("'https://example.org/a\"b/'", "base_url's path must not hold spaces, quotes, '<', '>' or backslashes"),
    ("https://مثال.إختبار/", "base_url must give a Unicode domain in its xn-- form, here xn--mgbh0fb.xn--kgbechtv"),
])
def test_base_url_cannot_carry_anything_into_the_policy(make_site: Any, capsys: pytest.CaptureFixture[str],
                                                        url: str, message: str) -> None:
    site = make_site({**ARTICLES, "site.yaml": f"title: t\nbase_url: {url}\n"})
    assert run(capsys, "check", "--site", str(site))[1] == [f"site.yaml:2: error: {message} {CSP_HINT}"]


def test_import_refuses_two_rows_for_one_article_and_keeps_rows_whole(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    from tests.conftest import SITE_YAML

    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    scraped = tmp_path / "scraped"
    scraped.mkdir()
    for name in ("a", "b"):
        (scraped / f"{name}.txt").write_text(f"خبر {name}\n\nنص.\n", encoding="utf-8")
    export = tmp_path / "export.csv"
    export.write_text('id,date,section\na,2017-01-01,سياسة\nb,2017-01-02,"ثقافة\u2028وفنون"\na,2018-01-01,رياضة\n',
                      encoding="utf-8")
    code, problems, _ = run(capsys, "import", str(scraped), "--metadata", str(export), "--site", str(site))
    assert (code, problems) == (EXIT_PROBLEMS, [
        "export.csv:4: error: a second row for 'a' (the first is on line 2) (keep one row per article; the import "
        "cannot tell which is right)",
        "export.csv:3: warning: the 'section' value holds a line separator (U+2028); it was read as a space "
        "(check that the row was exported whole)",
    ])
    assert list((site / "content").iterdir()) == []
    export.write_text('id,date,section\na,2017-01-01,سياسة\nb,2017-01-02,"ثقافة\u2028وفنون"\n', encoding="utf-8")
    assert run(capsys, "import", str(scraped), "--metadata", str(export), "--site", str(site))[0] == EXIT_OK
    assert "section: ثقافة وفنون\n" in (site / "content/b.txt").read_text(encoding="utf-8")
    jsonl = tmp_path / "export.jsonl"
    jsonl.write_text('{"id": "a", "section": "أ\u2028ب"}\n{"id": "b", "date": "2017-01-02"}\n', encoding="utf-8")
    code, problems, _ = run(capsys, "import", str(scraped), "--metadata", str(jsonl), "--site", str(site), "--force")
    assert (code, problems) == (EXIT_OK, [
        "export.jsonl:1: warning: the 'section' value holds a line separator (U+2028); it was read as a space "
        "(check that the row was exported whole)"])
    assert "section: أ ب\n" in (site / "content/a.txt").read_text(encoding="utf-8")


def test_file_names_differing_only_in_unicode_form_are_told_apart(make_site: Any,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    nfc, nfd = "\u0622\u062e\u0631", "\u0627\u0653\u062e\u0631"  # آخر, as one letter and as alef + madda
    site = make_site({**ARTICLES, f"content/{nfc}.md": "---\ntitle: أ\ndate: 2017-01-01\n---\nنص.\n",
                      f"content/{nfd}.md": "---\ntitle: ب\ndate: 2017-01-02\n---\nنص.\n"})
    assert run(capsys, "check", "--site", str(site))[1] == [
        f"content/{nfd}.md:1: error: this article has the same address as content/{nfc}.md (articles/{nfc}/index.html); "
        "the two names differ only in Unicode form: U+0627 U+0653 here, U+0622 there "
        "(give one of them a different 'slug:')"]


def test_a_lone_see_also_line_inside_the_body_is_kept_as_text_with_a_warning(make_site: Any,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    paragraph = "هذه فقرة من متن المقال تتابع ما قبلها وتروي تفاصيل الخبر كما نشرته الوكالة في نصها الكامل. " * 2
    text = (f"عنوان الخبر\n\nفقرة أولى.\n\nانظر ايضاً\n\n{paragraph}\n\nفقرة أخيرة.\n\nانظر ايضاً\n\n"
            "قمة الرياض\n\nنص الخبر الأول…\n")
    site = make_site({**ARTICLES, "content/2017/quoted.txt": "---\ndate: 2017-06-01\n---\n" + text})
    code, problems, _ = run(capsys, "check", "--site", str(site))
    assert (code, problems) == (EXIT_OK, [
        "content/2017/quoted.txt:8: warning: the line «انظر ايضاً» is followed by paragraphs, not \"see also\" "
        "entries; it was kept in the text (if it opens the \"see also\" block, put that block after the article's "
        "last paragraph)"])
    from akhbar import site as pipeline

    quoted = next(a for a in pipeline.load(site).articles if a.path.endswith("quoted.txt"))
    assert paragraph.strip() in quoted.body_html and "فقرة أخيرة." in quoted.body_html
    assert [(entry.text, entry.target.path if entry.target else None) for entry in quoted.see_also] == [
        ("قمة الرياض", "content/2017/summit.md")]


# ------------------------------------------------------------------ 9. the preview server answers only its own names


@pytest.fixture
def preview(tmp_path: Path) -> Any:
    """The preview server over a one-page folder, in this process: (server, port)."""
    import threading

    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").write_text("<!DOCTYPE html><title>t</title><body><p>مسودة</p></body>", encoding="utf-8")
    server = serve.PreviewServer(("127.0.0.1", 0), out, serve.Hub(), False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server, server.server_port
    finally:
        server.shutdown()
        server.server_close()


def raw_get(port: int, host: str | None, path: str = "/") -> tuple[int, bytes]:
    """A GET sent byte by byte, with exactly the Host header given (none with None): (status, body)."""
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        header = f"Host: {host}\r\n" if host is not None else ""
        connection.sendall(f"GET {path} HTTP/1.1\r\n{header}Connection: close\r\n\r\n".encode())
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def test_the_preview_server_refuses_other_names(preview: Any) -> None:
    _, port = preview
    for host in ("localhost", f"localhost:{port}", f"127.0.0.1:{port}", f"[::1]:{port}", "LOCALHOST:1234"):
        status, body = raw_get(port, host)
        assert status == 200 and "مسودة".encode() in body, host
    for host in ("evil.example", f"evil.example:{port}", f"localhost.evil.example:{port}", "127.0.0.1.nip.io", None):
        status, body = raw_get(port, host)
        assert status == 421, host
        assert body.decode().startswith("421 Misdirected Request: this preview server answers only to its own names "
                                        "(localhost, 127.0.0.1, [::1] or its --host 127.0.0.1), not to "
                                        f"'{host or ''}'. Open http://127.0.0.1:{port}/ instead."), body
        assert "مسودة".encode() not in body
    assert raw_get(port, f"evil.example:{port}", "/__akhbar/live.js")[0] == 421


@pytest.mark.parametrize(("header", "bound", "allowed"), [
    ("news.local:8000", "news.local", True), ("192.168.1.20:8000", "0.0.0.0", True),
    ("192.168.1.20:8000", "127.0.0.1", False), ("[fe80::1]:8000", "::", True), ("evil.example", "0.0.0.0", False),
    ("127.0.0.1", "::1", True), ("", "127.0.0.1", False),
])
def test_host_names_a_server_answers_to(header: str, bound: str, allowed: bool) -> None:
    assert serve.host_allowed(header, bound) is allowed


def test_the_preview_server_bounds_its_connections(preview: Any) -> None:
    import socket

    _, port = preview
    idle = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(serve.MAX_CONNECTIONS)]
    try:
        time.sleep(0.5)  # every idle connection has its thread
        status, body = raw_get(port, "localhost")
        assert (status, body) == (503, b"503: the preview server has too many connections open; try again\n")
    finally:
        for connection in idle:
            connection.close()
    deadline = time.monotonic() + 10
    while raw_get(port, "localhost")[0] != 200:
        assert time.monotonic() < deadline, "the slots were not given back"


def test_the_listen_backlog_holds_a_browsers_burst(tmp_path: Path) -> None:
    """Connections wait in the backlog while the server is busy: a hundred, none refused or dropped."""
    import socket

    server = serve.PreviewServer(("127.0.0.1", 0), tmp_path, serve.Hub(), False)  # listening, not accepting
    try:
        waiting = [socket.create_connection(("127.0.0.1", server.server_port), timeout=2) for _ in range(100)]
        for connection in waiting:
            connection.close()
    finally:
        server.server_close()


def test_a_static_file_where_images_are_published_is_an_error(make_site: Any, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    from PIL import Image

    site = make_site({**ARTICLES, "content/2017/photo.md": "---\ntitle: صورة\ndate: 2017-03-01\n"
                      "image: lead.png\nimage_alt: صورة الخبر\n---\nنص.\n", "static/media": "x"})
    Image.new("RGB", (40, 30), "teal").save(site / "content/2017/lead.png")
    code, problems, _ = run(capsys, "check", "--site", str(site))
    assert code == EXIT_PROBLEMS
    assert len(problems) == 1 and re.fullmatch(
        r"static/media: error: this file would be published as media, which clashes with media/[0-9a-f]+\.png "
        r"\(the image content/2017/lead\.png as published\): one is a file where the other needs a folder "
        r"\(rename or remove it\)", problems[0]), problems
